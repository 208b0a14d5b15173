import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, applyCommand, emptyCell, type CellState, type Hold } from "../../durable-objects/core";
import { checkHistory, observe, type HistoryOp } from "../support/history-checker";

const T0 = "2026-11-24T12:00:00.000Z";

function cell(onHand: number, channels: Record<string, { quota: number; weight: number }> = {}): CellState {
  const result = allocate(emptyCell("s", "k", T0), { onHand, channels, sharedPolicy: "first-come" }, T0);
  if (!result.ok) throw new Error("allocation failed");
  return result.state;
}

const reserve = (id: string, qty: number, start: number, end: number, ok: boolean, channel = "online"): HistoryOp => ({
  kind: "reserve",
  reservationId: id,
  channel,
  qty,
  start,
  end,
  result: { ok },
});
const release = (id: string, start: number, end: number, ok = true): HistoryOp => ({ kind: "release", reservationId: id, start, end, result: { ok } });
const confirm = (id: string, start: number, end: number, ok = true): HistoryOp => ({ kind: "confirm", reservationId: id, start, end, result: { ok } });

describe("history checker: histories that must fail", () => {
  it("rejects more units granted than existed", () => {
    const result = checkHistory({ initial: cell(5), history: [reserve("a", 3, 0, 1, true), reserve("b", 3, 2, 3, true)] });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("more units granted than existed") });
  });

  it("rejects a failure that only an order against real time could explain", () => {
    // `c` started after the release had ended: 5 units were free, so it cannot have failed.
    const history = [reserve("a", 5, 0, 10, true), release("a", 20, 25), reserve("c", 5, 30, 40, false)];
    expect(checkHistory({ initial: cell(5), history }).ok).toBe(false);
    // The same results with `c` overlapping the release are fine (c before the release).
    const overlapping = [reserve("a", 5, 0, 10, true), release("a", 20, 25), reserve("c", 5, 22, 40, false)];
    expect(checkHistory({ initial: cell(5), history: overlapping }).ok).toBe(true);
  });

  it("rejects a confirm that succeeded before its reservation existed", () => {
    expect(checkHistory({ initial: cell(5), history: [confirm("a", 0, 1), reserve("a", 1, 2, 3, true)] }).ok).toBe(false);
    expect(checkHistory({ initial: cell(5), history: [confirm("a", 0, 3), reserve("a", 1, 1, 2, true)] }).ok).toBe(true);
  });

  it("rejects a final state that no valid order reaches", () => {
    const initial = cell(10, { online: { quota: 4, weight: 1 } });
    const history = [reserve("a", 6, 0, 5, true), reserve("b", 3, 1, 6, true), confirm("a", 7, 8)];
    const good = checkHistory({ initial, history, final: { onHand: 4, reserved: 3, shared: 1, free: { online: 0 }, version: 4 } });
    expect(good.ok).toBe(true);
    const bad = checkHistory({ initial, history, final: { onHand: 4, reserved: 2, shared: 2, free: { online: 0 }, version: 4 } });
    expect(bad).toMatchObject({ ok: false, reason: expect.stringContaining("ends elsewhere") });
  });

  it("uses recorded buckets: the split only fits one of the two orders", () => {
    // online quota 4: whoever went first took 4 from the channel.
    const initial = cell(10, { online: { quota: 4, weight: 1 } });
    const split = (id: string, fromChannel: number, fromShared: number, start: number, end: number): HistoryOp => ({
      kind: "reserve", reservationId: id, channel: "online", qty: 4, start, end, result: { ok: true, fromChannel, fromShared },
    });
    expect(checkHistory({ initial, history: [split("a", 0, 4, 0, 10), split("b", 4, 0, 1, 11)] }).ok).toBe(true);
    // ...but not when `a` ended before `b` started.
    expect(checkHistory({ initial, history: [split("a", 0, 4, 0, 1), split("b", 4, 0, 2, 3)] }).ok).toBe(false);
  });

  it("lets an operation of unknown outcome take effect or not, after its start only", () => {
    const unknownReserve: HistoryOp = { kind: "reserve", reservationId: "u", channel: "online", qty: 5, start: 0 };
    const later = reserve("b", 1, 10, 11, false);
    // `b` failing needs `u` to have taken effect before it: allowed.
    expect(checkHistory({ initial: cell(5), history: [unknownReserve, later] }).ok).toBe(true);
    // If `u` started only after `b` ended, it cannot explain `b`'s failure.
    expect(checkHistory({ initial: cell(5), history: [{ ...unknownReserve, start: 20 }, later] }).ok).toBe(false);
    // And it may never have happened.
    expect(checkHistory({ initial: cell(5), history: [unknownReserve, reserve("c", 5, 10, 11, true)] }).ok).toBe(true);
  });
});

