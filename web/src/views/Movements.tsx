import { useState } from "preact/hooks";
import { api, CHANGE_KINDS, type Query } from "../api";
import { ErrorNote } from "../components/ErrorNote";
import { Panel } from "../components/Panel";
import { TableScroll } from "../components/TableScroll";
import { Wrap } from "../components/Wrap";
import { saveFile } from "../download";
import { formatNumber, formatTime, utcTitle } from "../format";
import { issuesAt } from "../invalid-fields";
import { changeOf } from "../movement-change";
import { reasonProblem } from "../../../schema/reason";
import type { Session } from "../session";
import { storeAfterRegion, storesIn, timezoneOf, useSessionStores } from "../stores";
import { filterFrom, filterTo } from "../time-filter";
import { useAsync } from "../use-async";

const PAGE = 50;

/** A movement recorded a minute or more after it happened (a till's offline sale, synced later). */
const happenedApart = (row: { at: string; effectiveAt: string }) => Math.abs(Date.parse(row.at) - Date.parse(row.effectiveAt)) >= 60_000;
/** CSV downloads follow the cursor for at most this many 1,000-row pages. */
const CSV_MAX_PAGES = 20;

interface Movement {
  eventId: string;
  storeId: string;
  sku: string;
  seq: number;
  kind: string;
  at: string;
  /** When it happened: a till's device time for a replayed event, else `at`. */
  effectiveAt: string;
  qty: number | null;
  delta: number | null;
  channel: string | null;
  reason: string | null;
  reservationId: string | null;
  reference: string | null;
  sourceEventId: string | null;
  onHandBefore: number;
  onHandAfter: number;
  reservedBefore: number;
  reservedAfter: number;
}

