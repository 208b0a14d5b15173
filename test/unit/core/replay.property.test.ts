import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allocate,
  applyCommand,
  emptyCell,
  isOversold,
  replayEvents,
  type CellState,
  type Hold,
  type ReplayHistory,
  type StoreEvent,
} from "../../../durable-objects/core";

const NOW = "2026-11-24T12:00:00.000Z";
const NOW_MS = Date.parse(NOW);

/** A cell plus the memory its adapter would keep: holds, seen event ids, relative changes by time. */
class Harness {
  state: CellState;
  holds = new Map<string, Hold>();
  seen = new Set<string>();
  relatives: Array<{ at: string; delta: number }> = [];
  opened = 0;
  healed = 0;
  confirmed = 0;

  constructor(onHand: number) {
    const result = allocate(emptyCell("s", "k", NOW), { onHand, channels: { pos: { quota: Math.floor(onHand / 3), weight: 1 }, online: { quota: Math.floor(onHand / 3), weight: 1 } }, sharedPolicy: "first-come" }, NOW);
    if (!result.ok) throw new Error("allocation failed");
    this.state = result.state;
  }

  private history(): ReplayHistory {
    return {
      seen: (eventId) => (this.seen.has(eventId) ? "judged" : undefined),
      relativeAfter: (at) => this.relatives.reduce((sum, entry) => (entry.at > at ? sum + entry.delta : sum), 0),
    };
  }

  reserve(id: string, qty: number): void {
    const result = applyCommand(this.state, (h) => this.holds.get(h), { type: "hold", holdId: id, reservationId: id, channel: "online", qty, expiresAt: NOW }, NOW);
    if (result.ok && result.hold) {
      this.state = result.state;
      this.holds.set(id, result.hold);
    }
  }

  confirm(id: string): void {
    const result = applyCommand(this.state, (h) => this.holds.get(h), { type: "confirm", holdId: id }, NOW);
    if (result.ok && result.change) {
      this.state = result.state;
      this.holds.set(id, result.hold!);
      this.relatives.push({ at: NOW, delta: -result.hold!.qty });
      this.confirmed += result.hold!.qty;
    }
  }

  replay(events: StoreEvent[]): void {
    const result = replayEvents(this.state, this.history(), events, NOW);
    for (const { change, oversell } of result.changes) {
      if (change.kind === "adjust") this.relatives.push({ at: change.effectiveAt!, delta: change.onHandAfter - change.onHandBefore });
      if (oversell === "opened") this.opened += 1;
      if (oversell === "healed") this.healed += 1;
    }
    for (const seen of result.seen) this.seen.add(seen.eventId);
    this.state = result.state;
  }
}

type Step = { kind: "reserve"; id: string; qty: number } | { kind: "confirm"; id: string } | { kind: "pos"; events: StoreEvent[] };

const minutesAgo = fc.integer({ min: 1, max: 6 * 60 }).map((minutes) => new Date(NOW_MS - minutes * 60_000).toISOString());

const posEvent = (index: number, withCounts: boolean): fc.Arbitrary<StoreEvent> =>
  fc.oneof(
    fc.record({ at: minutesAgo, qty: fc.integer({ min: 1, max: 8 }) }).map(({ at, qty }) => ({ eventId: `e${index}`, at, type: "sale" as const, sku: "k", qty })),
    fc.record({ at: minutesAgo, delta: fc.integer({ min: -5, max: 10 }).filter((d) => d !== 0) }).map(({ at, delta }) => ({ eventId: `e${index}`, at, type: "adjust" as const, sku: "k", delta, reason: "correction" })),
    ...(withCounts ? [fc.record({ at: minutesAgo, onHand: fc.integer({ min: 0, max: 60 }) }).map(({ at, onHand }) => ({ eventId: `e${index}`, at, type: "set" as const, sku: "k", onHand }))] : []),
  );

