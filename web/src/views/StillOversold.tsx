import { allPages } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { formatNumber } from "../format";
import { href } from "../router";
import { useAsync } from "../use-async";

interface OversoldRow {
  storeId: string;
  sku: string;
  onHand: number;
  reserved: number;
}

/**
 * What the oversells view says when no record is open: resolving a record does not heal its
 * cell, so "nothing to do" holds only while no cell of the filter is still oversold (the
 * stock report's, the same figure as the overview's "Oversold cells").
 */
export function StillOversold({ region, storeId }: { region: string; storeId: string }) {
  const cells = useAsync(() => allPages<OversoldRow>("stock", { oversold: "true", region: region || undefined, storeId: storeId || undefined }, 2), [region, storeId]);
  if (cells.status === "loading") return <p class="muted">No open oversells. Checking for cells still oversold…</p>;
  if (cells.status === "error") {
    return (
      <>
        <p class="muted">No open oversells, but whether any cell is still oversold could not be checked:</p>
        <ErrorNote error={cells.error} onRetry={cells.reload} />
      </>
    );
  }
  if (cells.data.length === 0) return <p class="muted">No open oversells and no oversold cells. Nothing to do here.</p>;
  return (
    <div data-testid="still-oversold">
      <p>
        No open oversells, but {cells.data.length === 1 ? "1 cell is" : `${formatNumber(cells.data.length)} cells are`} still oversold: each refuses
        reservations until a stocktake or a released reservation heals it.
      </p>
      <ul>
        {cells.data.map((cell) => (
          <li>
            <a href={href({ view: "store", storeId: cell.storeId })}>
              {cell.storeId} · {cell.sku}
            </a>{" "}
            ({formatNumber(cell.reserved)} reserved of {formatNumber(cell.onHand)} on hand)
          </li>
        ))}
      </ul>
    </div>
  );
}
