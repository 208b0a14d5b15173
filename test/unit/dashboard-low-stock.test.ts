// The dashboard's stock-state rules (web/src/low-stock.ts): pure, so tested here in Node.
import { describe, expect, test } from "vitest";
import { isLowStock, isOutOfStock, isSoldOut } from "../../web/src/low-stock";

const cell = (overrides: Record<string, unknown> = {}) => ({ onHand: 20, reserved: 0, soldOut: false, oversold: false, ...overrides });

describe("stock states in the dashboard", () => {
  test("a cell with an overall threshold is low at or below it, but not at 0 (that is out)", () => {
    const withThreshold = cell({ lowStock: { overall: 5 } });
    expect(isLowStock(withThreshold, 6)).toBe(false);
    expect(isLowStock(withThreshold, 5)).toBe(true);
    expect(isLowStock(withThreshold, 1)).toBe(true);
    expect(isLowStock(withThreshold, 0)).toBe(false);
    expect(isOutOfStock(withThreshold, 0)).toBe(true);
  });

  test("a channel threshold reads the channel's free units, from a cell or a stock-report row", () => {
    const fromCell = cell({ lowStock: { channels: { online: 3 } }, free: { shared: 10, channels: { online: 2, pos: 9 } } });
    expect(isLowStock(fromCell, 21)).toBe(true);
    const fromReport = cell({ lowStock: { channels: { online: 3 } }, free: { online: 4, pos: 9 } });
    expect(isLowStock(fromReport, 13)).toBe(false);
  });

  test("an empty cell is out of stock (sold out), with thresholds or without, and never merely low", () => {
    // sku-0035,0,online:0:1,pos:0:1,low=35: 0 on hand, both channels thresholded.
    const empty = cell({ onHand: 0, lowStock: { overall: 35, channels: { online: 1, pos: 1 } }, free: { shared: 0, channels: { online: 0, pos: 0 } } });
    expect(isOutOfStock(empty, 0)).toBe(true);
    expect(isSoldOut(empty, 0)).toBe(true);
    expect(isLowStock(empty, 0)).toBe(false);
    // Every unit on hand reserved: nothing to sell either.
    expect(isOutOfStock(cell({ onHand: 10, reserved: 10 }), 0)).toBe(true);
    expect(isOutOfStock(cell(), 0)).toBe(true);
    expect(isLowStock(cell(), 0)).toBe(false);
  });

  test("marked sold out counts as sold out, not out of stock; oversold is neither; neither is ever low", () => {
    expect(isSoldOut(cell({ soldOut: true }), 10)).toBe(true);
    expect(isOutOfStock(cell({ soldOut: true }), 0)).toBe(false);
    expect(isOutOfStock(cell({ oversold: true }), 0)).toBe(false);
    expect(isLowStock(cell({ soldOut: true, lowStock: { overall: 50 } }), 10)).toBe(false);
    expect(isLowStock(cell({ oversold: true }), 0)).toBe(false);
  });

  test("a cell without thresholds is never low, as the API's alerts judge it", () => {
    expect(isLowStock(cell(), 1)).toBe(false);
    expect(isLowStock(cell({ lowStock: {} }), 1)).toBe(false);
    expect(isSoldOut(cell(), 1)).toBe(false);
  });
});