/** Online reservations/confirmations and a POS batch cut into chunks, interleaved in a random arrival order. */
const scenario = (withCounts: boolean) =>
  fc
    .record({
      onHand: fc.integer({ min: 0, max: 60 }),
      orders: fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 10 }),
      events: fc.integer({ min: 0, max: 20 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => posEvent(i, withCounts)))),
      chunk: fc.integer({ min: 1, max: 5 }),
      duplicateChunks: fc.boolean(),
      seed: fc.integer(),
    })
    .chain((base) => {
      const steps: Step[] = [];
      base.orders.forEach((qty, i) => steps.push({ kind: "reserve", id: `r${i}`, qty }, { kind: "confirm", id: `r${i}` }));
      for (let i = 0; i < base.events.length; i += base.chunk) {
        const events = base.events.slice(i, i + base.chunk);
        steps.push({ kind: "pos", events });
        if (base.duplicateChunks) steps.push({ kind: "pos", events });
      }
      // Any arrival order that keeps each reservation's confirm after its hold.
      return fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }).map((order) => {
        const placed = new Set<string>();
        const sorted: Step[] = [];
        const waiting: Step[] = [];
        for (const step of order) {
          if (step.kind === "confirm" && !placed.has(step.id)) waiting.push(step);
          else {
            sorted.push(step);
            if (step.kind === "reserve") {
              placed.add(step.id);
              const i = waiting.findIndex((w) => w.kind === "confirm" && w.id === step.id);
              if (i >= 0) sorted.push(...waiting.splice(i, 1));
            }
          }
        }
        return { ...base, steps: sorted };
      });
    });

function run(onHand: number, steps: Step[]): Harness {
  const harness = new Harness(onHand);
  for (const step of steps) {
    if (step.kind === "reserve") harness.reserve(step.id, step.qty);
    else if (step.kind === "confirm") harness.confirm(step.id);
    else harness.replay(step.events);
  }
  return harness;
}

describe("offline replay converges whatever the order of arrival", () => {
  it("final onHand = initial count + every relative change (POS sales, adjustments, online confirmations)", () => {
    fc.assert(
      fc.property(scenario(false), ({ onHand, events, steps }) => {
        const harness = run(onHand, steps);
        const posDelta = events.reduce((sum, e) => sum + (e.type === "sale" ? -e.qty : e.type === "adjust" ? e.delta : 0), 0);
        expect(harness.state.onHand).toBe(onHand + posDelta - harness.confirmed);
      }),
      { numRuns: 500 },
    );
  });

  it("with stocktakes: final onHand = the latest count + every relative change after it", () => {
    fc.assert(
      fc.property(scenario(true), ({ onHand, events, steps }) => {
        const harness = run(onHand, steps);
        const counts = events.filter((e): e is Extract<StoreEvent, { type: "set" }> => e.type === "set");
        const latest = counts.reduce<(typeof counts)[number] | undefined>(
          (best, e) => (!best || e.at > best.at || (e.at === best.at && e.eventId > best.eventId) ? e : best),
          undefined,
        );
        const relativeAfter = (at: string) =>
          events.reduce((sum, e) => (e.at > at ? sum + (e.type === "sale" ? -e.qty : e.type === "adjust" ? e.delta : 0) : sum), 0);
        const expected = latest ? latest.onHand + relativeAfter(latest.at) - harness.confirmed : onHand + relativeAfter("") - harness.confirmed;
        expect(harness.state.onHand).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("records an oversell exactly when the counts say so", () => {
    fc.assert(
      fc.property(scenario(true), ({ onHand, steps }) => {
        const harness = run(onHand, steps);
        const oversold = isOversold(harness.state);
        // Every transition into oversold opened a record, every way out healed it.
        expect(harness.opened - harness.healed).toBe(oversold ? 1 : 0);
        expect(oversold).toBe(harness.state.onHand < harness.state.reserved);
      }),
      { numRuns: 500 },
    );
  });
});

describe("event ids the cell knows", () => {
  it("a judged id is a plain duplicate; one given to another SKU is a duplicate saying so; neither changes the cell", () => {
    const cell = new Harness(10);
    const known = new Map<string, "judged" | "given_away">([["here", "judged"], ["elsewhere", "given_away"]]);
    const history: ReplayHistory = { seen: (eventId) => known.get(eventId), relativeAfter: () => 0 };
    const at = new Date(NOW_MS - 60_000).toISOString();
    const result = replayEvents(cell.state, history, ["here", "elsewhere", "new"].map((eventId) => ({ eventId, at, type: "sale", sku: "k", qty: 1 })), NOW);
    expect(result.outcomes).toEqual([
      { eventId: "here", sku: "k", outcome: "duplicate" },
      { eventId: "elsewhere", sku: "k", outcome: "duplicate", reason: "id_used_for_another_sku" },
      { eventId: "new", sku: "k", outcome: "applied" },
    ]);
    expect(result.state.onHand).toBe(9);
  });
});
