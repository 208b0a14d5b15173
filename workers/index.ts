import { createApp } from "./app";
import type { Env } from "./env";
import { consumeBatch } from "./reporting/consumer";
import { reconcile } from "./reporting/reconcile";
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
  // Reconciliation on the cron in wrangler.toml.
  scheduled: async (_controller, env) => {
    const result = await reconcile(env, { trigger: "cron" });
    console.log(JSON.stringify({ msg: "reconciliation", runId: result.runId, cellsChecked: result.cellsChecked, differences: result.differences.length }));
  },
} satisfies ExportedHandler<Env, InventoryMessage>;
