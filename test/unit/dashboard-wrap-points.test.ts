// Where ids, SKUs and names may wrap in the dashboard's tables (web/src/wrap-points.ts).
import { expect, test } from "vitest";
import { LONGEST_RUN, wrapPoints } from "../../web/src/wrap-points";

test("ids wrap after their separators, never inside a word", () => {
  expect(wrapPoints("berlin-01")).toEqual(["berlin-", "01"]);
  expect(wrapPoints("sold_out")).toEqual(["sold_", "out"]);
  expect(wrapPoints("coffee-beans-500g")).toEqual(["coffee-", "beans-", "500g"]);
  expect(wrapPoints("returns/2024/17")).toEqual(["returns/", "2024/", "17"]);
  expect(wrapPoints("release")).toEqual(["release"]);
  expect(wrapPoints("München Hbf")).toEqual(["München Hbf"]);
  expect(wrapPoints("")).toEqual([""]);
});

test("a run longer than LONGEST_RUN letters is cut every LONGEST_RUN letters, and the text stays the same", () => {
  const id = `long-${"x".repeat(59)}`;
  const pieces = wrapPoints(id);
  expect(pieces.join("")).toBe(id);
  expect(pieces[0]).toBe("long-");
  expect(Math.max(...pieces.map((piece) => piece.length))).toBe(LONGEST_RUN);
  const name = `Supermercado ${"N".repeat(45)} Sur`;
  expect(wrapPoints(name).join("")).toBe(name);
  expect(wrapPoints(name).every((piece) => piece.replace(/^\s+/, "").split(/\s/)[0]!.length <= LONGEST_RUN)).toBe(true);
});
