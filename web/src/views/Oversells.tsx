import { useState } from "preact/hooks";
import { api, type Oversell } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { Panel } from "../components/Panel";
import { Wrap } from "../components/Wrap";
import { formatCount, formatNumber, formatTime, utcTitle } from "../format";
import { href } from "../router";
import type { Session } from "../session";
import { storeAfterRegion, storesIn, timezoneOf, useSessionStores } from "../stores";
import { useAsync } from "../use-async";
import { StillOversold } from "./StillOversold";

type Status = "open" | "resolved" | "";

/** Oversell records of the token's regions: open ones first to act on, resolved ones for the record. */
export function Oversells({ session, storeId: initialStore, region: initialRegion }: { session: Session; storeId?: string | undefined; region?: string | undefined }) {
  const [status, setStatus] = useState<Status>("open");
  const [region, setRegion] = useState(initialRegion ?? "");
  const [storeId, setStoreId] = useState(initialStore ?? "");
  const stores = useSessionStores(session);
  const [extra, setExtra] = useState<{ items: Oversell[]; next: string | null } | null>(null);
  const list = useAsync(async () => {
    setExtra(null);
    return api.listOversells({ status: status || undefined, region: region || undefined, storeId: storeId || undefined, limit: 50 });
  }, [status, region, storeId]);
  const [more, setMore] = useState<unknown>(null);

  const items = [...(list.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : list.data?.next ?? null;
  const replace = (record: Oversell) => {
    if (list.data) list.set({ ...list.data, items: list.data.items.map((item) => (item.id === record.id ? record : item)) });
    if (extra) setExtra({ ...extra, items: extra.items.map((item) => (item.id === record.id ? record : item)) });
  };

  async function loadMore() {
    if (!next) return;
    setMore(null);
    try {
      const page = await api.listOversells({ status: status || undefined, region: region || undefined, storeId: storeId || undefined, limit: 50, after: next });
      setExtra({ items: [...(extra?.items ?? []), ...page.items], next: page.next });
    } catch (failure) {
      setMore(failure);
    }
  }

  return (
    <div>
      <div class="page-head">
        <h1>Oversells</h1>
        <div class="toolbar" role="group" aria-label="Filters">
          <label class="inline">
            Status{" "}
            <select value={status} onChange={(event) => setStatus(event.currentTarget.value as Status)} data-testid="oversell-status">
              <option value="open">open</option>
              <option value="resolved">resolved</option>
              <option value="">all</option>
            </select>
          </label>
          {session.regions.length > 1 && (
            <label class="inline">
              Region{" "}
              <select
                value={region}
                onChange={(event) => {
                  const chosen = event.currentTarget.value;
                  setRegion(chosen);
                  setStoreId(storeAfterRegion(stores.data, storeId, chosen));
                }}
                data-testid="oversell-region"
              >
                <option value="">all of mine</option>
                {session.regions.map((name) => (
                  <option value={name}>{name}</option>
                ))}
              </select>
            </label>
          )}
          <label class="inline">
            Store{" "}
            <select value={storeId} onChange={(event) => setStoreId(event.currentTarget.value)} data-testid="oversell-store">
              <option value="">all</option>
              {storesIn(stores.data, region).map((store) => (
                <option value={store.storeId}>{store.name}</option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <Panel title={status ? `${status === "open" ? "Open" : "Resolved"} oversells` : "All oversells"} state={list} isEmpty={() => items.length === 0} empty={status === "open" ? <StillOversold region={region} storeId={storeId} /> : "No oversells."} class="wide">
        {() => (
          <>
            <ul class="oversells">
              {items.map((record) => (
                <OversellItem key={record.id} record={record} timezone={timezoneOf(stores.data, record.storeId)} onResolved={replace} />
              ))}
            </ul>
            {more !== null && <ErrorNote error={more} onRetry={loadMore} />}
            {next && (
              <button type="button" onClick={loadMore}>
                Show more
              </button>
            )}
          </>
        )}
      </Panel>
    </div>
  );
}

function OversellItem({ record, timezone, onResolved }: { record: Oversell; timezone: string | undefined; onResolved: (record: Oversell) => void }) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Resolving closes the record, not the oversell: an unhealed cell asks for a second press.
  const [confirming, setConfirming] = useState(false);
  const noteId = `note-${record.id}`;
  const warningId = `unhealed-${record.id}`;
  const unhealed = record.status === "open" && !record.healedAt;

  async function resolve(event: Event) {
    event.preventDefault();
    if (unhealed && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onResolved(await api.resolveOversell(record.id, note));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  const time = (iso: string | null) => (
    <time dateTime={iso ?? undefined} title={utcTitle(iso)}>
      {formatTime(iso, timezone)}
    </time>
  );
  return (
    <li class={`oversell oversell-${record.status}`} data-oversell={record.id}>
      <div class="oversell-head">
        <span class={`badge ${record.status === "open" ? "bad" : "ok"}`}>{record.status}</span>
        <strong>
          <a href={href({ view: "store", storeId: record.storeId })}>{record.storeId}</a> · {record.sku}
        </strong>
        <span>short by {formatNumber(record.shortfall)}</span>
        <span class="muted">opened {time(record.openedAt)}</span>
        <span class="muted">{record.healedAt ? <>healed {time(record.healedAt)}</> : "not healed yet"}</span>
      </div>
      <details>
        <summary>Caused by {formatCount(record.causes.length, "event")}</summary>
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Kind</th>
              <th scope="col">When</th>
              <th scope="col">Store event / reservation</th>
            </tr>
          </thead>
          <tbody>
            {record.causes.map((cause) => (
              <tr>
                <td>{cause.seq}</td>
                <td>
                  <Wrap text={cause.reason ? `${cause.kind} (${cause.reason})` : cause.kind} />
                </td>
                <td>{time(cause.at)}</td>
                <td>
                  <Wrap text={cause.sourceEventId ?? cause.reservationId ?? "–"} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {record.status === "resolved" ? (
        <p class="resolution">
          Resolved {time(record.resolvedAt)} by {record.resolvedBy ?? "someone"}: <q>{record.note}</q>
        </p>
      ) : (
        <form class="resolve" onSubmit={resolve}>
          <label for={noteId}>What was done</label>
          <input id={noteId} value={note} onInput={(event) => setNote(event.currentTarget.value)} placeholder="e.g. customer called, order refunded" maxLength={2000} required />
          <button type="submit" disabled={busy || !note.trim()} {...(unhealed ? { "aria-describedby": warningId } : {})}>
            {busy ? "Resolving…" : confirming ? "Resolve anyway" : "Resolve"}
          </button>
          {confirming && (
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep open
            </button>
          )}
          {unhealed && (
            <p id={warningId} class={`unhealed ${confirming ? "error" : "note"}`} {...(confirming ? { role: "alert" } : {})}>
              {record.sku} at {record.storeId} is still oversold: it keeps refusing reservations until a stocktake or a released reservation heals it.
              Resolving closes this record only{confirming ? "; press “Resolve anyway” to close it." : "."}
            </p>
          )}
          {error !== null && <ErrorNote error={error} />}
        </form>
      )}
    </li>
  );
}
