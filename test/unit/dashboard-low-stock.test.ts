// The dashboard's low-stock rule (web/src/low-stock.ts): pure, so tested here in Node.
import { describe, expect, test } from "vitest";
import { isLowStock, lowStockSource } from "../../web/src/low-stock";

const cell = (overrides: Record<string, unknown> = {}) => ({ onHand: 20, reserved: 0, soldOut: false, oversold: false, ...overrides });

describe("low stock in the dashboard", () => {
  test("a cell with an overall threshold is low at or below it, but not at 0 (that is out)", () => {
    const withThreshold = cell({ lowStock: { overall: 5 } });
    expect(isLowStock(withThreshold, 6)).toBe(false);
    expect(isLowStock(withThreshold, 5)).toBe(true);
    expect(isLowStock(withThreshold, 1)).toBe(true);
    expect(isLowStock(withThreshold, 0)).toBe(false);
  });

  test("a channel threshold reads the channel's free units, from a cell or a stock-report row", () => {
    const fromCell = cell({ lowStock: { channels: { online: 3 } }, free: { shared: 10, channels: { online: 2, pos: 9 } } });
    expect(isLowStock(fromCell, 21)).toBe(true);
    const fromReport = cell({ lowStock: { channels: { online: 3 } }, free: { online: 4, pos: 9 } });
    expect(isLowStock(fromReport, 13)).toBe(false);
  });

  test("sold-out and oversold cells are never counted as low", () => {
    expect(isLowStock(cell({ soldOut: true, lowStock: { overall: 50 } }), 10)).toBe(false);
    expect(isLowStock(cell({ oversold: true }), 0)).toBe(false);
  });

  test("without thresholds the placeholder counts cells with no free units", () => {
    expect(isLowStock(cell(), 0)).toBe(true);
    expect(isLowStock(cell(), 1)).toBe(false);
    expect(lowStockSource([cell(), cell()])).toBe("placeholder");
    expect(lowStockSource([cell({ lowStock: { overall: 1 } }), cell()])).toBe("mixed");
    expect(lowStockSource([cell({ lowStock: { overall: 1 } })])).toBe("api");
    // An empty threshold object is no threshold.
    expect(lowStockSource([cell({ lowStock: {} })])).toBe("placeholder");
  });
});
