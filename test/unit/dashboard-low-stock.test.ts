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

  test("a channel threshold reads what the channel can take (its own free units and what it may borrow), as the alerts do", () => {
    const channels = (online: number, pos = 9) => ({ online: { quota: 30, weight: 1, available: online }, pos: { quota: 9, weight: 1, available: pos } });
    // 2 of its own, nothing to borrow: low.
    expect(isLowStock(cell({ lowStock: { channels: { online: 3 } }, free: { shared: 0, channels: { online: 2, pos: 9 } }, channels: channels(2) }), 11)).toBe(true);
    // 29 of its own and 8 it may borrow (37) against a threshold of 30: not low, though its own free units are (a probe's full cell badged low).
    expect(isLowStock(cell({ lowStock: { channels: { online: 30 } }, free: { shared: 8, channels: { online: 29, pos: 9 } }, channels: channels(37) }), 46)).toBe(false);
    // None of its own but one to borrow, threshold 2: low (the alerts' back_in_stock to "low").
    expect(isLowStock(cell({ lowStock: { channels: { online: 2 } }, free: { shared: 1, channels: { online: 0, pos: 9 } }, channels: channels(1) }), 10)).toBe(true);
    // Nothing it can take while the pos channel still sells (its own sold_out alert): low, not out.
    const channelOut = cell({ lowStock: { channels: { online: 2 } }, free: { shared: 0, channels: { online: 0, pos: 9 } }, channels: channels(0) });
    expect(isLowStock(channelOut, 9)).toBe(true);
    expect(isOutOfStock(channelOut, 9)).toBe(false);
    // A stock-report row has only each channel's own free units: not judged by channel (the overview asks the cells).
    expect(isLowStock(cell({ lowStock: { channels: { online: 3 } }, free: { online: 2, pos: 9 } }), 11)).toBe(false);
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
