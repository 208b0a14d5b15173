import { describe, expect, it } from "vitest";
import { stageImport, type ImportCommand } from "../../durable-objects/storage/staged-cells";

const key = { storeId: "s1", sku: "milk" };
const now = "2026-11-27T10:00:00.000Z";
const importOf = (opId: string, onHand: number, low?: number): ImportCommand => ({ type: "import", opId, onHand, channels: {}, ...(low !== undefined ? { lowStock: { overall: low } } : {}) }) as ImportCommand;

describe("stageImport: an import into a SKU that has no cell, by the cell's own rules", () => {
  it("makes version 1 with its event, and a low-stock event once when the import is below the threshold", () => {
    const first = stageImport(undefined, key, importOf("import:a", 2, 5), now);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.staged.state).toMatchObject({ allocated: true, onHand: 2, version: 1 });
    expect(first.event).toMatchObject({ eventId: "s1/milk/1", seq: 1, after: { onHand: 2 } });
    expect(first.event?.alerts?.map((alert) => alert.type)).toEqual(["low_stock"]);
    expect(first.staged.events).toHaveLength(1);
    expect(first.staged.ops.map((op) => op.opId)).toEqual(["import:a"]);

    // Still low after a second import: no second low-stock event (one per crossing).
    const second = stageImport(first.staged, key, importOf("import:b", 3, 5), now);
    if (!second.ok) throw new Error(second.error.message);
    expect(second.staged.state.version).toBe(2);
    expect(second.event?.alerts ?? []).toEqual([]);
    expect(second.staged.events.map((event) => event.seq)).toEqual([1, 2]);
  });

  it("answers a repeated import id without a change, and refuses the same id with other content", () => {
    const first = stageImport(undefined, key, importOf("import:a", 4), now);
    if (!first.ok) throw new Error(first.error.message);
    const repeat = stageImport(first.staged, key, importOf("import:a", 4), now);
    expect(repeat).toMatchObject({ ok: true, staged: { state: { version: 1 } } });
    expect(repeat.ok && repeat.event).toBeFalsy();
    const other = stageImport(first.staged, key, importOf("import:a", 9), now);
    expect(other).toMatchObject({ ok: false, error: { code: "conflict" } });
  });
});
