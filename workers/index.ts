import { createApp } from "./app";
import type { Env } from "./env";
import { consumeBatch } from "./reporting/consumer";
import { consumeMaintenance, scheduleMaintenance } from "./maintenance";
import { MAINTENANCE_QUEUE, type InventoryMessage, type MaintainStoreMessage } from "./reporting/messages";

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
  queue: (batch, env, ctx) =>
    batch.queue === MAINTENANCE_QUEUE ? consumeMaintenance(batch as MessageBatch<MaintainStoreMessage>, env) : consumeBatch(batch, env, ctx),
  // Reconciliation and the sweep of unowned holds, on the cron in wrangler.toml: a message per store on the maintenance queue.
  scheduled: async (controller, env) => {
    console.log(JSON.stringify({ msg: "store maintenance scheduled", ...(await scheduleMaintenance(env, controller.scheduledTime)) }));
  },
} satisfies ExportedHandler<Env, InventoryMessage>;
