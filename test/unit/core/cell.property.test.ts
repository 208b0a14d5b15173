import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyCommand,
  availableFor,
  cloneCell,
  emptyCell,
  freeTotal,
  isOversold,
  shortfall,
  type CellCommand,
  type CellState,
  type ReleaseReason,
  type Hold,
  type SharedPolicy,
} from "../../../durable-objects/core";

/**
 * Random operation sequences over the pure stock cell. After every operation the
 * invariants of DOMAIN.md must hold; they are checked here from the outside (the
 * buckets, the holds, the results), not by re-running the core's own formulas.
 */

const NOW = "2026-11-24T12:00:00.000Z";
const CHANNELS = ["pos", "online", "marketplace", "kiosk"] as const; // kiosk is never allocated: it only borrows

type Op =
  | { type: "allocate"; onHand: number; quotas: number[]; weights: number[]; policy: SharedPolicy }
  | { type: "hold"; channel: string; qty: number }
  | { type: "repeatHold"; pick: number; sameContent: boolean }
  | { type: "confirm"; pick: number }
  | { type: "release"; pick: number; reason: ReleaseReason }
  | { type: "adjust"; delta: number; channel?: string }
  | { type: "sale"; qty: number }
  | { type: "set"; onHand: number }
  | { type: "soldOut"; value: boolean }
  | { type: "unknownHold"; action: "confirm" | "release" };

const channel = fc.constantFrom(...CHANNELS);

const allocateOp = (policy?: SharedPolicy) =>
  fc.record({
    type: fc.constant("allocate" as const),
    onHand: fc.integer({ min: 0, max: 60 }),
    quotas: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }),
    weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 3, maxLength: 3 }),
    policy: policy ? fc.constant(policy) : fc.constantFrom<SharedPolicy>("first-come", "weighted"),
  });

const holdOp = fc.record({ type: fc.constant("hold" as const), channel, qty: fc.integer({ min: 1, max: 25 }) });
const pick = fc.nat({ max: 1000 });
const confirmOp = fc.record({ type: fc.constant("confirm" as const), pick });
const releaseOp = fc.record({ type: fc.constant("release" as const), pick, reason: fc.constantFrom<ReleaseReason>("released", "expired", "abandoned") });
const repeatOp = fc.record({ type: fc.constant("repeatHold" as const), pick, sameContent: fc.boolean() });
const saleOp = fc.record({ type: fc.constant("sale" as const), qty: fc.integer({ min: 1, max: 20 }) });
const unknownOp = fc.record({ type: fc.constant("unknownHold" as const), action: fc.constantFrom<"confirm" | "release">("confirm", "release") });

const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: allocateOp(), weight: 1 },
  { arbitrary: holdOp, weight: 6 },
  { arbitrary: repeatOp, weight: 1 },
  { arbitrary: confirmOp, weight: 2 },
  { arbitrary: releaseOp, weight: 3 },
  {
    arbitrary: fc.record(
      { type: fc.constant("adjust" as const), delta: fc.integer({ min: -40, max: 30 }).filter((d) => d !== 0), channel: fc.constantFrom(...CHANNELS) },
      { requiredKeys: ["type", "delta"] },
    ),
    weight: 2,
  },
  { arbitrary: saleOp, weight: 1 },
  { arbitrary: fc.record({ type: fc.constant("set" as const), onHand: fc.integer({ min: 0, max: 60 }) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant("soldOut" as const), value: fc.boolean() }), weight: 1 },
  { arbitrary: unknownOp, weight: 1 },
);

/** A cell plus the holds its adapter would keep, and what the test tracks about the pool. */
class Harness {
  state: CellState = emptyCell("store-1", "sku-1", NOW);
  holds = new Map<string, Hold>();
  next = 0;
  /** Units that entered the shared pool after the last allocation other than through an allocation. */
  poolAdded = 0;
  /** Pool units each channel's till sales took since the last allocation (sales are never refused). */
  soldFromPool: Record<string, number> = {};

  private held(): Hold[] {
    return [...this.holds.values()];
  }

  private pickHold(index: number): Hold | undefined {
    const all = this.held();
    return all.length ? all[index % all.length] : undefined;
  }

