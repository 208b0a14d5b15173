import { REPLAY_POLICY } from "./replay";
import { SETTLED_RETENTION_MS } from "./reservation";

/** A day beyond each rule below, so no boundary case (a clock step, a late alarm) is ever close. */
export const HISTORY_MARGIN_MS = 86_400_000;

/** What a cell may forget, as ISO 8601 cut-offs: rows strictly older are no longer read by any rule. */
export interface HistoryCutoffs {
  /**
   * Store event ids and ledger rows. A store event older than the replay window is
   * rejected as `too_old` before it is looked up, and a stocktake inside the window only
   * sums ledger rows after its own time; a row's effective time is at most the clock skew
   * ahead of its server time, which the cut-off also allows for.
   */
  judgedBefore: string;
  /**
   * Ended holds. Their reservation is forgotten 30 days after it settles (SETTLED_RETENTION_MS),
   * and only it sends commands for its holds; once it is gone, its id may be used again and
   * its first attempt number holds afresh.
   */
  endedHoldsBefore: string;
}

export function historyCutoffs(nowMs: number): HistoryCutoffs {
  const judged = nowMs - REPLAY_POLICY.windowMs - REPLAY_POLICY.maxFutureSkewMs - HISTORY_MARGIN_MS;
  const holds = nowMs - SETTLED_RETENTION_MS - HISTORY_MARGIN_MS;
  return { judgedBefore: new Date(judged).toISOString(), endedHoldsBefore: new Date(holds).toISOString() };
}
