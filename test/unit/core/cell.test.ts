import { describe, expect, it } from "vitest";
import { applyCommand, availableFor, emptyCell, type CellCommand, type CellState, type Hold } from "../../../durable-objects/core";

/** DOMAIN.md's worked examples, step by step. */

const NOW = "2026-11-24T12:00:00.000Z";

class Cell {
  state: CellState = emptyCell("berlin-01", "milk-1l", NOW);
  holds = new Map<string, Hold>();

  run(command: CellCommand) {
    const result = applyCommand(this.state, (id) => this.holds.get(id), command, NOW);
    if (result.ok) {
      this.state = result.state;
      if (result.hold) this.holds.set(result.hold.holdId, result.hold);
    }
    return result;
  }

  hold(id: string, channel: string, qty: number) {
    return this.run({ type: "hold", holdId: id, reservationId: id, channel, qty, expiresAt: NOW });
  }

  free() {
    const channels: Record<string, number> = {};
    for (const name in this.state.channels) channels[name] = this.state.channels[name]!.free;
    return { shared: this.state.shared, ...channels };
  }
}

function allocated(onHand: number, channels: Record<string, { quota: number; weight: number }>, sharedPolicy: "first-come" | "weighted" = "first-come") {
  const cell = new Cell();
  const result = cell.run({ type: "allocate", onHand, channels, sharedPolicy });
  expect(result.ok).toBe(true);
  return cell;
}

