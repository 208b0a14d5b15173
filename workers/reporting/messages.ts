import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEventsMessage } from "../../durable-objects/storage/report-sender";

/** The cron's work for one store, on the "inventory-maintenance" queue (workers/maintenance.ts). */
export interface MaintainStoreMessage {
  kind: "maintain-store";
  storeId: string;
  /** The store's SKUs after this one (absent: from the first): a large store is maintained a page at a time. */
  afterSku?: string;
  /** The cron run of the day that sent it (0 … 95): each page reads the cells whose daily turn it is (reporting/screen.ts). */
  slot?: number;
}

/** What travels on the queues (a maintenance message can end up in the dead-letter queue too). */
export type InventoryMessage = CellEventsMessage | { kind: "stores"; stores: StoreRecord[] } | MaintainStoreMessage;

export const EVENTS_QUEUE = "inventory-events";
export const DEAD_LETTER_QUEUE = "inventory-events-dlq";
export const MAINTENANCE_QUEUE = "inventory-maintenance";
