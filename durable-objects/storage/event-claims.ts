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
 * `forgetBefore` are forgotten first, as the cells forget theirs (historyCutoffs). `batch`
 * is the claims as one JSON array (cheaper to send than 1,000 objects), read by two
 * statements for the whole batch: one per event cost a 1,000-event batch 11 % more of
 * workerd's instructions, binding each statement's parameters being the dear part.
 */
export function claimEventIds(sql: SqlStorage, batch: string, forgetBefore: string): ClaimConflict[] {
  sql.exec("DELETE FROM event_claims WHERE at < ?", forgetBefore);
  const conflicts = sql
    .exec<{ eventId: string; sku: string; at: string; claimedBy: string }>(
      `SELECT j.value ->> 'eventId' AS eventId, j.value ->> 'sku' AS sku, j.value ->> 'at' AS at, c.sku AS claimedBy
       FROM json_each(?) j JOIN event_claims c ON c.event_id = j.value ->> 'eventId'
       WHERE c.sku != j.value ->> 'sku'`,
      batch,
    )
    .toArray();
  sql.exec(
    `INSERT INTO event_claims (event_id, sku, at)
     SELECT value ->> 'eventId', value ->> 'sku', value ->> 'at' FROM json_each(?) WHERE true
     ON CONFLICT (event_id) DO NOTHING`,
    batch,
  );
  return conflicts;
}

/** Moves claims whose first SKU never judged the event (it was rejected there, or never arrived). */
export function moveEventClaims(sql: SqlStorage, moves: readonly ClaimConflict[]): void {
  for (const move of moves) sql.exec("UPDATE event_claims SET sku = ?, at = ? WHERE event_id = ? AND sku = ?", move.sku, move.at, move.eventId, move.claimedBy);
}
