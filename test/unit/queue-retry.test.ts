import { describe, expect, it } from "vitest";
import { retryDelaySeconds } from "../../workers/reporting/consumer";

describe("the reporting consumer's retry delay", () => {
  it("doubles from 2 s per attempt, capped at 5 minutes, with ±20 % jitter", () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelaySeconds(attempts, 0.5))).toEqual([2, 4, 8, 16]);
    expect(retryDelaySeconds(20, 0.5)).toBe(300);
    expect(retryDelaySeconds(4, 0)).toBe(13); // 16 s × 0.8
    expect(retryDelaySeconds(4, 0.999)).toBe(19); // 16 s × 1.2, rounded
    // The first delivery (attempts 1) and a batch that reports none wait the same.
    expect(retryDelaySeconds(0, 0.5)).toBe(2);
  });
});
