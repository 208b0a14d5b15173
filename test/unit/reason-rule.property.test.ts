import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Reason } from "../../schema/operations";
import { reasonProblem } from "../../schema/reason";

// The dashboard's movements filter says a reason is refused before asking (schema/reason.ts):
// it must refuse exactly what the API's Reason refuses, no more (a reason the ledger shows
// blocked at the filter, as "[a-z_]*" blocked "Customer return - broken seal") and no less.
const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 220 });
const anyText = fc.oneof(printable, fc.string({ unit: "binary", maxLength: 220 }), fc.string({ unit: "grapheme", maxLength: 30 }));

describe("the reason rule", () => {
  it("property: the dashboard's check takes a reason exactly when the API's schema does", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(reasonProblem(text) === undefined).toBe(Reason.safeParse(text).success);
      }),
      { numRuns: 2000 },
    );
  });

  it("takes what returns and receipts carry, refuses what the API refuses, each with a reason", () => {
    for (const taken of ["Customer return - broken seal", "Lost: 50% of box_2 (see #12)", "damage", "  Damaged box  ", "x".repeat(200)]) expect(reasonProblem(taken)).toBeUndefined();
    expect(reasonProblem("x".repeat(201))).toMatch(/at most 200/);
    expect(reasonProblem("Beschädigt")).toMatch(/printable ASCII/);
    expect(reasonProblem("   ")).toMatch(/at least 1/);
  });
});
