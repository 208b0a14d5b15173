import type { StoreRecord } from "../../durable-objects/directory";
import type { CellEventsMessage } from "../../durable-objects/storage/report-sender";

/** What travels on the "inventory-events" queue. */
export type InventoryMessage = CellEventsMessage | { kind: "stores"; stores: StoreRecord[] };

export const EVENTS_QUEUE = "inventory-events";
export const DEAD_LETTER_QUEUE = "inventory-events-dlq";
