import type { ReplayOutcome, StoreEvent } from "../durable-objects/core";
import type { CellReply, CellView } from "../durable-objects/stock-cell";
import type { ClaimConflict, EventClaim } from "../durable-objects/storage/event-claims";
import { cellStub, hubStub } from "../durable-objects/stubs";
import { mapConcurrently } from "./concurrency";
import type { Env } from "./env";
import { ApiError } from "./errors";
import { groupBy } from "./group-by";

/** Cells called at once for one batch. */
const CELL_CONCURRENCY = 32;

/**
 * The ids of the batch that another SKU of the store already judged: duplicates (event ids
 * are store-unique). The store hub claims every id for its SKU; an id it has for another SKU
 * is asked of that SKU's cell, and moves to this SKU when that cell never judged it (it was
 * rejected there, or has not arrived yet), so a corrected resend still applies. That cell
 * gives the id away as it answers: a replay of it still on its way there is then a duplicate.
 */
async function judgedElsewhere(env: Env, storeId: string, batch: readonly StoreEvent[]): Promise<Set<string>> {
  const hub = hubStub(env, storeId);
  const claims: EventClaim[] = batch.map((event) => ({ eventId: event.eventId, sku: event.sku, at: new Date(event.at).toISOString() }));
  const conflicts = (await hub.claimEvents(JSON.stringify(claims))) as ClaimConflict[];
  if (conflicts.length === 0) return new Set();
  const judged = new Set<string>();
  await mapConcurrently([...groupBy(conflicts, (conflict) => conflict.claimedBy)], CELL_CONCURRENCY, async ([sku, list]) => {
    const key = { storeId, sku };
    const claims = list.map(({ eventId, at }) => ({ eventId, at }));
    for (const eventId of await cellStub(env, key).keepJudgedEvents(key, claims)) judged.add(eventId);
  });
  const moves = conflicts.filter((conflict) => !judged.has(conflict.eventId));
  if (moves.length > 0) await hub.moveEventClaims(moves);
  return judged;
}

/**
 * Applies a POS batch: one call per SKU with that SKU's events in the order the POS recorded
 * them; an id another SKU already judged is a duplicate. Outcomes in the batch's order, and
 * every touched cell after the batch.
 */
export async function applyStoreEvents(env: Env, storeId: string, batch: readonly StoreEvent[]): Promise<{ results: ReplayOutcome[]; cells: CellView[] }> {
  const duplicates = await judgedElsewhere(env, storeId, batch);
  const bySku = groupBy(
    batch.filter((event) => !duplicates.has(event.eventId)),
    (event) => event.sku,
  );
  const replies = (await mapConcurrently([...bySku], CELL_CONCURRENCY, ([sku, events]) => {
    const key = { storeId, sku };
    return cellStub(env, key).execute(key, { type: "replay", events });
  })) as CellReply[];

  const outcomes = new Map<string, ReplayOutcome[]>();
  const cells: CellView[] = [];
  const skus = [...bySku.keys()];
  replies.forEach((reply, index) => {
    if (!reply.ok) throw new ApiError("internal", `replay failed at ${skus[index]}: ${reply.error.message}`);
    outcomes.set(skus[index]!, [...(reply.outcomes ?? [])]);
    if (reply.cell) cells.push(reply.cell);
  });
  // Each SKU's list is already in the batch's order.
  const results = batch.map((event): ReplayOutcome =>
    duplicates.has(event.eventId)
      ? { eventId: event.eventId, sku: event.sku, outcome: "duplicate", reason: "id_used_for_another_sku" }
      : outcomes.get(event.sku)!.shift()!,
  );
  return { results, cells };
}
