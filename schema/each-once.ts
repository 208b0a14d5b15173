import type { z } from "@hono/zod-openapi";

/**
 * A list's refinement: a value named twice is refused at the repeat's index, naming where it
 * first was. A repeat would be answered, counted or repaired twice (an availability read's
 * SKUs, a reconciliation's stores), as an order refuses an item twice.
 */
export function eachOnce(noun: string, field: string) {
  return (values: readonly string[], ctx: z.core.$RefinementCtx<string[]>) => {
    const first = new Map<string, number>();
    values.forEach((value, index) => {
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, index);
      else ctx.addIssue({ code: "custom", path: [index], message: `${noun} ${value} is already ${field}.${earlier}: name each ${noun} once` });
    });
  };
}
