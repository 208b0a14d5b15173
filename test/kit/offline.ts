// A store's POS while it is offline: it records events with the time they happened (on the
// service's clock, so advanceTime counts) and sends them later, in the order recorded, to
// POST /v1/stores/{storeId}/events: what a real POS does after a network outage.
import type { InventoryClient, StoreEvent, StoreEventsResponse } from "../../workers/client";

const MAX_BATCH = 1000;
type Reason = Extract<StoreEvent, { type: "adjust" }>["reason"];

export class OfflineStore {
  private readonly events: StoreEvent[] = [];
  private seq = 0;

  constructor(
    private readonly client: InventoryClient,
    readonly storeId: string,
    private readonly clock: () => number,
    private readonly device = `pos-${Math.random().toString(36).slice(2, 8)}`,
  ) {}

  /** What was recorded and not yet replayed, in order. */
  get pending(): readonly StoreEvent[] {
    return this.events;
  }

  sale(sku: string, qty: number, at?: Date | string): this {
    return this.record({ type: "sale", sku, qty }, at);
  }

  adjust(sku: string, delta: number, reason: Reason, at?: Date | string): this {
    return this.record({ type: "adjust", sku, delta, reason }, at);
  }

  /** A stocktake: `onHand` counted at `at`. */
  count(sku: string, onHand: number, at?: Date | string): this {
    return this.record({ type: "set", sku, onHand }, at);
  }

  soldOut(sku: string, value: boolean, at?: Date | string): this {
    return this.record({ type: "soldOut", sku, value }, at);
  }

  /** Back online: sends everything recorded (in batches of 1,000), and forgets what the service judged. */
  async replay(): Promise<StoreEventsResponse> {
    const all: StoreEventsResponse = { results: [], cells: [] };
    while (this.events.length) {
      const batch = this.events.slice(0, MAX_BATCH);
      const answer = await this.client.stores.events(this.storeId, { events: batch });
      this.events.splice(0, batch.length);
      all.results.push(...answer.results);
      const touched = new Set(answer.cells.map((cell) => cell.sku));
      all.cells = [...all.cells.filter((cell) => !touched.has(cell.sku)), ...answer.cells];
    }
    return all;
  }

  private record(event: DistributiveOmit<StoreEvent, "eventId" | "at">, at: Date | string | undefined): this {
    this.seq += 1;
    const when = at === undefined ? new Date(this.clock()) : new Date(at);
    this.events.push({ ...event, eventId: `${this.device}-${String(this.seq).padStart(6, "0")}`, at: when.toISOString() } as StoreEvent);
    return this;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
