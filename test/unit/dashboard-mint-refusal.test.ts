// The mint form's refusals (web/src/mint-refusal.ts): about the admin token and regions typed
// into that form, never the signed-in session's words, and never zod's raw paths.
import { describe, expect, test } from "vitest";
import { InventoryApiError } from "../../workers/client/errors";
import { mintRefusal } from "../../web/src/mint-refusal";
import { expectedOptions, issuesAt } from "../../web/src/invalid-fields";

const OPTIONS = 'Invalid option: expected one of "eu-central"|"eu-west"|"na-east"';
const refused = (status: number, code: string, details?: Record<string, unknown>) => new InventoryApiError(status, code as never, "refused", details, "req-1", "POST", "/v1/admin/tokens");
const badRegions = (...indexes: number[]) => refused(400, "invalid_request", { issues: indexes.map((index) => ({ path: `json.regions.${index}`, message: OPTIONS, code: "invalid_value" })) });

describe("the mint form's refusals", () => {
  test("a wrong admin token, or one that may not mint, is about the admin token", () => {
    expect(mintRefusal(refused(401, "unauthorized"), ["eu-central"])).toBe("That admin token was not accepted. Check it and try again.");
    expect(mintRefusal(refused(403, "forbidden"), ["eu-central"])).toMatch(/only an admin token/);
  });

  test("a mistyped region is named, with the regions there are", () => {
    expect(mintRefusal(badRegions(1), ["eu-central", "mars"])).toBe("Unknown region “mars”; choose one of eu-central, eu-west, na-east.");
    expect(mintRefusal(badRegions(0, 2), ["x", "eu-west", "y"])).toBe("Unknown regions “x”, “y”; choose one of eu-central, eu-west, na-east.");
    expect(mintRefusal(refused(400, "invalid_request", { issues: [{ path: "json.regions", message: "Too small" }] }), [])).toBe("Enter at least one region.");
  });

  test("a refused name is about the name field", () => {
    expect(mintRefusal(refused(400, "invalid_request", { issues: [{ path: "json.name", message: "no control characters" }] }), ["eu-central"])).toBe(
      "The name may have up to 100 characters and no control characters.",
    );
  });

  test("anything else is left to the generic note", () => {
    expect(mintRefusal(refused(503, "unavailable"), [])).toBeNull();
    expect(mintRefusal(new TypeError("Failed to fetch"), [])).toBeNull();
    expect(mintRefusal(refused(400, "invalid_request", { issues: [{ path: "json.ttlSeconds", message: "Too big" }] }), [])).toBeNull();
  });
});

describe("fields a 400 names", () => {
  test("the issues on a field or inside it, and nothing for other errors or odd bodies", () => {
    const error = refused(400, "invalid_request", { issues: [{ path: "query.sku", message: "1-64 characters" }, { path: ["query", "skus"], message: "no" }, null, 7] });
    expect(issuesAt(error, "query.sku")).toEqual([{ at: "", message: "1-64 characters" }]);
    expect(issuesAt(error, "query.region")).toEqual([]);
    expect(issuesAt(refused(401, "unauthorized"), "query.sku")).toEqual([]);
    expect(issuesAt(refused(400, "invalid_request", { issues: "query.sku" }), "query.sku")).toEqual([]);
  });

  test("zod's listed options are read; a message without them has none", () => {
    expect(expectedOptions(OPTIONS)).toEqual(["eu-central", "eu-west", "na-east"]);
    expect(expectedOptions("Invalid string")).toEqual([]);
  });
});
