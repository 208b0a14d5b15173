import { describe, expect, it } from "vitest";
import { csvCell, csvRows, toCsv } from "../../workers/csv";

describe("CSV cells", () => {
  it("neutralises text a spreadsheet would run as a formula (OWASP CSV Injection): a quote before it, inside a quoted cell", () => {
    expect(csvCell("@SUM(1+1)*cmd|/C calc!A0")).toBe(`"'@SUM(1+1)*cmd|/C calc!A0"`);
    expect(csvCell('=HYPERLINK("http://evil.example","click")')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(csvCell("+1+cmd")).toBe(`"'+1+cmd"`);
    expect(csvCell("-2+3+cmd|' /C calc'!A0")).toBe(`"'-2+3+cmd|' /C calc'!A0"`);
    expect(csvCell("\tx")).toBe(`"'\tx"`);
    expect(csvCell("\r=1")).toBe(`"'\r=1"`);
    expect(csvCell("=")).toBe(`"'="`);
  });

  it("leaves numbers plain, whether numbers or text that is only a number", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(0)).toBe("0");
    expect(csvCell("-5")).toBe("-5");
    expect(csvCell("+12")).toBe("+12");
    expect(csvCell("-0.25")).toBe("-0.25");
    expect(csvCell(true)).toBe("true");
  });

  it("quotes what RFC 4180 needs quoted, and nothing else", () => {
    expect(csvCell("customer_return")).toBe("customer_return");
    expect(csvCell("Damaged box")).toBe("Damaged box");
    expect(csvCell('a,"b"')).toBe(`"a,""b"""`);
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell({ online: 3 })).toBe(`"{""online"":3}"`);
    expect(csvCell("2026-11-24T10:00:00.000Z")).toBe("2026-11-24T10:00:00.000Z");
  });

  it("writes a header and CRLF lines", () => {
    const rows = [{ reason: "=1+1", delta: -5 }, { reason: "ok", delta: 3 }];
    expect(toCsv(rows, ["reason", "delta"])).toBe(`reason,delta\r\n"'=1+1",-5\r\nok,3\r\n`);
    expect(csvRows(rows, ["delta"])).toBe("-5\r\n3\r\n");
    expect(toCsv([], ["a", "b"])).toBe("a,b\r\n");
  });
});
