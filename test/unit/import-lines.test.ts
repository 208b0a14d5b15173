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
    expect(parsed.bad[1]!.errors).toEqual(["channel quotas (3) exceed onHand (2): an allocation's quotas must fit in its units (lower them)"]);
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

  it("reads a file with the stock export's header by column name, ignoring the counts the cells keep", () => {
    const exported = [
      "storeId,sku,onHand,reserved,free,inTransit,incoming,soldOut,oversold,sharedPolicy,channels,low,version,updatedAt",
      "s1,milk,120,5,115,0,0,false,false,weighted,pos:40:1 online:30:2,low=10 low.online=4,7,2026-12-07T00:00:00.000Z",
      "s1,bread,5,0,5,0,0,false,false,first-come,,,1,2026-12-07T00:00:00.000Z",
    ].join("\r\n");
    const milk = { onHand: 120, channels: { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 2 } }, sharedPolicy: "weighted", lowStock: { overall: 10, channels: { online: 4 } } };
    const bread = { onHand: 5, channels: {}, sharedPolicy: "first-come" };
    // Into the same store, another store (its storeId column must then name it), or a region.
    const same = parseImport(exported, "csv", { storeId: "s1" });
    expect(same.bad).toEqual([]);
    expect(same.lines).toBe(2);
    expect(same.good).toEqual([{ line: 2, storeId: "s1", sku: "milk", allocation: milk }, { line: 3, storeId: "s1", sku: "bread", allocation: bread }]);
    expect(parseImport(exported, "csv", { storesInRegion: new Set(["s1"]) }).good.map((line) => line.allocation)).toEqual([milk, bread]);
    expect(parseImport(exported, "csv", { storeId: "s2" }).bad.map((bad) => bad.errors)).toEqual([["storeId s1 is not this import's store s2"], ["storeId s1 is not this import's store s2"]]);
    // Columns in another order, the counts dropped, any letter case; the storeId column left out for a store.
    const edited = parseImport("LOW,Channels,OnHand,SKU,sharedpolicy\nlow=2,pos:1:1,9,eggs,\n", "csv", { storeId: "s2" });
    expect(edited.good).toEqual([{ line: 2, storeId: "s2", sku: "eggs", allocation: { onHand: 9, channels: { pos: { quota: 1, weight: 1 } }, sharedPolicy: "first-come", lowStock: { overall: 2 } } }]);
    // A region needs the storeId column; an oversold cell's negative count must be edited first.
    expect(parseImport("sku,onHand,sharedPolicy\nmilk,3,first-come", "csv", { storesInRegion: new Set(["s1"]) }).bad[0]!.errors).toEqual(["storeId is required in a region import"]);
    expect(parseImport("sku,onHand,oversold\nmilk,-2,true", "csv", { storeId: "s1" }).bad[0]!.errors).toEqual(['onHand must be a whole number, got "-2"']);
  });

  it("refuses a named header it cannot read, and every line under it, rather than guess", () => {
    const unknown = parseImport("sku,onHand,sharedPolicy,notes\nmilk,3,first-come,hi", "csv", { storeId: "s1" });
    expect(unknown.good).toEqual([]);
    expect(unknown.lines).toBe(2);
    expect(unknown.bad.map((bad) => bad.line)).toEqual([1, 2]);
    expect(unknown.bad[0]!.errors[0]).toMatch(/^unknown columns "notes"/);
    expect(unknown.bad[1]!.errors).toEqual(["the header on line 1 is refused"]);
    expect(parseImport("sku,onHand,low,LOW\nmilk,3,,", "csv", { storeId: "s1" }).bad[0]!.errors).toEqual(['columns named twice: "LOW"']);
    expect(parseImport("sku,onHand,low\nmilk,3,low=1,extra", "csv", { storeId: "s1" }).bad[0]!.errors).toEqual(["4 fields, but the header names 3 columns"]);
    // A positional header keeps its meaning: the fields after onHand are specs, whatever their titles.
    expect(parseImport("sku,onHand,channels\nmilk,3,pos:1:1,online:1:1", "csv", { storeId: "s1" }).good[0]!.allocation.channels).toEqual({ pos: { quota: 1, weight: 1 }, online: { quota: 1, weight: 1 } });
    // A positional region-form file imports into one store when its storeId column names that store.
    expect(parseImport("storeId,sku,onHand\ns1,milk,3", "csv", { storeId: "s1" }).good.map((line) => [line.storeId, line.sku])).toEqual([["s1", "milk"]]);
  });
});