  /** Turns an abstract op into the command the core receives. */
  command(op: Op): CellCommand | undefined {
    switch (op.type) {
      case "allocate": {
        const channels: Record<string, { quota: number; weight: number }> = {};
        CHANNELS.slice(0, 3).forEach((name, i) => (channels[name] = { quota: op.quotas[i]!, weight: op.weights[i]! }));
        return { type: "allocate", onHand: op.onHand, channels, sharedPolicy: op.policy };
      }
      case "hold": {
        const id = `h${this.next++}`;
        return { type: "hold", holdId: id, reservationId: `r-${id}`, channel: op.channel, qty: op.qty, expiresAt: NOW };
      }
      case "repeatHold": {
        const h = this.pickHold(op.pick);
        if (!h) return undefined;
        return { type: "hold", holdId: h.holdId, reservationId: h.reservationId, channel: h.channel, qty: op.sameContent ? h.qty : h.qty + 1, expiresAt: NOW };
      }
      case "confirm": {
        const h = this.pickHold(op.pick);
        return h ? { type: "confirm", holdId: h.holdId } : undefined;
      }
      case "release": {
        const h = this.pickHold(op.pick);
        return h ? { type: "release", holdId: h.holdId, reason: op.reason } : undefined;
      }
      case "adjust":
        return { type: "adjust", delta: op.delta, reason: "correction", ...(op.channel ? { channel: op.channel } : {}) };
      case "sale":
        return { type: "adjust", delta: -op.qty, reason: "sale", channel: "pos" };
      case "set":
        return { type: "set", onHand: op.onHand };
      case "soldOut":
        return { type: "soldOut", value: op.value };
      case "unknownHold":
        return op.action === "confirm" ? { type: "confirm", holdId: "nope" } : { type: "release", holdId: "nope", reason: "released" };
    }
  }

  /** Applies one op and checks every invariant that concerns the step itself. */
  step(op: Op): void {
    const command = this.command(op);
    if (!command) return;
    const before = this.state;
    const snapshot = structuredClone(before);
    const holdBefore = "holdId" in command ? this.holds.get(command.holdId) : undefined;
    const holdSnapshot = holdBefore && structuredClone(holdBefore);

    const result = applyCommand(before, (id) => this.holds.get(id), command, NOW);

    // The core never mutates its input, whatever the outcome.
    expect(before).toEqual(snapshot);
    if (holdBefore) expect(holdBefore).toEqual(holdSnapshot);

    if (!result.ok) {
      // A failed command changes nothing: the adapter keeps `before` and every hold as they were.
      expect(result.error.code).toMatch(/^(invalid_request|not_found|conflict|insufficient_stock|quota_exceeds_stock)$/);
      this.checkFailureIsJustified(command, before, result.error.code);
      return;
    }

    const after = result.state;
    if (result.change) expect(after.version).toBe(before.version + 1);
    else if (result.saved) {
      // A decision timed without a change (a sold-out flag set to what it is): only its time moves.
      expect(command.type).toBe("soldOut");
      expect({ ...after, soldOutAt: undefined, soldOutBy: undefined }).toEqual({ ...before, soldOutAt: undefined, soldOutBy: undefined });
    } else {
      // An idempotent repeat: nothing to write, nothing changed.
      expect(after).toEqual(before);
    }

    // An oversell opens exactly on the healthy → oversold transition, heals exactly on the way back.
    expect(result.oversell === "opened").toBe(shortfall(before) === 0 && shortfall(after) > 0);
    expect(result.oversell === "healed").toBe(shortfall(before) > 0 && shortfall(after) === 0);

    if (command.type === "hold" && result.change) this.checkHold(command, before, after, result.hold!);
    if (command.type === "release" && result.change) this.checkRelease(holdBefore!, before, after);
    if (command.type === "confirm" && result.change) {
      expect(after.onHand).toBe(before.onHand - holdBefore!.qty);
      expect(after.reserved).toBe(before.reserved - holdBefore!.qty);
      expect(after.shared).toBe(before.shared);
      for (const name in before.channels) expect(after.channels[name]!.free).toBe(before.channels[name]!.free);
    }

    if (command.type === "allocate") {
      this.poolAdded = 0;
      this.soldFromPool = {};
    } else if (command.type !== "hold" && after.shared > before.shared) this.poolAdded += after.shared - before.shared;
    if (command.type === "adjust" && command.reason === "sale" && command.channel) {
      // A till sale is a reservation confirmed at once: the pool units it took are its channel's borrowing.
      const fromPool = before.shared - after.shared;
      const borrowedBefore = before.channels[command.channel]?.borrowed ?? 0;
      expect(after.channels[command.channel]?.borrowed ?? 0).toBe(borrowedBefore + fromPool);
      this.soldFromPool[command.channel] = (this.soldFromPool[command.channel] ?? 0) + fromPool;
    }

    if (result.hold) this.holds.set(result.hold.holdId, result.hold);
    this.state = after;
  }

