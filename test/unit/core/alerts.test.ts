import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjust, alertTransition, allocate, emptyCell, nextBand, rearmMargin, type AlertBands, type CellState } from "../../../durable-objects/core";

const NOW = "2026-11-27T08:00:00.000Z";

function cell(onHand: number, lowStock: CellState["lowStock"]): CellState {
  const result = allocate(emptyCell("s", "k", NOW), { onHand, channels: {}, sharedPolicy: "first-come", ...(lowStock ? { lowStock } : {}) }, NOW);
  if (!result.ok) throw new Error("allocation failed");
  return result.state;
}

let lastBands: string[] = [];

/** Applies deltas one by one and collects the overall events, as the cell does per change. */
function run(onHand: number, threshold: number, deltas: number[]) {
  let state = cell(onHand, { overall: threshold });
  let { bands, alerts } = alertTransition(undefined, state, "e0", NOW);
  const events: string[] = alerts.map((alert) => alert.type);
  const bandsSeen: string[] = alerts.map((alert) => alert.band);
  deltas.forEach((delta, index) => {
    state = adjust(state, { delta, reason: "x" }, NOW).state;
    const step = alertTransition(bands, state, `e${index + 1}`, NOW);
    bands = step.bands;
    events.push(...step.alerts.map((alert) => alert.type));
    bandsSeen.push(...step.alerts.map((alert) => alert.band));
  });
  lastBands = bandsSeen;
  return events;
}

describe("threshold events", () => {
  it("down, up, down again: one event per crossing", () => {
    expect(run(20, 10, [-12, 1, 2, 5, -8, -8])).toEqual(["low_stock", "back_in_stock", "low_stock", "sold_out"]);
  });

  it("does not flap around the threshold: a sale and a return at the edge stay quiet", () => {
    expect(run(11, 10, [-1, 1, -1, 1, -1, 1])).toEqual(["low_stock"]);
    expect(rearmMargin(10)).toBe(1);
    expect(rearmMargin(100)).toBe(10);
  });

  it("coming back from sold out is back_in_stock (band low), and again above the threshold (band ok)", () => {
    expect(run(3, 5, [-3, 1, 9])).toEqual(["low_stock", "sold_out", "back_in_stock", "back_in_stock"]);
    expect(lastBands).toEqual(["low", "out", "low", "ok"]);
  });

  it("property: every event is a real band change (never the same band twice in a row)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }), fc.array(fc.integer({ min: -15, max: 15 }), { maxLength: 40 }), (onHand, threshold, deltas) => {
        run(onHand, threshold, deltas.filter((d) => d !== 0));
        for (let i = 1; i < lastBands.length; i++) expect(lastBands[i]).not.toBe(lastBands[i - 1]);
      }),
    );
  });

  it("property: the band is a function of the level and the previous band (hysteresis only upward)", () => {
    fc.assert(
      fc.property(fc.constantFrom("ok", "low", "out") as fc.Arbitrary<AlertBands["overall"]>, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100 }), (previous, level, threshold) => {
        const band = nextBand(previous, level, threshold);
        if (level <= 0) expect(band).toBe("out");
        else if (level <= threshold) expect(band).toBe("low");
        else if (level > threshold + rearmMargin(threshold)) expect(band).toBe("ok");
        else expect(band).toBe(previous === "low" ? "low" : "ok");
      }),
    );
  });
});
