// A store's POS while it is offline: it records events with the time they happened (on the
// service's clock, so advanceTime counts) and sends them later, in the order recorded, to
// POST /v1/stores/{storeId}/events: what a real POS does after a network outage.
import { StoreEventInput } from "../../schema/store-sync";
import type { InventoryClient, StoreEvent, StoreEventsResponse } from "../../workers/client";

const MAX_BATCH = 1000;
type Reason = Extract<StoreEvent, { type: "adjust" }>["reason"];

export class OfflineStore {
  private readonly events: StoreEvent[] = [];
  private seq = 0;
  /** When the last event without an explicit time was recorded: the next is at least 1 ms later. */
  private lastAt = -Infinity;

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

  /**
   * Back online: sends everything recorded (in batches of 1,000), and forgets what the service
   * judged. Batch by batch: if one fails (the network), the batches before it are applied and
   * forgotten, and it and the rest stay pending for the next `replay()`; the error is then a
   * `ReplayInterruptedError` with the applied batches' outcomes (`applied`) and the failure
   * (`cause`), or the failure itself when no batch was applied.
   */
  async replay(): Promise<StoreEventsResponse> {
    const all: StoreEventsResponse = { results: [], cells: [] };
    while (this.events.length) {
      const batch = this.events.slice(0, MAX_BATCH);
      let answer: StoreEventsResponse;
      try {
        answer = await this.client.stores.events(this.storeId, { events: batch });
      } catch (error) {
        if (all.results.length === 0) throw error;
        throw new ReplayInterruptedError(all, this.events.length, error);
      }
      this.events.splice(0, batch.length);
      all.results.push(...answer.results);
      const touched = new Set(answer.cells.map((cell) => cell.sku));
      all.cells = [...all.cells.filter((cell) => !touched.has(cell.sku)), ...answer.cells];
    }
    return all;
  }

  /**
   * Events recorded one after another get times in that order (a count then a sale in the same
   * millisecond would otherwise tie, and the service puts a tie before the count). Each event is
   * checked as the service will check it, so one the service would refuse is refused here, at
   * once, instead of making every later `replay()` fail.
   */
  private record(event: DistributiveOmit<StoreEvent, "eventId" | "at">, at: Date | string | undefined): this {
    let when: string;
    if (at === undefined) {
      this.lastAt = Math.max(this.clock(), this.lastAt + 1);
      when = new Date(this.lastAt).toISOString();
    } else if (at instanceof Date) {
      when = Number.isNaN(at.getTime()) ? String(at) : at.toISOString();
    } else {
      // A time given as text goes as it is: the service refuses what it would refuse
      // (a finer time than a millisecond, no offset), rather than have it cut or read here.
      when = at;
    }
    const checked = StoreEventInput.safeParse({ ...event, eventId: `${this.device}-${String(this.seq + 1).padStart(6, "0")}`, at: when });
    if (!checked.success) throw new RangeError(`not an event the service takes: ${checked.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
    this.seq += 1;
    this.events.push(checked.data as StoreEvent);
    return this;
  }
}

/** A `replay()` cut off after some batches were applied: what they answered, and why the next failed. */
export class ReplayInterruptedError extends Error {
  override readonly name = "ReplayInterruptedError";

  constructor(
    /** The outcomes of the batches the service applied (those events are no longer pending). */
    readonly applied: StoreEventsResponse,
    /** Events still pending, to send with the next `replay()`. */
    readonly pendingCount: number,
    cause: unknown,
  ) {
    super(`replay stopped after ${applied.results.length} events were applied; ${pendingCount} stay pending: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