  private checkFailureIsJustified(command: CellCommand, before: CellState, code: string): void {
    switch (command.type) {
      case "hold": {
        const existing = this.holds.get(command.holdId);
        if (existing) {
          expect(code).toBe("conflict");
          break;
        }
        expect(code).toBe("insufficient_stock");
        // A new hold fails only when the cell cannot offer that many units.
        expect(command.qty > availableFor(before, command.channel) || before.soldOut || isOversold(before) || !before.allocated).toBe(true);
        break;
      }
      case "confirm":
      case "release": {
        const existing = this.holds.get(command.holdId);
        if (!existing) expect(code).toBe("not_found");
        else expect(code).toBe("conflict");
        break;
      }
      case "allocate": {
        expect(code).toBe("quota_exceeds_stock");
        const total = Object.values(command.channels).reduce((sum, b) => sum + b.quota, 0);
        expect(total).toBeGreaterThan(Math.max(0, command.onHand - before.reserved));
        break;
      }
      default:
        expect(code).toBe("not_found");
        expect(before.allocated).toBe(false);
    }
  }

  private checkHold(command: Extract<CellCommand, { type: "hold" }>, before: CellState, after: CellState, hold: Hold): void {
    // No new hold while sold out or oversold, and never more than available.
    expect(before.soldOut).toBe(false);
    expect(isOversold(before)).toBe(false);
    expect(command.qty).toBeLessThanOrEqual(availableFor(before, command.channel));
    // Three layers: the channel's own units first, then the pool; nothing else moves.
    const own = before.channels[command.channel]?.free ?? 0;
    expect(hold.fromChannel).toBe(Math.min(own, command.qty));
    expect(hold.fromChannel + hold.fromShared).toBe(command.qty);
    expect(after.channels[command.channel]!.free).toBe(own - hold.fromChannel);
    expect(after.shared).toBe(before.shared - hold.fromShared);
    expect(after.reserved).toBe(before.reserved + command.qty);
    expect(after.onHand).toBe(before.onHand);
    for (const name in before.channels) {
      if (name !== command.channel) expect(after.channels[name]!.free).toBe(before.channels[name]!.free);
    }
  }

  private checkRelease(hold: Hold, before: CellState, after: CellState): void {
    // Units go back to exactly the buckets they came from; when the cell was short, they
    // first cover the shortfall (channel part first), never land anywhere else.
    const gained = Math.max(0, after.onHand - after.reserved) - Math.max(0, before.onHand - before.reserved);
    const toChannel = (after.channels[hold.channel]?.free ?? 0) - (before.channels[hold.channel]?.free ?? 0);
    const toShared = after.shared - before.shared;
    expect(toChannel).toBe(Math.min(hold.fromChannel, gained));
    expect(toShared).toBe(Math.min(hold.fromShared, gained - toChannel));
    if (shortfall(before) === 0) {
      expect(toChannel).toBe(hold.fromChannel);
      expect(toShared).toBe(hold.fromShared);
    }
    for (const name in before.channels) {
      if (name !== hold.channel) expect(after.channels[name]!.free).toBe(before.channels[name]!.free);
    }
    expect(after.reserved).toBe(before.reserved - hold.qty);
    expect(after.onHand).toBe(before.onHand);
  }

  /** Invariants of the state itself, after every operation. */
  checkState(): void {
    const s = this.state;
    // DOMAIN.md's identity, in the core's form that also covers an oversold cell.
    expect(freeTotal(s) + s.reserved).toBe(Math.max(s.onHand, s.reserved));
    if (!isOversold(s)) expect(freeTotal(s) + s.reserved).toBe(s.onHand);
    else expect(freeTotal(s)).toBe(0);
    // No bucket is ever negative.
    expect(s.shared).toBeGreaterThanOrEqual(0);
    expect(s.reserved).toBeGreaterThanOrEqual(0);
    for (const name in s.channels) {
      const b = s.channels[name]!;
      expect(b.free).toBeGreaterThanOrEqual(0);
      expect(b.borrowed).toBeGreaterThanOrEqual(0);
    }
    // reserved is exactly what the live holds hold.
    const held = [...this.holds.values()].filter((h) => h.status === "held").reduce((sum, h) => sum + h.qty, 0);
    expect(s.reserved).toBe(held);
    // Weighted: a channel's holds borrow at most its share, plus the rounding leftovers and
    // units that entered the pool after the allocation (those are first-come); its till
    // sales, never refused, may take more.
    if (s.sharedPolicy === "weighted") {
      const shares = Object.values(s.channels).reduce((sum, b) => sum + b.share, 0);
      const firstCome = s.sharedAtAllocation - shares + this.poolAdded;
      for (const name in s.channels) {
        expect(s.channels[name]!.borrowed).toBeLessThanOrEqual(s.channels[name]!.share + firstCome + (this.soldFromPool[name] ?? 0));
      }
    }
    // Available never promises more than the free units a channel could take.
    for (const name of CHANNELS) {
      const available = availableFor(s, name);
      expect(available).toBeGreaterThanOrEqual(0);
      expect(available).toBeLessThanOrEqual((s.channels[name]?.free ?? 0) + s.shared);
      if (s.soldOut || isOversold(s) || !s.allocated) expect(available).toBe(0);
    }
  }
}

