// The document title per view (web/src/page-title.ts).
import { expect, test } from "vitest";
import { pageTitle, unknownStoreTitle } from "../../web/src/page-title";

test("each view names itself, and the region or store it shows, before the app", () => {
  expect(pageTitle(null)).toBe("Sign in · edge-inventory");
  expect(pageTitle({ view: "overview", region: "eu-central" })).toBe("Overview · eu-central · edge-inventory");
  expect(pageTitle({ view: "overview" }, "na-east")).toBe("Overview · na-east · edge-inventory");
  expect(pageTitle({ view: "overview" })).toBe("Overview · edge-inventory");
  expect(pageTitle({ view: "store", storeId: "berlin-01" })).toBe("Store berlin-01 · edge-inventory");
  expect(pageTitle({ view: "oversells" })).toBe("Oversells · edge-inventory");
  expect(pageTitle({ view: "oversells", region: "eu-central" })).toBe("Oversells · eu-central · edge-inventory");
  expect(pageTitle({ view: "movements", storeId: "berlin-01" })).toBe("Movements · berlin-01 · edge-inventory");
  expect(pageTitle({ view: "not-found" })).toBe("Page not found · edge-inventory");
});

test("a store the API does not know is titled as such, not as a store", () => {
  expect(unknownStoreTitle("nope-99")).toBe("No store nope-99 · edge-inventory");
});