interface Filters {
  region: string;
  storeId: string;
  sku: string;
  kind: string;
  reason: string;
  reference: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { region: "", storeId: "", sku: "", kind: "", reason: "", reference: "", from: "", to: "" };

function queryOf(filters: Filters): Query {
  return { region: filters.region, storeId: filters.storeId, sku: filters.sku.trim(), kind: filters.kind, reason: filters.reason.trim(), reference: filters.reference.trim(), from: filterFrom(filters.from), to: filterTo(filters.to) };
}

/** "120 → 117": on a narrow screen it wraps after the arrow ("120 →" over "117"), nowhere else. */
function BeforeAfter({ before, after }: { before: number; after: number }) {
  return (
    <>
      <span class="nowrap">{formatNumber(before)} →</span> {formatNumber(after)}
    </>
  );
}

/** The ledger: every change, newest first, with filters, pages and a CSV download. */
export function Movements({ session, storeId }: { session: Session; storeId?: string | undefined }) {
  const stores = useSessionStores(session);
  const initial = { ...EMPTY, storeId: storeId ?? "" };
  const [draft, setDraft] = useState<Filters>(initial);
  const [filters, setFilters] = useState<Filters>(initial);
  // Cursors of the pages before the current one, and the current page's cursor.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors.at(-1);
  const page = useAsync(() => api.report<Movement>("movements", { ...queryOf(filters), limit: PAGE, cursor }), [filters, cursor]);
  // A SKU the API refuses is the filter's fault: said at the filter, not as the ledger failing.
  const badSku = page.status === "error" && issuesAt(page.error, "query.sku").length > 0;
  // A reason the API would refuse is said at its filter, and not applied (the list would otherwise stay as it was without a word).
  const [reasonRefused, setReasonRefused] = useState<{ value: string; problem: string } | null>(null);
  const apiReasonIssue = page.status === "error" ? issuesAt(page.error, "query.reason")[0] : undefined;
  const referenceIssue = page.status === "error" ? issuesAt(page.error, "query.reference")[0] : undefined;
  const reasonError = reasonRefused ?? (apiReasonIssue ? { value: filters.reason.trim(), problem: apiReasonIssue.message } : null);
  const [csv, setCsv] = useState<{ busy: boolean; error: unknown; rows: number | null }>({ busy: false, error: null, rows: null });

  const field = (name: keyof Filters) => ({
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.currentTarget as HTMLInputElement).value }),
  });

  async function downloadCsv() {
    setCsv({ busy: true, error: null, rows: null });
    try {
      let text = "";
      let next: string | undefined;
      for (let index = 0; index < CSV_MAX_PAGES; index++) {
        const part = await api.reportCsv("movements", { ...queryOf(filters), limit: 1000, cursor: next });
        // Every page repeats the header line: keep the first one only.
        text += index === 0 ? part.text : part.text.slice(part.text.indexOf("\n") + 1);
        if (!part.next) break;
        next = part.next;
      }
      saveFile(text, `movements-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}.csv`);
      setCsv({ busy: false, error: null, rows: Math.max(0, text.split("\r\n").filter(Boolean).length - 1) });
    } catch (failure) {
      setCsv({ busy: false, error: failure, rows: null });
    }
  }

  return (
    <div>
      <div class="page-head">
        <h1>Movements</h1>
      </div>
      <form
        class="panel filters"
        aria-label="Filters"
        onSubmit={(event) => {
          event.preventDefault();
          const problem = draft.reason.trim() ? reasonProblem(draft.reason) : undefined;
          setReasonRefused(problem ? { value: draft.reason.trim(), problem } : null);
          if (problem) return;
          setFilters(draft);
          setCursors([undefined]);
        }}
      >
        {session.regions.length > 1 && (
          <label>
            Region
            <select
              value={draft.region}
              onChange={(event) => {
                const region = (event.currentTarget as HTMLSelectElement).value;
                setDraft({ ...draft, region, storeId: storeAfterRegion(stores.data, draft.storeId, region) });
              }}
              data-testid="movements-region"
            >
              <option value="">all of mine</option>
              {session.regions.map((name) => (
                <option value={name}>{name}</option>
              ))}
            </select>
          </label>
        )}
        <label>
          Store
          <select {...field("storeId")} onChange={field("storeId").onInput} data-testid="movements-store">
            <option value="">all</option>
            {storesIn(stores.data, draft.region).map((store) => (
              <option value={store.storeId}>{store.name}</option>
            ))}
          </select>
        </label>
        <label>
          SKU
          <input {...field("sku")} placeholder="any" data-testid="movements-sku" aria-invalid={badSku} aria-describedby={badSku ? "movements-sku-error" : undefined} />
        </label>
        {badSku && (
          <p class="error" role="alert" id="movements-sku-error">
            “{filters.sku.trim()}” is not a SKU: a SKU is 1 to 64 letters, digits, “_”, “.” or “-” (no spaces), starting with a letter or digit.
          </p>
        )}
        <label>
          Kind
          <select {...field("kind")} onChange={field("kind").onInput} data-testid="movements-kind">
            <option value="">any</option>
            {CHANGE_KINDS.map((kind) => (
              <option value={kind}>{kind}</option>
            ))}
          </select>
        </label>
        <label>
          Reason
          <input {...field("reason")} placeholder="e.g. damage" data-testid="movements-reason" aria-invalid={reasonError !== null} aria-describedby={reasonError ? "movements-reason-error" : undefined} />
        </label>
        {reasonError && (
          <p class="error" role="alert" id="movements-reason-error">
            The reason filter “{reasonError.value}” was not applied: {reasonError.problem}. A reason is matched exactly, as the ledger shows it.
          </p>
        )}
        <label>
          Reference
          <input
            {...field("reference")}
            placeholder="as the Reference column shows it"
            title="A return, transfer or import (return:R1, transfer:T1 for every attempt, transfer:T1#2), a reservation id (its holds, confirmation, release) or a till's event id"
            data-testid="movements-reference"
            aria-invalid={referenceIssue !== undefined}
            aria-describedby={referenceIssue ? "movements-reference-error" : undefined}
          />
        </label>
        {referenceIssue && (
          <p class="error" role="alert" id="movements-reference-error">
            “{filters.reference.trim()}” is not a reference: the filter takes what the Reference column shows, a return, transfer or import (return:R1, transfer:T1, transfer:T1#2, import:I1), a reservation id or a till's event id.
          </p>
        )}
        <label>
          From (your time)
          <input type="datetime-local" {...field("from")} />
        </label>
        <label>
          To (your time)
          <input type="datetime-local" {...field("to")} />
        </label>
        <div class="buttons">
          <button type="submit">Apply</button>
          <button type="button" class="secondary" onClick={downloadCsv} disabled={csv.busy} data-testid="download-csv">
            {csv.busy ? "Preparing CSV…" : "Download CSV"}
          </button>
        </div>
        {csv.error !== null && <ErrorNote error={csv.error} />}
        {csv.rows !== null && (
          <p class="note" role="status">
            Downloaded {formatNumber(csv.rows)} rows.
          </p>
        )}
      </form>

      <Panel
        title="Ledger"
        state={page}
        explainError={(error) =>
          issuesAt(error, "query.sku").length > 0 ? (
            <p class="muted empty">Correct the SKU filter above to see the movements.</p>
          ) : issuesAt(error, "query.reason").length > 0 ? (
            <p class="muted empty">Correct the reason filter above to see the movements.</p>
          ) : issuesAt(error, "query.reference").length > 0 ? (
            <p class="muted empty">Correct the reference filter above to see the movements.</p>
          ) : undefined
        }
        isEmpty={(data) => data.items.length === 0}
        empty="No movements match these filters."
        class="wide"
      >
        {(data) => (
          <>
            <TableScroll>
              <table class="ledger" data-testid="movements-table">
                <caption class="sr-only">Movements, newest first; times in each store's time zone (UTC on hover)</caption>
                <thead>
                  <tr>
                    <th scope="col">When (store time)</th>
                    <th scope="col">Store</th>
                    <th scope="col">SKU</th>
                    <th scope="col">Kind</th>
                    <th scope="col" class="num">Change</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Reason</th>
                    <th scope="col" class="num">On hand</th>
                    <th scope="col" class="num">Reserved</th>
                    <th scope="col">Reference</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((row) => (
                    <tr data-event={row.eventId}>
                      <td title={utcTitle(row.at)}>
                        <time dateTime={row.at}>{formatTime(row.at, timezoneOf(stores.data, row.storeId))}</time>
                        {happenedApart(row) && (
                          // An event a till recorded offline is listed when it was synced; when it happened is said too.
                          <span class="muted small happened" title={`Happened ${utcTitle(row.effectiveAt)}`}>
                            {" "}
                            happened <time dateTime={row.effectiveAt}>{formatTime(row.effectiveAt, timezoneOf(stores.data, row.storeId))}</time>
                          </span>
                        )}
                      </td>
                      <td>
                        <Wrap text={row.storeId} />
                      </td>
                      <td>
                        <Wrap text={row.sku} />
                      </td>
                      <td>
                        <Wrap text={row.kind} />
                      </td>
                      <td class="num">{changeOf(row)}</td>
                      <td>
                        <Wrap text={row.channel ?? ""} />
                      </td>
                      <td>
                        <Wrap text={row.reason ?? ""} />
                      </td>
                      <td class="num before-after">
                        <BeforeAfter before={row.onHandBefore} after={row.onHandAfter} />
                      </td>
                      <td class="num before-after">
                        <BeforeAfter before={row.reservedBefore} after={row.reservedAfter} />
                      </td>
                      <td class="small">
                        <Wrap text={row.reference ?? row.sourceEventId ?? row.reservationId ?? ""} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
            <nav class="pager" aria-label="Pages">
              <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                ← Newer
              </button>
              <span class="muted">Page {formatNumber(cursors.length)}</span>
              <button type="button" disabled={!data.next} onClick={() => data.next && setCursors([...cursors, data.next])}>
                Older →
              </button>
            </nav>
          </>
        )}
      </Panel>
    </div>
  );
}
