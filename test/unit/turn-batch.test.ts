import { describe, expect, it } from "vitest";
import { TurnBatch } from "../../durable-objects/turn-batch";

describe("TurnBatch (group commit)", () => {
  it("applies the calls of one turn together and answers each its own result, in order", async () => {
    const applied: number[][] = [];
    const batch = new TurnBatch<number, string>((items) => {
      applied.push(items);
      return items.map((item) => `r${item}`);
    });
    const together = await Promise.all([batch.add(1), batch.add(2), batch.add(3)]);
    expect(together).toEqual(["r1", "r2", "r3"]);
    expect(await batch.add(4)).toBe("r4");
    expect(applied).toEqual([[1, 2, 3], [4]]);
  });

  it("rejects every call of a batch whose apply throws, and takes the next batch afresh", async () => {
    let fail = true;
    const batch = new TurnBatch<number, number>((items) => {
      if (fail) throw new Error("storage failed");
      return items;
    });
    const failed = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(failed.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await batch.add(3)).toBe(3);
  });

  it("answers an asynchronous batch when it settles, while later calls form the next batch", async () => {
    const applied: number[][] = [];
    const pending: Array<() => void> = [];
    const batch = new TurnBatch<number, number>((items) => {
      applied.push(items);
      return new Promise((resolve) => pending.push(() => resolve(items.map((item) => item * 10))));
    });
    const first = Promise.all([batch.add(1), batch.add(2)]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = batch.add(3);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(applied).toEqual([[1, 2], [3]]);
    pending[1]!();
    expect(await second).toBe(30);
    pending[0]!();
    expect(await first).toEqual([10, 20]);
  });

  it("rejects every call of an asynchronous batch that rejects", async () => {
    const batch = new TurnBatch<number, number>(() => Promise.reject(new Error("send failed")));
    const failed = await Promise.allSettled([batch.add(1), batch.add(2)]);
    expect(failed.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
  });

  it("settles a call whose result is a promise of its own when that settles, the others at once", async () => {
    let finishSlow: (value: string) => void = () => undefined;
    const batch = new TurnBatch<string, string>((items) =>
      items.map((item) => (item === "slow" ? new Promise<string>((resolve) => (finishSlow = resolve)) : `${item} done`)),
    );
    const slow = batch.add("slow");
    expect(await batch.add("fast")).toBe("fast done");
    finishSlow("slow done");
    expect(await slow).toBe("slow done");
  });
});