function run(ops: Op[], after?: (h: Harness) => void): Harness {
  const h = new Harness();
  for (const op of ops) {
    h.step(op);
    h.checkState();
    after?.(h);
  }
  return h;
}

describe("stock cell invariants over random operation sequences", () => {
  it("hold every invariant after every operation (both shared policies)", () => {
    fc.assert(
      fc.property(allocateOp(), fc.array(anyOp, { maxLength: 60 }), (first, ops) => {
        run([first, ...ops]);
      }),
      { numRuns: 1500 },
    );
  });

  it("hold them on a cell that was never allocated (every command but allocate fails and changes nothing)", () => {
    fc.assert(
      fc.property(fc.array(anyOp.filter((op) => op.type !== "allocate"), { maxLength: 15 }), (ops) => {
        const h = run(ops);
        expect(h.state).toEqual(emptyCell("store-1", "sku-1", NOW));
      }),
      { numRuns: 300 },
    );
  });

  it("weighted: with only reservations moving, every channel can still borrow what is left of its share", () => {
    const flow: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: holdOp, weight: 6 },
      { arbitrary: confirmOp, weight: 2 },
      { arbitrary: releaseOp, weight: 2 },
    );
    fc.assert(
      fc.property(allocateOp("weighted"), fc.array(flow, { maxLength: 60 }), (first, ops) => {
        run([first, ...ops], (h) => {
          const s = h.state;
          if (s.soldOut || isOversold(s)) return;
          for (const name in s.channels) {
            const b = s.channels[name]!;
            const owed = Math.max(0, b.share - b.borrowed);
            // No noisy channel can starve another: its unused share stays in the pool.
            expect(availableFor(s, name)).toBeGreaterThanOrEqual(b.free + owed);
          }
          // With no units added to the pool, DOMAIN.md's bound is exact: share + rounding leftovers.
          const shares = Object.values(s.channels).reduce((sum, b) => sum + b.share, 0);
          if (h.poolAdded === 0) {
            for (const name in s.channels) expect(s.channels[name]!.borrowed).toBeLessThanOrEqual(s.channels[name]!.share + s.sharedAtAllocation - shares);
          }
        });
      }),
      { numRuns: 1000 },
    );
  });

  it("weighted: whatever shrank the pool, each channel can still take what is left of its share, and together they can take all of it", () => {
    fc.assert(
      fc.property(allocateOp("weighted"), fc.array(anyOp, { maxLength: 60 }), (first, ops) => {
        run([first, ...ops], (h) => {
          const s = h.state;
          if (s.soldOut || isOversold(s) || !s.allocated) return;
          for (const name in s.channels) {
            const b = s.channels[name]!;
            expect(availableFor(s, name)).toBeGreaterThanOrEqual(b.free + Math.min(s.shared, Math.max(0, b.share - b.borrowed)));
          }
          // No unit of the pool is stranded: the channels, taking in turn all they may, empty it.
          let cell = s;
          for (let round = 0; round < CHANNELS.length && cell.shared > 0; round++) {
            for (const name of CHANNELS) {
              const qty = availableFor(cell, name);
              if (qty === 0) continue;
              const held = applyCommand(cell, () => undefined, { type: "hold", holdId: `drain-${round}-${name}`, reservationId: "drain", channel: name, qty, expiresAt: NOW }, NOW);
              expect(held.ok).toBe(true);
              if (held.ok) cell = held.state;
            }
          }
          expect(cell.shared).toBe(0);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it("first-come: a hold succeeds exactly when the channel's units plus the whole pool cover it", () => {
    fc.assert(
      fc.property(allocateOp("first-come"), fc.array(fc.oneof(holdOp, releaseOp, confirmOp), { maxLength: 40 }), (first, ops) => {
        const h = new Harness();
        h.step(first);
        for (const op of ops) {
          const before = cloneCell(h.state);
          const holdsBefore = h.holds.size;
          h.step(op);
          h.checkState();
          if (op.type === "hold") {
            const fits = before.allocated && op.qty <= (before.channels[op.channel]?.free ?? 0) + before.shared;
            expect(h.holds.size > holdsBefore).toBe(fits);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
