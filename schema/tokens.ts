import { z } from "@hono/zod-openapi";
import { Region, StoreId } from "./ids";
import { LIMITS } from "./limits";

export const ROLES = ["admin", "manager", "store", "service"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const TokenRequest = z
  .object({
    role: Role,
    regions: z.array(Region).min(1).max(100).optional(),
    stores: z.array(StoreId).min(1).max(1000).optional(),
    ttlSeconds: z.number().int().min(60).max(LIMITS.maxTokenTtlSeconds).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.role === "manager" && !request.regions) ctx.addIssue({ code: "custom", path: ["regions"], message: "a manager token needs regions" });
    if (request.role === "store" && !request.stores) ctx.addIssue({ code: "custom", path: ["stores"], message: "a store token needs stores" });
    if (request.role !== "manager" && request.regions) ctx.addIssue({ code: "custom", path: ["regions"], message: "only manager tokens carry regions" });
    if (request.role !== "store" && request.stores) ctx.addIssue({ code: "custom", path: ["stores"], message: "only store tokens carry stores" });
  })
  .openapi("TokenRequest", { example: { role: "manager", regions: ["eu-central"], ttlSeconds: 86_400 } });
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({ token: z.string(), expiresAt: z.string() }).openapi("Token");
