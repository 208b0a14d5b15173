import { createApp } from "./app";
import type { Env } from "./env";
import { consumeBatch } from "./reporting/consumer";
import { reconcile } from "./reporting/reconcile";
import { SWEEP_AGE_MS, sweepUnownedHolds } from "./holds";
import type { InventoryMessage } from "./reporting/messages";

export { StockCell } from "../durable-objects/stock-cell";
export { Reservation } from "../durable-objects/reservation";
export { Directory } from "../durable-objects/directory";
export { StoreHub } from "../durable-objects/store-hub";
export { Operation } from "../durable-objects/operation";
export { Transfer } from "../durable-objects/transfer";
export { Webhooks } from "../durable-objects/webhooks";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: consumeBatch,
  // Reconciliation and the sweep of unowned holds, on the cron in wrangler.toml.
  scheduled: async (_controller, env) => {
    // Each on its own: the sweep needs no reporting database.
    const [reconciled, swept] = await Promise.allSettled([reconcile(env, { trigger: "cron" }), sweepUnownedHolds(env, SWEEP_AGE_MS)]);
    if (reconciled.status === "fulfilled") {
      const result = reconciled.value;
      console.log(JSON.stringify({ msg: "reconciliation", runId: result.runId, cellsChecked: result.cellsChecked, differences: result.differences.length }));
    }
    if (swept.status === "fulfilled") console.log(JSON.stringify({ msg: "holds swept", ...swept.value }));
    const failed = [reconciled, swept].flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    if (failed.length) throw failed[0];
  },
} satisfies ExportedHandler<Env, InventoryMessage>;
