import { describe, expect, it } from "vitest";
import { countSetting } from "../../workers/env";

describe("counts set in the environment", () => {
  it("takes a whole number of at least 1, and the default for anything else", () => {
    expect(countSetting("100", 20_000)).toBe(100);
    expect(countSetting("1", 20_000)).toBe(1);
    expect(countSetting("2.7", 20_000)).toBe(2);
    expect(countSetting(undefined, 20_000)).toBe(20_000);
    for (const bad of ["0", "-5", "0.5", "", "many", "Infinity"]) expect(countSetting(bad, 20_000), bad).toBe(20_000);
  });
});
