import type { HistoryCutoffs } from "../core";
import { firstOutboxSeq } from "./cell-tables";

/** Rows each table forgets per call, so the transaction it runs in stays short however much waits. */
const HISTORY_BATCH = 2_000;

/** Counts a DELETE's rows exactly (`rowsWritten` also counts index entries). */
const deleted = (cursor: SqlStorageCursor<Record<string, SqlStorageValue>>) => cursor.toArray().length;

/**
 * Forgets what no rule of the cell reads any more (see historyCutoffs): judged store event
 * ids and ledger rows past the replay window, and holds that ended before their reservation
 * was forgotten. Each table is read oldest first (its insertion order), a batch at a time,
 * so a call costs at most a batch of rows whatever the cell's age. A ledger row stays while
 * its outbox row does (the outbox's retention reads its time; the reporting side has every
 * delivered one as a movement). True when a table gave a whole batch: more may be waiting.
 */
export function forgetHistory(sql: SqlStorage, cutoffs: HistoryCutoffs, batch = HISTORY_BATCH): boolean {
  const stillInOutbox = firstOutboxSeq(sql) ?? Number.MAX_SAFE_INTEGER;
  const ledger = deleted(
    sql.exec(
      "DELETE FROM ledger WHERE seq IN (SELECT seq FROM ledger ORDER BY seq LIMIT ?) AND at < ? AND seq < ? RETURNING seq",
      batch, cutoffs.judgedBefore, stillInOutbox,
    ),
  );
  const events = deleted(
    sql.exec(
      "DELETE FROM store_events WHERE rowid IN (SELECT rowid FROM store_events ORDER BY rowid LIMIT ?) AND at < ? RETURNING rowid",
      batch, cutoffs.judgedBefore,
    ),
  );
  const holds = deleted(
    sql.exec(
      "DELETE FROM holds WHERE rowid IN (SELECT rowid FROM holds ORDER BY rowid LIMIT ?) AND status <> 'held' AND updated_at < ? RETURNING rowid",
      batch, cutoffs.endedHoldsBefore,
    ),
  );
  return Math.max(ledger, events, holds) >= batch;
}