/** A cell that really is linearizable: each op takes effect at a random instant inside its interval. */
const simulated = fc
  .record({
    onHand: fc.integer({ min: 0, max: 15 }),
    quota: fc.integer({ min: 0, max: 5 }),
    orders: fc.array(
      fc.record({
        qty: fc.integer({ min: 1, max: 4 }),
        channel: fc.constantFrom("online", "pos"),
        then: fc.constantFrom("confirm", "release", "none", "both"),
        start: fc.integer({ min: 0, max: 100 }),
        gaps: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 6, maxLength: 6 }),
      }),
      { minLength: 1, maxLength: 12 },
    ),
  })
  .map(({ onHand, quota, orders }) => {
    const initial = cell(onHand, { online: { quota: Math.min(quota, onHand), weight: 1 } });
    // Each client: reserve, then maybe confirm/release; each op an interval [start, end] with a point p inside.
    const pending: Array<{ op: HistoryOp; point: number }> = [];
    orders.forEach((order, i) => {
      let t = order.start;
      const next = (kind: HistoryOp["kind"]) => {
        const start = t;
        const point = start + order.gaps[pending.length % 6]! / 2;
        const end = start + order.gaps[pending.length % 6]!;
        t = end + 1;
        const op: HistoryOp = kind === "reserve"
          ? { kind, reservationId: `r${i}`, channel: order.channel, qty: order.qty, start, end }
          : { kind, reservationId: `r${i}`, start, end };
        pending.push({ op, point });
      };
      next("reserve");
      if (order.then === "confirm" || order.then === "both") next("confirm");
      if (order.then === "release" || order.then === "both") next("release");
    });
    // Apply at the linearization points (ties broken by list order) and record results.
    let state = initial;
    const holds = new Map<string, Hold>();
    for (const { op } of [...pending].sort((a, b) => a.point - b.point)) {
      const command =
        op.kind === "reserve"
          ? { type: "hold" as const, holdId: op.reservationId, reservationId: op.reservationId, channel: op.channel, qty: op.qty, expiresAt: T0 }
          : op.kind === "confirm"
            ? { type: "confirm" as const, holdId: op.reservationId }
            : { type: "release" as const, holdId: op.reservationId, reason: "released" as const };
      const result = applyCommand(state, (id) => holds.get(id), command, T0);
      op.result = result.ok ? { ok: true, ...(result.hold && op.kind === "reserve" ? { fromChannel: result.hold.fromChannel, fromShared: result.hold.fromShared } : {}) } : { ok: false, code: result.error.code };
      if (result.ok) {
        state = result.state;
        if (result.hold) holds.set(result.hold.holdId, result.hold);
      }
    }
    return { initial, history: pending.map((p) => p.op), final: observe(state) };
  });

describe("history checker: histories a real cell produced", () => {
  it("accepts every history of a linearizable cell", () => {
    fc.assert(
      fc.property(simulated, ({ initial, history, final }) => {
        const result = checkHistory({ initial, history, final });
        expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
      }),
      { numRuns: 400 },
    );
  });

  it("rejects the same histories once the final state is off by one unit", () => {
    fc.assert(
      fc.property(simulated, ({ initial, history, final }) => {
        const wrong = { ...final, reserved: final.reserved + 1 };
        expect(checkHistory({ initial, history, final: wrong }).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
