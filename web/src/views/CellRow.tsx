import { useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, type Cell } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { Meter } from "../components/Meter";
import { Wrap } from "../components/Wrap";
import { formatNumber, formatTime, utcTitle } from "../format";
import { isLowStock, isOutOfStock, OUT_OF_STOCK_NOTE, thresholdsOf, type Thresholds } from "../low-stock";
import { AllocationForm } from "./AllocationForm";
import { freeUnits } from "./cell-math";

const describeThresholds = (thresholds: Thresholds) =>
  [
    thresholds.overall !== undefined ? `overall ≤ ${formatNumber(thresholds.overall)}` : "",
    ...Object.entries(thresholds.channels ?? {}).map(([channel, limit]) => `${channel} ≤ ${formatNumber(limit)}`),
  ]
    .filter(Boolean)
    .join(", ");

/** One SKU: numbers, per-channel bars, state, and the manager's actions. */
export function CellRow({ cell, timezone, manage, flash, onChanged }: { cell: Cell; timezone: string | undefined; manage: boolean; flash: boolean; onChanged: (cell: Cell) => void }) {
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The button to put focus back on once an action is done: it was disabled (sold-out) or its
  // editor removed (quotas), and focus would otherwise drop to the page's body.
  const [refocus, setRefocus] = useState<"toggle" | "edit" | null>(null);
  const toggleButton = useRef<HTMLButtonElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  // Right after the redraw, so focus never rests on the body in between.
  useLayoutEffect(() => {
    if (!refocus) return;
    (refocus === "toggle" ? toggleButton : editButton).current?.focus();
    setRefocus(null);
  }, [refocus]);
  const closeEditor = () => {
    setEditing(false);
    setRefocus("edit");
  };
  const quotaSum = Object.values(cell.channels).reduce((sum, channel) => sum + channel.quota, 0);
  const sharedCapacity = Math.max(cell.free.shared, cell.onHand - quotaSum);
  const thresholds = thresholdsOf(cell);
  const channelThresholds = thresholds?.channels ?? {};
  const free = freeUnits(cell);
  const out = isOutOfStock(cell, free);

  async function toggleSoldOut() {
    setBusy(true);
    setError(null);
    try {
      onChanged(await api.setSoldOut(cell.storeId, cell.sku, !cell.soldOut));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
      setRefocus("toggle");
    }
  }

  return (
    <>
      <tr data-sku={cell.sku} class={`${flash ? "flash" : ""} ${cell.oversold ? "row-bad" : ""}`} title={`Updated ${formatTime(cell.updatedAt, timezone)} (${utcTitle(cell.updatedAt)}), version ${cell.version}`}>
        <th scope="row">
          <Wrap text={cell.sku} />
        </th>
        <td class="num" data-field="onHand">
          {formatNumber(cell.onHand)}
        </td>
        <td class="num" data-field="reserved">
          {formatNumber(cell.reserved)}
        </td>
        <td class="meters">
          {Object.entries(cell.channels).map(([name, channel]) => (
            <Meter label={name} free={cell.free.channels[name] ?? 0} quota={channel.quota} threshold={channelThresholds[name]} available={channel.available} />
          ))}
          <Meter label={`shared (${cell.sharedPolicy})`} free={cell.free.shared} quota={sharedCapacity} />
        </td>
        <td data-field="state">
          {cell.oversold && <span class="badge bad">Oversold</span>}
          {cell.soldOut && <span class="badge warn">Sold out</span>}
          {out && (
            <span class="badge warn" title={OUT_OF_STOCK_NOTE}>
              Out of stock
            </span>
          )}
          {!cell.oversold && !cell.soldOut && !out && <span class="badge ok">Selling</span>}
          {isLowStock(cell, free) && thresholds && (
            <span class="badge warn" title={`Thresholds: ${describeThresholds(thresholds)}`}>
              Low stock
            </span>
          )}
        </td>
        <td class="col-updated" title={utcTitle(cell.updatedAt)}>
          <span class="small">{formatTime(cell.updatedAt, timezone)}</span>
          <span class="muted small"> v{cell.version}</span>
        </td>
        <td class="actions">
          {manage && (
            <>
              <button ref={toggleButton} type="button" onClick={toggleSoldOut} disabled={busy} aria-label={`${cell.soldOut ? "Clear sold-out" : "Mark sold out"}: ${cell.sku}`}>
                {cell.soldOut ? "Clear sold-out" : "Mark sold out"}
              </button>
              <button ref={editButton} type="button" onClick={() => setEditing(!editing)} aria-expanded={editing} aria-label={`Edit quotas: ${cell.sku}`}>
                Quotas…
              </button>
            </>
          )}
        </td>
      </tr>
      {(editing || error !== null) && (
        <tr class="editor-row">
          <td colSpan={7}>
            {error !== null && <ErrorNote error={error} />}
            {editing && (
              <AllocationForm
                cell={cell}
                onSaved={(saved) => {
                  onChanged(saved);
                  closeEditor();
                }}
                onCancel={closeEditor}
              />
            )}
          </td>
        </tr>
      )}
    </>
  );
}
