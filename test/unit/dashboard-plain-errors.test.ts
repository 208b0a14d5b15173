// The dashboard's error wording (web/src/plain-errors.ts): it runs while an error is drawn, so
// it must read any error body the API (or something in front of it) can send, and never throw.
import { describe, expect, test } from "vitest";
import { InventoryApiError } from "../../workers/client/errors";
import { plainWords, retryCanHelp, sameFailure } from "../../web/src/plain-errors";

const invalid = (message: string, details: Record<string, unknown> | undefined) =>
  new InventoryApiError(400, "invalid_request", message, details, "req-1", "GET", "/v1/reports/movements");

describe("API errors in plain words", () => {
  test("a 400 as the API sends it (workers/errors.ts: each issue's path a dotted string) names every bad field", () => {
    const error = invalid("query.sku: Invalid string", {
      issues: [
        { path: "query.sku", message: "Invalid string", code: "invalid_format" },
        { path: "query.kind", message: "Invalid option", code: "invalid_value" },
      ],
    });
    expect(plainWords(error)).toEqual({ summary: "Some of the values were not accepted.", detail: "query.sku: Invalid string — query.kind: Invalid option" });
  });

  test("zod's own shape (a path array), and issues with parts missing, still read", () => {
    const { detail } = plainWords(invalid("bad", { issues: [{ path: ["body", "onHand"], message: "Too big" }, { message: "no path" }, { path: "x" }, null, "plain text", 7] }));
    expect(detail).toBe("bad — body.onHand: Too big; value: no path; x: invalid; plain text");
  });

  test("details that are not the usual shape, or an empty message, are not an error of their own", () => {
    for (const details of [undefined, {}, { issues: "query.sku" }, { issues: { path: "a" } }, { issues: [] }]) {
      expect(() => plainWords(invalid("query.sku: bad", details))).not.toThrow();
      expect(plainWords(invalid("query.sku: bad", details)).detail).toBe("query.sku: bad");
    }
    expect(plainWords(invalid("", undefined))).toEqual({ summary: "Some of the values were not accepted.", detail: null });
  });

  test("a code the page has no words for says the status; a page bug and a network failure say so", () => {
    const teapot = new InventoryApiError(418, "method_not_allowed", "no", undefined, undefined, "GET", "/v1/x");
    expect(plainWords(teapot).summary).toBe("The request failed (418).");
    expect(plainWords(new TypeError("Failed to fetch")).summary).toMatch(/could not be reached/);
    expect(plainWords(new Error("boom"))).toEqual({ summary: "Something went wrong in the page.", detail: "boom" });
  });
});

test("one cause behind several failures (the reporting database down) is recognised as the same failure", () => {
  const down = () => new InventoryApiError(503, "unavailable", "db", undefined, undefined, "GET", "/v1/reports/stock");
  expect(sameFailure(down(), down())).toBe(true);
  expect(sameFailure(down(), invalid("x", undefined))).toBe(false);
  expect(sameFailure(new TypeError("a"), new TypeError("a"))).toBe(false);
});

describe("a till's later sold-out decision", () => {
  // The cell's 409 when a till's soldOut dated ahead of now (within the skew) stands against a PUT (durable-objects/core/commands.ts).
  const later = (details: Record<string, unknown>) =>
    new InventoryApiError(409, "conflict", "a later decision stands: sold out at 2026-11-24T12:05:00.000Z by event pos7-9; decide again after that time", details, "req-2", "PUT", "/v1/stores/berlin-01/skus/milk-1l/sold-out");

  test("says until when it stands, in the store's zone and the reader's, from the details (not the message)", () => {
    const words = plainWords(later({ soldOut: true, decidedAt: "2026-11-24T12:05:00.000Z", eventId: "pos7-9" }), { storeTimeZone: "Asia/Tokyo" });
    const store = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short", timeZone: "Asia/Tokyo" }).format(new Date("2026-11-24T12:05:00Z"));
    expect(words.summary).toContain("A till's sold-out decision (sold out)");
    expect(words.summary).toContain(`until ${store} store time (`);
    expect(words.summary).toContain("your time). Try again after that time.");
    expect(words.summary).not.toMatch(/Someone changed this|2026-11-24T/);
    expect(words.detail).toBe("Till event pos7-9, 2026-11-24 12:05:00 UTC.");
  });

  test("one time when the store's zone is the reader's, the reader's alone when the store's is not known", () => {
    const reader = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const error = later({ soldOut: false, decidedAt: "2026-11-24T12:05:00.000Z" });
    expect(plainWords(error, { storeTimeZone: reader }).summary).toMatch(/^A later sold-out decision \(not sold out\) .* \(store time and yours\)\. Try again after that time\.$/);
    expect(plainWords(error).summary).toMatch(/ your time\. Try again after that time\.$/);
  });

  test("any other conflict keeps the general words", () => {
    for (const details of [undefined, {}, { decidedAt: "not a time", soldOut: true }, { decidedAt: "2026-11-24T12:05:00.000Z" }]) {
      expect(plainWords(new InventoryApiError(409, "conflict", "x", details, undefined, "PUT", "/v1/x")).summary).toBe("Someone changed this at the same time. Reload and try again.");
    }
  });
});

describe("when Try again is offered", () => {
  const api = (status: number, code: ConstructorParameters<typeof InventoryApiError>[1]) => new InventoryApiError(status, code, "", undefined, "req-1", "GET", "/v1/x");

  test("for what asking again can change: the service or network failing, a rate limit, a conflict", () => {
    for (const error of [api(503, "unavailable"), api(500, "internal"), api(429, "rate_limited"), api(409, "conflict"), new TypeError("Failed to fetch"), new Error("page bug")]) {
      expect(retryCanHelp(error), String(error)).toBe(true);
    }
  });

  test("not for what answers the same again: a token refused or out of scope, nothing there, a value refused", () => {
    for (const error of [api(401, "unauthorized"), api(403, "forbidden"), api(404, "not_found"), api(400, "invalid_request"), api(409, "quota_exceeds_stock")]) {
      expect(retryCanHelp(error), error.code).toBe(false);
    }
  });
});
