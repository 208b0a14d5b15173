import { z } from "@hono/zod-openapi";
import { Region, StoreId, TimeZone, Timestamp } from "./ids";
import { plainText } from "./text";

export const StoreInput = z
  .object({
    name: plainText(200),
    region: Region,
    timezone: TimeZone,
    priority: z.number().int().min(0).max(1_000_000).optional().openapi({ description: "Lower is tried first; default 100" }),
    covers: z
      .array(Region)
      .max(12)
      .optional()
      .openapi({ description: "Other regions whose shoppers this store also serves (its own region is always covered)" }),
  })
  .strict()
  .openapi("StoreInput");
export type StoreInput = z.infer<typeof StoreInput>;

export const Store = z
  .object({
    storeId: StoreId,
    name: z.string(),
    region: z.string(),
    covers: z.array(z.string()),
    timezone: z.string(),
    priority: z.number().int(),
    updatedAt: Timestamp,
  })
  .openapi("Store");
export type Store = z.infer<typeof Store>;

export const StoreList = z.object({ items: z.array(Store) }).openapi("StoreList");
export const StoreParams = z.object({ storeId: StoreId });
export const StoreQuery = z.object({ region: Region.optional() }).strict();
