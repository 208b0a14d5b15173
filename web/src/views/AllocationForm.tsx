import { useEffect, useRef, useState } from "preact/hooks";
import { api, isInventoryApiError, type Allocation, type Cell } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { Wrap } from "../components/Wrap";
import { formatNumber } from "../format";
import { thresholdsOf } from "../low-stock";

/** The channels the API knows (schema/ids.ts). */
const CHANNELS = ["pos", "kiosk", "online", "marketplace", "app"] as const;

/**
 * Re-allocate a cell: on hand, each channel's quota and weight, the shared-pool policy. An
 * allocation sets on hand, so it is sent conditional on the version the form shows (If-Match):
 * while on hand is not edited it follows the live cell, so a sale at the till while the form is
 * open is kept; once edited, a change meanwhile is refused (412) and said, and saving again
 * after that decides on the cell as it now is.
 */
export function AllocationForm({ cell, onSaved, onCancel }: { cell: Cell; onSaved: (cell: Cell) => void; onCancel: () => void }) {
  const [onHand, setOnHand] = useState(String(cell.onHand));
  const [onHandEdited, setOnHandEdited] = useState(false);
  // Opened, the form takes focus on its first field (a keyboard or screen-reader user lands in it).
  const firstField = useRef<HTMLInputElement>(null);
  useEffect(() => firstField.current?.focus(), []);
  /** The version the form's on hand was decided on. */
  const [basedOn, setBasedOn] = useState(cell.version);
  useEffect(() => {
    if (onHandEdited) return;
    setOnHand(String(cell.onHand));
    setBasedOn(cell.version);
  }, [cell.version, cell.onHand, onHandEdited]);
  const [policy, setPolicy] = useState(cell.sharedPolicy);
  const [channels, setChannels] = useState(() =>
    Object.fromEntries(CHANNELS.map((name) => [name, { quota: String(cell.channels[name]?.quota ?? 0), weight: String(cell.channels[name]?.weight ?? 0) }])),
  );
  const [lowAt, setLowAt] = useState(cell.lowStock?.overall !== undefined ? String(cell.lowStock.overall) : "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = (field: string) => `alloc-${cell.sku}-${field}`;
  // A refusal was about the values sent: once they change, it no longer describes the form.
  const edited =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setError(null);
      set(value);
    };
  const editOnHand = edited((value: string) => {
    setOnHandEdited(true);
    setOnHand(value);
  });
  const editPolicy = edited(setPolicy);
  const editChannels = edited(setChannels);
  const editLowAt = edited(setLowAt);

  async function save(event: Event) {
    event.preventDefault();
    const quotas: NonNullable<Allocation["channels"]> = {};
    for (const name of CHANNELS) {
      const entry = channels[name]!;
      const quota = Number(entry.quota);
      const weight = Number(entry.weight);
      // A channel with neither quota nor weight is left out (it reads as 0/0 anyway).
      if (quota || weight) quotas[name] = { quota, weight };
    }
    const allocation: Allocation = { onHand: Number(onHand), sharedPolicy: policy, channels: quotas };
    // Thresholds go with the allocation: the channels' ones kept, the overall one from the form.
    // An allocation without `lowStock` keeps the cell's thresholds as they are, so an emptied
    // field must send what is left, down to `{}`, which clears them (README, low-stock route).
    const current = thresholdsOf(cell);
    const lowStock = { ...(current?.channels && Object.keys(current.channels).length ? { channels: current.channels } : {}), ...(lowAt.trim() ? { overall: Number(lowAt) } : {}) };
    if (Object.keys(lowStock).length > 0 || current !== null) allocation.lowStock = lowStock;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.allocate(cell.storeId, cell.sku, allocation, basedOn));
    } catch (failure) {
      setError(failure);
      // Said once; saving again decides on the cell as it is now.
      if (isInventoryApiError(failure, "precondition_failed") && typeof failure.details?.version === "number") setBasedOn(failure.details.version);
    } finally {
      setBusy(false);
    }
  }

  const quotaSum = CHANNELS.reduce((sum, name) => sum + (Number(channels[name]!.quota) || 0), 0);
  return (
    <form class="allocation" onSubmit={save} onKeyDown={(event) => event.key === "Escape" && onCancel()} aria-label={`Quotas of ${cell.sku}`}>
      <div class="field">
        <label for={id("onhand")}>On hand</label>
        <input ref={firstField} id={id("onhand")} type="number" min={0} step={1} value={onHand} onInput={(event) => editOnHand(event.currentTarget.value)} required />
      </div>
      <div class="field">
        <label for={id("policy")}>Shared pool</label>
        <select id={id("policy")} value={policy} onChange={(event) => editPolicy(event.currentTarget.value as Cell["sharedPolicy"])}>
          <option value="first-come">first come</option>
          <option value="weighted">weighted</option>
        </select>
      </div>
      <div class="field">
        <label for={id("low")}>Low stock at or below</label>
        <input id={id("low")} type="number" min={0} step={1} value={lowAt} onInput={(event) => editLowAt(event.currentTarget.value)} placeholder="no threshold" />
      </div>
      <table class="compact">
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Quota</th>
            <th scope="col">Weight</th>
          </tr>
        </thead>
        <tbody>
          {CHANNELS.map((name) => (
            <tr>
              <th scope="row">
                <Wrap text={name} />
              </th>
              <td>
                <input aria-label={`${name} quota`} data-channel-quota={name} type="number" min={0} step={1} value={channels[name]!.quota} onInput={(event) => editChannels({ ...channels, [name]: { ...channels[name]!, quota: event.currentTarget.value } })} />
              </td>
              <td>
                <input aria-label={`${name} weight`} type="number" min={0} step={1} value={channels[name]!.weight} onInput={(event) => editChannels({ ...channels, [name]: { ...channels[name]!, weight: event.currentTarget.value } })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="note">
        Quotas add up to {formatNumber(quotaSum)}; they must fit in on hand minus reserved ({formatNumber(Number(onHand) - cell.reserved)}). The rest is the shared pool.
      </p>
      {error !== null && <ErrorNote error={error} />}
      {isInventoryApiError(error, "precondition_failed") && (
        <p class="note" data-stale-note>
          On hand is now {formatNumber(cell.onHand)} (you entered {formatNumber(Number(onHand))}). Save again to set {formatNumber(Number(onHand))}, or change it first.
        </p>
      )}
      <div class="buttons">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save quotas"}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
