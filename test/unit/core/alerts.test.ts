import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjust, alertTransition, allocate, emptyCell, isOversold, nextBand, rearmMargin, type AlertBands, type CellState } from "../../../durable-objects/core";

const NOW = "2026-11-27T08:00:00.000Z";

function cell(onHand: number, lowStock: CellState["lowStock"]): CellState {
  const result = allocate(emptyCell("s", "k", NOW), { onHand, channels: {}, sharedPolicy: "first-come", ...(lowStock ? { lowStock } : {}) }, NOW);
  if (!result.ok) throw new Error("allocation failed");
  return result.state;
}

let lastBands: string[] = [];
/** For each change: whether the cell was oversold before and after it, and whether an oversold event fired. */
let oversoldSteps: Array<{ before: boolean; after: boolean; fired: boolean }> = [];

/** Applies deltas one by one and collects the overall events, as the cell does per change. */
function run(onHand: number, threshold: number, deltas: number[]) {
  let state = cell(onHand, { overall: threshold });
  let { bands, alerts } = alertTransition(undefined, state, "e0", NOW);
  const events: string[] = alerts.map((alert) => alert.type);
  const bandsSeen: string[] = alerts.map((alert) => alert.band);
  oversoldSteps = [];
  deltas.forEach((delta, index) => {
    const wasOversold = isOversold(state);
    state = adjust(state, { delta, reason: "x" }, NOW).state;
    const step = alertTransition(bands, state, `e${index + 1}`, NOW);
    bands = step.bands;
    events.push(...step.alerts.map((alert) => alert.type));
    bandsSeen.push(...step.alerts.map((alert) => alert.band));
    oversoldSteps.push({ before: wasOversold, after: isOversold(state), fired: step.alerts.some((alert) => alert.type === "oversold") });
  });
  lastBands = bandsSeen;
  return events;
}

describe("thresholds set with an allocation", () => {
  it("keeps what is set, and an empty set (or channels without one) leaves no lowStock at all", () => {
    const withThresholds = cell(10, { overall: 3, channels: { online: 1 } });
    expect(withThresholds.lowStock).toEqual({ overall: 3, channels: { online: 1 } });
    for (const cleared of [{}, { channels: {} }]) {
      const result = allocate(withThresholds, { onHand: 10, channels: {}, sharedPolicy: "first-come", lowStock: cleared }, NOW);
      expect(result.ok && "lowStock" in result.state, JSON.stringify(cleared)).toBe(false);
    }
    const untouched = allocate(withThresholds, { onHand: 12, channels: {}, sharedPolicy: "first-come" }, NOW);
    expect(untouched.ok && untouched.state.lowStock).toEqual({ overall: 3, channels: { online: 1 } });
  });
});

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

  it("property: every level event is a real band change (never the same band twice in a row)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }), fc.array(fc.integer({ min: -15, max: 15 }), { maxLength: 40 }), (onHand, threshold, deltas) => {
        run(onHand, threshold, deltas.filter((d) => d !== 0));
        // Oversold is not a level band: it fires once per episode (below), and an episode
        // ends silently when the cell is healthy again, so two may follow each other.
        const levelBands = lastBands.filter((band) => band !== "oversold");
        for (let i = 1; i < levelBands.length; i++) expect(levelBands[i]).not.toBe(levelBands[i - 1]);
      }),
    );
  });

  it("property: an oversold event fires exactly when a change makes a healthy cell oversold", () => {
    // Found by the property above: 0 units, -5 (oversold), -6, +11 (healthy at 0), -1 (oversold again).
    run(0, 0, [-5, -6, 11, -1]);
    expect(oversoldSteps.map((step) => step.fired)).toEqual([true, false, false, true]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }), fc.array(fc.integer({ min: -15, max: 15 }), { maxLength: 40 }), (onHand, threshold, deltas) => {
        run(onHand, threshold, deltas.filter((d) => d !== 0));
        for (const step of oversoldSteps) expect(step.fired).toBe(step.after && !step.before);
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
