import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORGET_STEP_MS, SETTLED_PHASES, SETTLED_RETENTION_MS, forgetAt, isForgettable, type ReservationPhase } from "../../../durable-objects/core";

const moving: ReservationPhase[] = ["holding", "abandoning", "pending", "confirming", "releasing", "expiring"];
const instant = fc.integer({ min: Date.parse("2020-01-01"), max: Date.parse("2100-01-01") });

describe("forgetting settled reservations", () => {
  it("never forgets a reservation that can still move, however old", () => {
    fc.assert(
      fc.property(fc.constantFrom(...moving), instant, (phase, updated) => {
        const record = { phase, updatedAt: new Date(updated).toISOString() };
        expect(forgetAt(record)).toBeNull();
        expect(isForgettable(record, updated + 10 * SETTLED_RETENTION_MS)).toBe(false);
      }),
    );
  });

  it("forgets a settled one at the first whole hour at least 30 days after it settled, not before", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SETTLED_PHASES), instant, (phase, updated) => {
        const record = { phase, updatedAt: new Date(updated).toISOString() };
        const at = forgetAt(record)!;
        expect(at % FORGET_STEP_MS).toBe(0);
        expect(at).toBeGreaterThanOrEqual(updated + SETTLED_RETENTION_MS);
        expect(at).toBeLessThan(updated + SETTLED_RETENTION_MS + FORGET_STEP_MS);
        expect(isForgettable(record, at - 1)).toBe(false);
        expect(isForgettable(record, at)).toBe(true);
      }),
    );
    expect(SETTLED_RETENTION_MS).toBe(30 * 86_400_000);
    expect([...SETTLED_PHASES].sort()).toEqual(["confirmed", "expired", "failed", "released"]);
  });
});
