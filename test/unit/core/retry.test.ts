import { describe, expect, it } from "vitest";
import { withRetries } from "../../../durable-objects/core";

describe("withRetries", () => {
  const noSleep = { sleep: async () => undefined, random: () => 0.5 };

  it("answers the first success, after transient failures", async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls += 1;
      if (calls < 3) throw new Error("out of memory: SQLITE_NOMEM");
      return "applied";
    }, noSleep);
    expect(result).toBe("applied");
    expect(calls).toBe(3);
  });

  it("gives up after the last attempt with the last error", async () => {
    let calls = 0;
    await expect(
      withRetries(async () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      }, { ...noSleep, attempts: 4 }),
    ).rejects.toThrow("failure 4");
    expect(calls).toBe(4);
  });

  it("waits exponentially longer between tries, with the project's jitter (nextAttemptAt: ±20 %)", async () => {
    const waits: number[] = [];
    await expect(
      withRetries(async () => Promise.reject(new Error("down")), { attempts: 4, baseDelayMs: 100, sleep: async (ms) => void waits.push(ms), random: () => 0.5 }),
    ).rejects.toThrow("down");
    expect(waits).toEqual([100, 200, 400]);
    const jittered: number[] = [];
    await withRetries(async () => (jittered.length < 1 ? Promise.reject(new Error("x")) : "ok"), { baseDelayMs: 100, sleep: async (ms) => void jittered.push(ms), random: () => 0 });
    expect(jittered).toEqual([80]);
  });
});
