import { z } from "@hono/zod-openapi";
import { Region, StoreId } from "./ids";
import { LIMITS } from "./limits";
import { plainText } from "./text";

export const ROLES = ["admin", "manager", "store", "service"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const TokenRequest = z
  .object({
    role: Role,
    regions: z.array(Region).min(1).max(100).optional().openapi({ description: "The regions a manager token may act in: required for role manager, refused for any other role" }),
    stores: z.array(StoreId).min(1).max(1000).optional().openapi({ description: "The stores a store token may act for: required for role store, refused for any other role" }),
    ttlSeconds: z.number().int().min(60).max(LIMITS.maxTokenTtlSeconds).optional(),
    name: plainText(LIMITS.maxTokenName)
      .optional()
      .openapi({ description: "Who holds the token (a person or a system), for the records it acts on: an oversell resolved with it is `resolvedBy` \"<name> (<role>)\" (without a name, the role alone)" }),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.role === "manager" && !request.regions) ctx.addIssue({ code: "custom", path: ["regions"], message: "a manager token needs regions" });
    if (request.role === "store" && !request.stores) ctx.addIssue({ code: "custom", path: ["stores"], message: "a store token needs stores" });
    if (request.role !== "manager" && request.regions) ctx.addIssue({ code: "custom", path: ["regions"], message: "only manager tokens carry regions" });
    if (request.role !== "store" && request.stores) ctx.addIssue({ code: "custom", path: ["stores"], message: "only store tokens carry stores" });
  })
  .openapi("TokenRequest", {
    description: "A manager token needs regions, a store token needs stores; an admin or service token carries neither (each rule broken is a 400 naming the field).",
    oneOf: [
      { properties: { role: { const: "manager" } }, required: ["regions"], not: { required: ["stores"] } },
      { properties: { role: { const: "store" } }, required: ["stores"], not: { required: ["regions"] } },
      { properties: { role: { enum: ROLES.filter((role) => role !== "manager" && role !== "store") } }, not: { anyOf: [{ required: ["regions"] }, { required: ["stores"] }] } },
    ],
    example: { role: "manager", regions: ["eu-central"], ttlSeconds: 86_400, name: "Anna Weber" },
  });
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = z.object({ token: z.string(), expiresAt: z.string() }).openapi("Token");
