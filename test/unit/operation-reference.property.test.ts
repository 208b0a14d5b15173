import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPERATION_REFERENCE_KINDS, operationReference } from "../../durable-objects/core";
import { RESERVATION_ID_SOURCE } from "../../schema/ids";
import { OperationReference } from "../../schema/operations";
import { MovementReference } from "../../schema/reports";

// What cells write as a movement's reference must be what the movements filter accepts.
const operationId = fc.stringMatching(new RegExp(`^${RESERVATION_ID_SOURCE}$`));

describe("operation references", () => {
  it("property: every reference a cell writes, with or without its attempt, is a valid movements filter naming the same operation", () => {
    fc.assert(
      fc.property(fc.constantFrom(...OPERATION_REFERENCE_KINDS), operationId, fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: undefined }), (kind, id, attempt) => {
        const reference = operationReference(kind, id, attempt);
        expect(OperationReference.safeParse(reference).success).toBe(true);
        expect(MovementReference.safeParse(reference).success).toBe(true);
        expect(reference.startsWith(`${kind}:${id}`)).toBe(true);
        expect(reference.endsWith(attempt === undefined ? id : `#${attempt}`)).toBe(true);
        // The filter without an attempt finds every attempt by the prefix `<kind>:<id>#` (reports.ts).
        if (attempt !== undefined) expect(reference.startsWith(`${operationReference(kind, id)}#`)).toBe(true);
        expect(operationReference(kind, id)).not.toContain("#");
      }),
    );
  });

  it("refuses a kind no operation has", () => {
    expect(OperationReference.safeParse("reservation:r-1").success).toBe(false);
    expect(OperationReference.safeParse(operationReference("transfer", "tr-1", 2)).success).toBe(true);
  });
});
