// The ledger's Change column (web/src/movement-change.ts).
import { expect, test } from "vitest";
import { changeOf } from "../../web/src/movement-change";

const row = (delta: number | null, qty: number | null, onHandBefore: number, onHandAfter: number) => ({ delta, qty, onHandBefore, onHandAfter });

test("the delta when there is one; else how on hand changed (an allocation, an import); else the quantity", () => {
  expect(changeOf(row(7, null, 10, 17))).toBe("+7");
  expect(changeOf(row(-3, null, 10, 7))).toBe("-3");
  expect(changeOf(row(null, null, 0, 99))).toBe("+99");
  expect(changeOf(row(null, null, 99, 40))).toBe("-59");
  expect(changeOf(row(null, 2, 10, 10))).toBe("2");
  expect(changeOf(row(null, null, 10, 10))).toBe("–");
});
