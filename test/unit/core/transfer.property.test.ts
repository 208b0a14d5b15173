import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocate, applyCommand, emptyCell, freeTotal, type CellOp, type CellState, type CellCommand } from "../../../durable-objects/core";

const NOW = "2026-11-27T08:00:00.000Z";

class Cell {
  state: CellState;
  ops = new Map<string, CellOp>();
  constructor(storeId: string, onHand: number) {
    const result = allocate(emptyCell(storeId, "k", NOW), { onHand, channels: { pos: { quota: Math.floor(onHand / 3), weight: 1 } }, sharedPolicy: "first-come" }, NOW);
    if (!result.ok) throw new Error("allocation");
    this.state = result.state;
  }
  apply(command: CellCommand) {
    const result = applyCommand(this.state, () => undefined, command, NOW, (id) => this.ops.get(id));
    if (result.ok) {
      this.state = result.state;
      if (result.op) this.ops.set(result.op.opId, result.op);
    }
    return result;
  }
}

const identity = (s: CellState) => freeTotal(s) + s.reserved === Math.max(s.onHand, s.reserved);

describe("transfers and returns in the cell", () => {
  it("property: ship / receive / cancel in any order keep the units accounted for and the buckets whole", () => {
    const step = fc.record({ op: fc.constantFrom("ship", "receive", "cancel", "repeat"), id: fc.integer({ min: 0, max: 4 }), qty: fc.integer({ min: 1, max: 30 }), got: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80 }), fc.integer({ min: 0, max: 20 }), fc.array(step, { maxLength: 30 }), (sourceOnHand, destinationOnHand, steps) => {
        const source = new Cell("a", sourceOnHand);
        const destination = new Cell("b", destinationOnHand);
        const total = sourceOnHand + destinationOnHand;
        let lost = 0;
        const shipped = new Map<string, number>();
        for (const { op, id, qty, got } of steps) {
          const opId = `transfer:t${id}#1`;
          if (op === "ship" || op === "repeat") {
            const out = source.apply({ type: "transferShip", opId, qty });
            if (out.ok && !shipped.has(opId)) {
              expect(destination.apply({ type: "transferExpect", opId, qty }).ok).toBe(true);
              shipped.set(opId, qty);
            }
            if (!out.ok && out.error.code === "insufficient_stock") expect(qty).toBeGreaterThan(source.state.onHand - source.state.reserved);
          } else if (op === "receive" && shipped.has(opId) && source.ops.get(opId)!.status === "shipped") {
            const received = Math.min(got, shipped.get(opId)!);
            expect(destination.apply({ type: "transferReceive", opId, received, reason: "r" }).ok).toBe(true);
            expect(source.apply({ type: "transferClose", opId, received, reason: "r" }).ok).toBe(true);
            lost += shipped.get(opId)! - received;
          } else if (op === "cancel" && shipped.has(opId)) {
            const back = source.apply({ type: "transferCancel", opId });
            const unexpected = destination.apply({ type: "transferUnexpect", opId });
            expect(back.ok).toBe(unexpected.ok);
          }
          // The units add up at every step: on hand at both ends, on the road, and lost.
          expect(source.state.onHand + (source.state.inTransit ?? 0) + destination.state.onHand + lost).toBe(total);
          expect(source.state.inTransit ?? 0).toBe(destination.state.incoming ?? 0);
          expect(identity(source.state) && identity(destination.state)).toBe(true);
          expect(source.state.onHand).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });

  it("property: a cancelled shipment puts its units back in the buckets they left, so a failed transfer changes nothing", () => {
    const quota = fc.integer({ min: 0, max: 20 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 80 }), quota, quota, fc.integer({ min: 0, max: 80 }), fc.integer({ min: 1, max: 80 }), (onHand, pos, online, held, qty) => {
        const allocation = allocate(emptyCell("a", "k", NOW), { onHand, channels: { pos: { quota: pos, weight: 1 }, online: { quota: online, weight: 1 } }, sharedPolicy: "weighted" }, NOW);
        fc.pre(allocation.ok);
        const cell = new Cell("a", 0);
        cell.state = allocation.ok ? allocation.state : cell.state;
        // Some units held by a reservation first, so the shipment leaves from a mixed cell.
        cell.apply({ type: "hold", holdId: "h#1", reservationId: "h", channel: "online", qty: Math.min(held, onHand) || 1, expiresAt: NOW });
        const before = structuredClone(cell.state);
        const shipped = cell.apply({ type: "transferShip", opId: "transfer:t#1", qty });
        fc.pre(shipped.ok);
        expect(cell.apply({ type: "transferCancel", opId: "transfer:t#1" }).ok).toBe(true);
        expect(cell.state).toEqual({ ...before, version: before.version + 2, updatedAt: cell.state.updatedAt, inTransit: 0 });
      }),
    );
  });

  it("a return adds units once per return id and refuses other content under the same id", () => {
    const cell = new Cell("a", 10);
    const first = cell.apply({ type: "return", opId: "return:r1", qty: 3, reason: "customer" });
    expect(first.ok && first.change?.kind).toBe("return");
    expect(cell.state.onHand).toBe(13);
    const again = cell.apply({ type: "return", opId: "return:r1", qty: 3, reason: "customer" });
    expect(again.ok && again.change).toBeUndefined();
    const other = cell.apply({ type: "return", opId: "return:r1", qty: 4, reason: "customer" });
    expect(other.ok).toBe(false);
    expect(cell.state.onHand).toBe(13);
  });
});
