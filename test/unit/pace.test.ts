import { describe, expect, it } from "vitest";
import { isolatePace, Pace } from "../../workers/pace";

describe("pace", () => {
  it("starts at most perSecond takes a second, in order, whoever takes them", async () => {
    let clock = 1_000;
    const slept: number[] = [];
    const pace = new Pace(4, () => clock, async (ms) => void slept.push(ms));
    // Five takes at once: the first now, then one every 250 ms.
    await Promise.all(Array.from({ length: 5 }, () => pace.take()));
    expect(slept).toEqual([250, 500, 750, 1000]);
    // Once time has passed beyond the last slot, a take starts at once again.
    clock += 2_000;
    slept.length = 0;
    await pace.take();
    await pace.take();
    expect(slept).toEqual([250]);
  });

  it("starts a burst at once, then perSecond a second, and has its burst again once idle that long", async () => {
    let clock = 1_000;
    const slept: number[] = [];
    const pace = new Pace(10, () => clock, async (ms) => void slept.push(ms), 3);
    await Promise.all(Array.from({ length: 5 }, () => pace.take()));
    expect(slept).toEqual([100, 200]);
    // Idle for three intervals past the last slot: the whole burst again, not more.
    clock += 200 + 300;
    slept.length = 0;
    await Promise.all(Array.from({ length: 4 }, () => pace.take()));
    expect(slept).toEqual([100]);
  });

  it("lets a take cost several slots: the next take waits for all of them", async () => {
    const clock = 1_000;
    const slept: number[] = [];
    const pace = new Pace(10, () => clock, async (ms) => void slept.push(ms));
    await Promise.all([pace.take(2), pace.take(2), pace.take(), pace.take()]);
    expect(slept).toEqual([200, 400, 500]);
  });

  it("is one per name in an isolate, whoever asks", () => {
    expect(isolatePace("test pace", 5)).toBe(isolatePace("test pace", 5));
    expect(isolatePace("test pace", 5)).not.toBe(isolatePace("another test pace", 5));
  });
});
