import { describe, expect, it } from "vitest";
import { parseImport } from "../../workers/bulk/import-lines";

describe("bulk import lines", () => {
  it("parses CSV with channels, policy and thresholds, skipping the header, blanks and comments", () => {
    const parsed = parseImport("sku,onHand\n\n# note\nmilk,120,pos:40:1,online:30:2,policy=weighted,low=10,low.online=4\n\"bread\",5\n", "csv", { storeId: "s1" });
    expect(parsed.bad).toEqual([]);
    expect(parsed.lines).toBe(2);
    expect(parsed.good).toEqual([
      { line: 4, storeId: "s1", sku: "milk", allocation: { onHand: 120, channels: { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 2 } }, sharedPolicy: "weighted", lowStock: { overall: 10, channels: { online: 4 } } } },
      { line: 5, storeId: "s1", sku: "bread", allocation: { onHand: 5, channels: {}, sharedPolicy: "first-come" } },
    ]);
  });

  it("reads RFC 4180 quotes strictly, any line ending, and a header only by its column names", () => {
    const parsed = parseImport('sku,onHand\r" spaced ",5\r"a""b",6\r"late"x,7\r"open,8\rsku2,9', "csv", { storeId: "s1" });
    expect(parsed.good.map((line) => [line.line, line.sku])).toEqual([[6, "sku2"]]);
    expect(parsed.bad.map((bad) => [bad.line, bad.errors])).toEqual([
      [2, ['sku " spaced " is not a valid SKU']],
      [3, ['sku "a"b" is not a valid SKU']],
      [4, ["text after a closing quote in field 1"]],
      [5, ["unterminated quote (a quoted field may not hold a line break)"]],
    ]);
    // A first line whose SKU happens to be "sku" is a line, not a header.
    const noHeader = parseImport("sku,5\nnext,6", "csv", { storeId: "s1" });
    expect(noHeader.good.map((line) => [line.line, line.sku, line.allocation.onHand])).toEqual([[1, "sku", 5], [2, "next", 6]]);
    expect(parseImport("StoreId,SKU,OnHand\ns1,a,1", "csv", { storesInRegion: new Set(["s1"]) }).good.map((line) => line.sku)).toEqual(["a"]);
  });

  it("reports every bad line with its number and every reason", () => {
    const parsed = parseImport("a,1\nb,x,fax:1\nc,2,pos:3:1\na,4\nd", "csv", { storeId: "s1" });
    expect(parsed.bad.map((bad) => bad.line)).toEqual([2, 3, 4, 5]);
    expect(parsed.bad[0]!.errors).toHaveLength(2);
    expect(parsed.bad[1]!.errors).toEqual(["channel quotas (3) exceed onHand (2)"]);
    expect(parsed.bad[2]!.errors).toEqual(["a already appears on line 1"]);
  });

  it("refuses a channel or a setting given twice on one line (never 'the last one wins')", () => {
    const parsed = parseImport("a,9,low=1,low=3\nb,9,low.pos=1,low.pos=2\nc,9,policy=weighted,policy=first-come\nd,9,pos:1:1,pos:2:1\ne,9,low=1,low.pos=2,low.online=1", "csv", { storeId: "s1" });
    expect(parsed.bad.map((bad) => [bad.line, bad.errors])).toEqual([
      [1, ["low appears twice"]],
      [2, ["low.pos appears twice"]],
      [3, ["policy appears twice"]],
      [4, ["channel pos appears twice"]],
    ]);
    expect(parsed.good.map((line) => line.sku)).toEqual(["e"]);
  });

  it("parses NDJSON and region lines that name their store", () => {
    const stores = new Set(["s1", "s2"]);
    const parsed = parseImport('{"storeId":"s1","sku":"a","onHand":3}\n{"storeId":"s9","sku":"a","onHand":3}\n{"sku":"b"}\nnope', "ndjson", { storesInRegion: stores });
    expect(parsed.good.map((line) => [line.storeId, line.sku])).toEqual([["s1", "a"]]);
    expect(parsed.bad.map((bad) => bad.line)).toEqual([2, 3, 4]);
    expect(parsed.bad[0]!.errors).toEqual(["store s9 is not in this region"]);
  });
});
