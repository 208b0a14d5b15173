// The Movements view's From / To (web/src/time-filter.ts): pure, so tested here in Node, in the
// time zone the test runs in (the values are local times, as a datetime-local field gives them).
import { describe, expect, test } from "vitest";
import { filterFrom, filterTo } from "../../web/src/time-filter";

const local = (value: string) => new Date(value).getTime();

describe("the ledger's time filter", () => {
  test("From is the first instant of the minute it names; To the last, so From 07:51 To 07:51 is that whole minute", () => {
    expect(Date.parse(filterFrom("2026-12-07T07:51")!)).toBe(local("2026-12-07T07:51"));
    expect(Date.parse(filterTo("2026-12-07T07:51")!)).toBe(local("2026-12-07T07:51") + 59_999);
  });

  test("with seconds typed, To ends with that second; empty fields filter nothing", () => {
    expect(Date.parse(filterTo("2026-12-07T07:51:30")!)).toBe(local("2026-12-07T07:51:30") + 999);
    expect(Date.parse(filterTo("2026-12-07T07:51:30.250")!)).toBe(local("2026-12-07T07:51:30.250"));
    expect(filterFrom("")).toBeUndefined();
    expect(filterTo("")).toBeUndefined();
  });
});
