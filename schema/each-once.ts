import type { z } from "@hono/zod-openapi";

/**
 * A list's refinement: a value named twice is refused at the repeat's index, naming where it
 * first was. A repeat would be answered, counted or repaired twice (an availability read's
 * SKUs, a reconciliation's stores), held twice (an order's items) or signed up for twice (a
 * webhook's events). `keyOf` says what makes two entries the same, `hint` what to do instead.
 */
export function eachOnce<T = string>(noun: string, field: string, keyOf: (value: T) => string = String, hint = `name each ${noun} once`) {
  return (values: readonly T[], ctx: z.core.$RefinementCtx<T[]>) => {
    const first = new Map<string, number>();
    values.forEach((value, index) => {
      const key = keyOf(value);
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else ctx.addIssue({ code: "custom", path: [index], message: `${noun} ${key} is already ${field}.${earlier}: ${hint}` });
    });
  };
}