describe("the stock cell by example", () => {
  it("allocates POS 40, online 30 of 100 with a shared pool of 30", () => {
    const cell = allocated(100, { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 1 } });
    expect(cell.free()).toEqual({ shared: 30, pos: 40, online: 30 });
    expect(availableFor(cell.state, "online")).toBe(60);
    expect(availableFor(cell.state, "marketplace")).toBe(30);
  });

  it("takes the channel's own units first, then the pool, and a release puts them back exactly", () => {
    const cell = allocated(100, { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 1 } });
    const held = cell.hold("order-1", "online", 35);
    expect(held.ok && held.hold).toMatchObject({ fromChannel: 30, fromShared: 5 });
    expect(cell.free()).toEqual({ shared: 25, pos: 40, online: 0 });
    expect(cell.state.reserved).toBe(35);
    expect(cell.state.version).toBe(2);

    expect(cell.run({ type: "release", holdId: "order-1", reason: "released" }).ok).toBe(true);
    expect(cell.free()).toEqual({ shared: 30, pos: 40, online: 30 });
    expect(cell.state.reserved).toBe(0);
    // Releasing again is an idempotent success that changes nothing.
    const again = cell.run({ type: "release", holdId: "order-1", reason: "released" });
    expect(again.ok && again.change).toBeUndefined();
    expect(cell.state.version).toBe(3);
  });

  it("gives an abandoned attempt's hold back like a release, its ledger row saying why", () => {
    const cell = allocated(10, { online: { quota: 5, weight: 1 } });
    cell.hold("order-1#1", "online", 3);
    cell.hold("order-2#1", "online", 1);
    const undone = cell.run({ type: "release", holdId: "order-1#1", reason: "abandoned" });
    expect(undone).toMatchObject({ ok: true, hold: { status: "released" }, change: { kind: "release", reason: "abandoned", qty: 3 } });
    const released = cell.run({ type: "release", holdId: "order-2#1", reason: "released" });
    expect(released.ok && released.change).toMatchObject({ kind: "release" });
    expect(released.ok && released.change && "reason" in released.change).toBe(false);
    expect(cell.free()).toEqual({ shared: 5, online: 5 });
  });

  it("refuses a take that does not fit as a whole, and changes nothing", () => {
    const cell = allocated(100, { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 1 } });
    const before = structuredClone(cell.state);
    const result = cell.hold("order-1", "online", 61);
    expect(result).toMatchObject({ ok: false, error: { code: "insufficient_stock", details: { requested: 61, available: 60 } } });
    expect(cell.state).toEqual(before);
  });

  it("confirm takes the units off on-hand; confirming a released hold is a conflict", () => {
    const cell = allocated(10, { online: { quota: 5, weight: 1 } });
    cell.hold("a", "online", 3);
    cell.hold("b", "online", 2);
    expect(cell.run({ type: "confirm", holdId: "a" }).ok).toBe(true);
    expect(cell.state).toMatchObject({ onHand: 7, reserved: 2 });
    cell.run({ type: "release", holdId: "b", reason: "expired" });
    expect(cell.run({ type: "confirm", holdId: "b" })).toMatchObject({ ok: false, error: { code: "conflict", details: { status: "expired" } } });
    expect(cell.run({ type: "release", holdId: "a", reason: "released" })).toMatchObject({ ok: false, error: { code: "conflict", details: { status: "confirmed" } } });
  });

  it("weighted: a channel borrows at most ⌊S₀·w/Σw⌋ plus the rounding leftovers", () => {
    // Pool of 10, weights pos 2 : marketplace 1 → shares 6 and 3, one unit of rounding leftover.
    const cell = allocated(10, { pos: { quota: 0, weight: 2 }, marketplace: { quota: 0, weight: 1 } }, "weighted");
    expect(availableFor(cell.state, "marketplace")).toBe(4);
    expect(cell.hold("flash", "marketplace", 5)).toMatchObject({ ok: false, error: { code: "insufficient_stock" } });
    expect(cell.hold("flash", "marketplace", 4).ok).toBe(true);
    // The POS still has its whole share.
    expect(availableFor(cell.state, "pos")).toBe(6);
    expect(cell.hold("till", "pos", 6).ok).toBe(true);
    expect(cell.state.shared).toBe(0);
  });

  it("weighted: a till sale borrows from the POS share; damage that shrinks the pool leaves every unit sellable", () => {
    // The probe's case: 10 in the pool, shares 5 and 5.
    const cell = allocated(10, { pos: { quota: 0, weight: 1 }, online: { quota: 0, weight: 1 } }, "weighted");
    expect(cell.run({ type: "adjust", delta: -5, reason: "sale", channel: "pos" }).ok).toBe(true);
    // The sale used the POS share: online keeps its own, the POS may take no more.
    expect(cell.state.channels.pos!.borrowed).toBe(5);
    expect(availableFor(cell.state, "online")).toBe(5);
    expect(availableFor(cell.state, "pos")).toBe(0);

    // Damage takes pool units no channel borrowed: 2 left, both shares still owed in full.
    const damaged = allocated(10, { pos: { quota: 0, weight: 1 }, online: { quota: 0, weight: 1 } }, "weighted");
    damaged.run({ type: "adjust", delta: -8, reason: "damage" });
    expect(availableFor(damaged.state, "online")).toBe(2);
    expect(availableFor(damaged.state, "pos")).toBe(2);
    expect(damaged.hold("o", "online", 2).ok).toBe(true);
    expect(damaged.state.shared).toBe(0);
  });

  it("sold out refuses every hold whatever the counts say", () => {
    const cell = allocated(10, {});
    cell.run({ type: "soldOut", value: true });
    expect(availableFor(cell.state, "online")).toBe(0);
    expect(cell.hold("a", "online", 1)).toMatchObject({ ok: false, error: { details: { reason: "sold_out" } } });
  });

  it("a manager's sold-out decision is timed at now even when the flag stays, and yields to a later-dated one", () => {
    const cell = allocated(10, {});
    const unchanged = cell.run({ type: "soldOut", value: false });
    expect(unchanged).toMatchObject({ ok: true, saved: true });
    expect(unchanged.ok && unchanged.change).toBeUndefined();
    expect(cell.state.soldOutAt).toBe(NOW);
    // A till's decision dated after now stands: the other value is a conflict, the same one a no-op.
    cell.state = { ...cell.state, soldOut: true, soldOutAt: "2026-11-24T12:04:00.000Z", soldOutBy: "till-9" };
    expect(cell.run({ type: "soldOut", value: false })).toMatchObject({ ok: false, error: { code: "conflict", details: { decidedAt: "2026-11-24T12:04:00.000Z", eventId: "till-9" } } });
    expect(cell.run({ type: "soldOut", value: true })).toEqual({ ok: true, state: cell.state });
  });

  it("a damage below the reserved units opens an oversell; a receipt heals it", () => {
    const cell = allocated(10, { online: { quota: 10, weight: 1 } });
    cell.hold("a", "online", 8);
    const damage = cell.run({ type: "adjust", delta: -5, reason: "damage" });
    expect(damage).toMatchObject({ ok: true, oversell: "opened" });
    expect(cell.state).toMatchObject({ onHand: 5, reserved: 8, shared: 0 });
    expect(cell.hold("b", "online", 1)).toMatchObject({ ok: false, error: { details: { reason: "oversold" } } });
    expect(cell.run({ type: "adjust", delta: -1, reason: "damage" })).toMatchObject({ ok: true, oversell: "worsened" });
    expect(cell.run({ type: "adjust", delta: 6, reason: "receive" })).toMatchObject({ ok: true, oversell: "healed" });
    expect(cell.state).toMatchObject({ onHand: 10, reserved: 8, shared: 2 });
  });

  it("quotas that do not fit in the units not reserved are refused and change nothing", () => {
    const cell = allocated(10, {});
    cell.hold("a", "online", 4);
    const before = structuredClone(cell.state);
    expect(cell.run({ type: "allocate", onHand: 10, channels: { pos: { quota: 7, weight: 1 } }, sharedPolicy: "first-come" })).toMatchObject({
      ok: false,
      error: { code: "quota_exceeds_stock" },
    });
    expect(cell.state).toEqual(before);
  });

  it("an allocation below the units reserved is refused, even with no quota (Σ quota ≤ Q − reserved)", () => {
    const cell = allocated(10, {});
    cell.hold("a", "online", 6);
    const before = structuredClone(cell.state);
    expect(cell.run({ type: "allocate", onHand: 5, channels: {}, sharedPolicy: "first-come" })).toMatchObject({
      ok: false,
      error: { code: "quota_exceeds_stock", details: { onHand: 5, reserved: 6, totalQuota: 0, freeUnits: -1 } },
    });
    expect(cell.state).toEqual(before);
    expect(cell.run({ type: "allocate", onHand: 6, channels: {}, sharedPolicy: "first-come" })).toMatchObject({ ok: true });
    expect(cell.state).toMatchObject({ onHand: 6, reserved: 6, shared: 0 });
  });
});
