import { z } from "@hono/zod-openapi";

import { ERROR_STATUS, type ErrorCode } from "./error-codes";

export { ERROR_STATUS, type ErrorCode };

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).openapi({ description: "More about the error (issues, shortages, status…); an empty object when there is nothing to add" }),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorBody>;
