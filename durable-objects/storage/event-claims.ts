/**
 * A store's POS event ids, each with the SKU it was first sent for, in the store hub. Event ids
 * are store-unique (DOMAIN.md: the same id twice is a duplicate and changes nothing), but each
 * cell remembers only its own SKU's: without this, a later batch that sent an id again under
 * another SKU reached another cell, which applied it a second time.
 */
export const EVENT_CLAIMS_TABLE = `
  CREATE TABLE IF NOT EXISTS event_claims (event_id TEXT PRIMARY KEY, sku TEXT NOT NULL, at TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS event_claims_at ON event_claims (at);`;

/** An event of a batch: its id, its SKU, and its device time (ISO 8601, UTC). */
export interface EventClaim {
  eventId: string;
  sku: string;
  at: string;
}

/** An id the store already has for another SKU. */
export interface ClaimConflict extends EventClaim {
  claimedBy: string;
}

/**
 * Claims each id for its SKU: a new id is recorded, an id already claimed for the same SKU is
 * left to that cell's own memory (a duplicate there, or a retry of an event it never got), an
 * id claimed for another SKU is answered as a conflict. Ids whose device time is before
 * `forgetBefore` are forgotten first, as the cells forget theirs (historyCutoffs).
 */
export function claimEventIds(sql: SqlStorage, claims: readonly EventClaim[], forgetBefore: string): ClaimConflict[] {
  sql.exec("DELETE FROM event_claims WHERE at < ?", forgetBefore);
  const conflicts: ClaimConflict[] = [];
  for (const claim of claims) {
    const claimedBy = sql
      .exec<{ sku: string }>(
        "INSERT INTO event_claims (event_id, sku, at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET at = at RETURNING sku",
        claim.eventId, claim.sku, claim.at,
      )
      .one().sku;
    if (claimedBy !== claim.sku) conflicts.push({ ...claim, claimedBy });
  }
  return conflicts;
}

/** Moves claims whose first SKU never judged the event (it was rejected there, or never arrived). */
export function moveEventClaims(sql: SqlStorage, moves: readonly ClaimConflict[]): void {
  for (const move of moves) sql.exec("UPDATE event_claims SET sku = ?, at = ? WHERE event_id = ? AND sku = ?", move.sku, move.at, move.eventId, move.claimedBy);
}
