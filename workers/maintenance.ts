import { SEND_MESSAGES } from "../durable-objects/storage/report-sender";
import { planStorePage } from "./cell-pages";
import { mapConcurrently } from "./concurrency";
import { countSetting, type Env } from "./env";
import { cellStub } from "../durable-objects/stubs";
import type { CellKey } from "../durable-objects/stock-cell";
import { SWEEP_AGE_MS, sweepHolds, sweepUnownedHolds, type HeldHold } from "./holds";
import { retryDelaySeconds } from "./reporting/consumer";
import type { MaintainStoreMessage } from "./reporting/messages";
import { sweepCells } from "./pace";
import { reconcile } from "./reporting/reconcile";
import { cronMustRead, cronSlotAt } from "./reporting/screen";
import { storeIdsOf } from "./stores";

/** Stores maintained side by side when no queue is bound. */
const INLINE_CONCURRENCY = 4;
/**
 * SKUs one maintenance message covers: reconciliation and the sweep call each cell of the
 * page, and an invocation's subrequests and time are bounded, so a store of tens of
 * thousands of SKUs is walked a page at a time (env MAINTENANCE_PAGE_SKUS overrides it).
 */
const PAGE_SKUS = 1_000;


/**
 * The cron: one message per store on the maintenance queue, whose consumer reconciles and
 * sweeps each store on its own (maintainStore). Walking every cell of the chain in one
 * invocation would outgrow an invocation's time and subrequests as the chain grows; this
 * way a store's work fails and is retried (with the queue's backoff) on its own, and the
 * queue's batch size and concurrency bound the load on the reporting database. A large
 * store goes on in a message per page of SKUs (see consumeMaintenance). Without the queue
 * the stores are maintained here, a few at a time.
 */
export async function scheduleMaintenance(env: Env, at = Date.now()): Promise<{ stores: number; queued: boolean }> {
  const storeIds = await storeIdsOf(env);
  const slot = cronSlotAt(at);
  const queue = env.MAINTENANCE;
  if (!queue) {
    // Every store is tried; the first failure is thrown afterwards.
    let failure: { error: unknown } | undefined;
    await mapConcurrently(storeIds, INLINE_CONCURRENCY, (storeId) => maintainWholeStore(env, storeId, slot).catch((error: unknown) => void (failure ??= { error })));
    if (failure) throw failure.error;
    return { stores: storeIds.length, queued: false };
  }
  for (let start = 0; start < storeIds.length; start += SEND_MESSAGES) {
    await queue.sendBatch(storeIds.slice(start, start + SEND_MESSAGES).map((storeId) => ({ body: { kind: "maintain-store", storeId, slot } })));
  }
  return { stores: storeIds.length, queued: true };
}

/**
 * The maintenance queue's consumer: its messages one after another, each acknowledged or
 * retried on its own. A store with more SKUs than a page goes on in a message of its own,
 * sent before this one is acknowledged (a failed send retries this page, which is safe).
 */
export async function consumeMaintenance(batch: MessageBatch<MaintainStoreMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const { storeId, afterSku, slot } = message.body;
    try {
      const next = await maintainStore(env, storeId, afterSku, slot);
      // This consumer runs only where wrangler.toml binds the maintenance queue, producer and all.
      if (next !== undefined) await env.MAINTENANCE!.send({ kind: "maintain-store", storeId, afterSku: next, slot });
      message.ack();
    } catch (error) {
      console.warn(JSON.stringify({ msg: "store maintenance failed", storeId, afterSku, attempts: message.attempts, error: String(error) }));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/** A store's maintenance, every page in turn (the cron without a queue). */
async function maintainWholeStore(env: Env, storeId: string, slot: number): Promise<void> {
  let next: string | undefined;
  do next = await maintainStore(env, storeId, next, slot);
  while (next !== undefined);
}

/**
 * One page of a store's share of the cron (its SKUs after `afterSku`, in the hub's order):
 * reconciliation (a run of its own, `storeId` set) and the sweep of holds no reservation
 * owns. Each runs whatever the other does (the sweep needs no reporting database); the
 * first failure is thrown afterwards, so the message is retried: both are safe to repeat
 * (another run, a hold already released). Answers the page's last SKU when more follow.
 * Reconciliation is screened (reporting/screen.ts): the hub's levels are compared with the
 * reports, and only cells that differ, hold units (the sweep's) or have their daily turn in
 * this run (`slot`, the cron run of the day; now's when absent) are read, once each: a
 * cell's read answers the sweep's question too.
 */
export async function maintainStore(env: Env, storeId: string, afterSku?: string, slot = cronSlotAt(Date.now())): Promise<string | undefined> {
  const { skus, next } = await planStorePage(env, storeId, afterSku, countSetting(env.MAINTENANCE_PAGE_SKUS, PAGE_SKUS));
  const last = next === undefined;
  // A store of one page (most) is reconciled whole: its orphan rows come with its snapshot rows.
  const page = afterSku === undefined && last ? undefined : { skus, last };
  let inspected: { cells: number; holds: HeldHold[] } | undefined;
  const readCells = async (keys: CellKey[]) => {
    // At the pace all of this isolate's sweeps over cells share, the cron's and an admin's alike.
    const answers = await sweepCells(env, keys, async (key) => ({ key, ...(await cellStub(env, key).inspect(key)) }));
    inspected = { cells: keys.length, holds: answers.flatMap(({ key, holds }) => holds.map((hold) => ({ ...key, ...hold }))) };
    return answers.map(({ view }) => view);
  };
  const reconciled = await settle(reconcile(env, { storeIds: [storeId], page, trigger: "cron", readCells, screen: cronMustRead(slot) }));
  // The cells it did not read hold nothing, by their levels. It stopped before it read the
  // cells (the reporting database down, say): the sweep reads their holds itself.
  const swept = await settle(
    inspected
      ? sweepHolds(env, inspected.holds, SWEEP_AGE_MS).then((result) => ({ cellsChecked: inspected!.cells, ...result }))
      : sweepUnownedHolds(env, SWEEP_AGE_MS, skus.map((sku) => ({ storeId, sku }))),
  );
  if (reconciled.status === "fulfilled") {
    const { runId, cellsChecked, differences } = reconciled.value;
    console.log(JSON.stringify({ msg: "reconciliation", storeId, afterSku, runId, cellsChecked, cellsRead: inspected?.cells, differences: differences.length }));
  }
  if (swept.status === "fulfilled") console.log(JSON.stringify({ msg: "holds swept", storeId, afterSku, ...swept.value }));
  for (const outcome of [reconciled, swept]) if (outcome.status === "rejected") throw outcome.reason;
  return next;
}

/** A promise's outcome, never rejecting. */
async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return (await Promise.allSettled([promise]))[0]!;
}
