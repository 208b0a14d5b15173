import { SEND_MESSAGES } from "../durable-objects/storage/report-sender";
import { mapConcurrently } from "./concurrency";
import type { Env } from "./env";
import { SWEEP_AGE_MS, sweepUnownedHolds } from "./holds";
import { retryDelaySeconds } from "./reporting/consumer";
import type { MaintainStoreMessage } from "./reporting/messages";
import { reconcile } from "./reporting/reconcile";
import { storeIdsOf } from "./stores";

/** Stores maintained side by side when no queue is bound. */
const INLINE_CONCURRENCY = 4;

/**
 * The cron: one message per store on the maintenance queue, whose consumer reconciles and
 * sweeps each store on its own (maintainStore). Walking every cell of the chain in one
 * invocation would outgrow an invocation's time and subrequests as the chain grows; this
 * way a store's work fails and is retried (with the queue's backoff) on its own, and the
 * queue's batch size and concurrency bound the load on the reporting database. Without
 * the queue the stores are maintained here, a few at a time.
 */
export async function scheduleMaintenance(env: Env): Promise<{ stores: number; queued: boolean }> {
  const storeIds = await storeIdsOf(env);
  const queue = env.MAINTENANCE;
  if (!queue) {
    // Every store is tried; the first failure is thrown afterwards.
    let failure: { error: unknown } | undefined;
    await mapConcurrently(storeIds, INLINE_CONCURRENCY, (storeId) => maintainStore(env, storeId).catch((error: unknown) => void (failure ??= { error })));
    if (failure) throw failure.error;
    return { stores: storeIds.length, queued: false };
  }
  for (let start = 0; start < storeIds.length; start += SEND_MESSAGES) {
    await queue.sendBatch(storeIds.slice(start, start + SEND_MESSAGES).map((storeId) => ({ body: { kind: "maintain-store", storeId } })));
  }
  return { stores: storeIds.length, queued: true };
}

/** The maintenance queue's consumer: its stores one after another, each acknowledged or retried on its own. */
export async function consumeMaintenance(batch: MessageBatch<MaintainStoreMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await maintainStore(env, message.body.storeId);
      message.ack();
    } catch (error) {
      console.warn(JSON.stringify({ msg: "store maintenance failed", storeId: message.body.storeId, attempts: message.attempts, error: String(error) }));
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}

/**
 * One store's share of the cron: reconciliation (a run of its own, `storeId` set) and the
 * sweep of holds no reservation owns. Each runs whatever the other does (the sweep needs no
 * reporting database); the first failure is thrown afterwards, so the message is retried:
 * both are safe to repeat (another run, a hold already released).
 */
export async function maintainStore(env: Env, storeId: string): Promise<void> {
  const [reconciled, swept] = await Promise.allSettled([
    reconcile(env, { storeIds: [storeId], trigger: "cron" }),
    sweepUnownedHolds(env, SWEEP_AGE_MS, [storeId]),
  ]);
  if (reconciled.status === "fulfilled") {
    const { runId, cellsChecked, differences } = reconciled.value;
    console.log(JSON.stringify({ msg: "reconciliation", storeId, runId, cellsChecked, differences: differences.length }));
  }
  if (swept.status === "fulfilled") console.log(JSON.stringify({ msg: "holds swept", storeId, ...swept.value }));
  for (const outcome of [reconciled, swept]) if (outcome.status === "rejected") throw outcome.reason;
}
