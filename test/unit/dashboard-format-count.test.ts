// Counts on the dashboard name their noun in the singular for exactly one (web/src/format.ts).
import { expect, test } from "vitest";
import { formatCount } from "../../web/src/format";

test("one is singular; none and many are plural; a given plural is used as is", () => {
  expect(formatCount(1, "SKU")).toBe("1 SKU");
  expect(formatCount(0, "SKU")).toBe("0 SKUs");
  expect(formatCount(3, "open oversell")).toBe("3 open oversells");
  expect(formatCount(2, "entry", "entries")).toBe("2 entries");
});
