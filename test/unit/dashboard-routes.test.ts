// The dashboard's hash routes (web/src/router.ts): any address a reader can type or paste
// must parse to a route, never throw (a throw here blanks the whole page).
import { describe, expect, test } from "vitest";
import { href, parseRoute } from "../../web/src/routes";

describe("hash routes", () => {
  test("each view's address parses back to it", () => {
    for (const route of [
      { view: "overview" },
      { view: "overview", region: "eu-north" },
      { view: "store", storeId: "berlin-01" },
      { view: "store", storeId: "a b/c%" },
      { view: "oversells", storeId: "paris-01" },
      { view: "oversells", region: "eu-central" },
      { view: "oversells", storeId: "a?b", region: "na-east" },
      { view: "movements" },
      { view: "not-found" },
    ] as const) {
      expect(parseRoute(href(route))).toEqual(route);
    }
    expect(parseRoute("")).toEqual({ view: "overview" });
  });

  test("an address that names no view is a page that does not exist, not the overview", () => {
    for (const hash of ["#/whatever", "#/whatever/eu-central", "#/store", "#/overveiw/eu-central"]) expect(parseRoute(hash), hash).toEqual({ view: "not-found" });
    expect(parseRoute("#/")).toEqual({ view: "overview" });
  });

  test("a malformed % escape is a page that does not exist, not an exception", () => {
    for (const hash of ["#/store/%", "#/overview/%E0", "#/%", "#/movements/%zz", "#/store/berlin-01/%"]) {
      expect(() => parseRoute(hash)).not.toThrow();
      expect(parseRoute(hash)).toEqual({ view: "not-found" });
    }
  });
});
