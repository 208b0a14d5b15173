import { fingerprintOf, operationReference } from "../../durable-objects/core";
import type { OperationReply } from "../../durable-objects/operation";
import { cellStub, operationStub } from "../../durable-objects/stubs";
import { ReturnInput, ReturnParams, ReturnResult } from "../../schema/operations";
import { canChangeStock, type Principal } from "../auth/principal";
import { ApiError, fromDomain } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { storeInScope } from "../scope";

const returnResponse = (description: string) => ({ description, content: { "application/json": { schema: ReturnResult } } });

const create = apiRoute({
  method: "post",
  path: "/v1/stores/{storeId}/returns",
  tags: ["stores"],
  summary: "Put returned units back on hand, all items or none",
  description:
    "Units go to the shared pool unless a channel is named (a shortfall from an oversell is covered first). Every SKU must be allocated at the store (404 otherwise, nothing applied). Idempotent by returnId: the same body again answers 200 with the same result; other content is a 409.",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store", "service")] as const,
  request: { params: ReturnParams, body: { required: true, content: { "application/json": { schema: ReturnInput } } } },
  responses: {
    200: returnResponse("Already applied by an earlier identical request"),
    201: returnResponse("Applied"),
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict", "unavailable"),
  },
});

/** Stores take returns for themselves; checkout backends (service) for any store. */
const mayReturn = (principal: Principal, store: { storeId: string; region: string }) => principal.role === "service" || canChangeStock(principal, store);

export const returns = newRouter().openapi(create, async (c) => {
  const { storeId } = c.req.valid("param");
  const input = c.req.valid("json");
  await storeInScope(c.env, c.get("principal"), storeId, mayReturn);

  // All or nothing: a SKU the store does not carry fails the whole return before anything moves.
  const missing: string[] = [];
  await Promise.all(
    input.items.map(async (item) => {
      if (!(await cellStub(c.env, { storeId, sku: item.sku }).read({ storeId, sku: item.sku }))) missing.push(item.sku);
    }),
  );
  const operation = operationStub(c.env, `return:${storeId}:${input.returnId}`);
  if (missing.length > 0) {
    // A used id with a SKU its return never had is other content: the same 409 as any other difference.
    const conflict = await operation.usedBefore();
    if (conflict) throw fromDomain(conflict);
    throw new ApiError("not_found", `${missing.length === 1 ? `SKU ${missing[0]} is` : `${missing.length} SKUs are`} not allocated at ${storeId}`, { skus: missing.sort() });
  }

  const opId = operationReference("return", input.returnId);
  const items = [...input.items].sort((a, b) => (a.sku < b.sku ? -1 : 1));
  const reply = (await operation.run({
    fingerprint: fingerprintOf({ items, channel: input.channel, reason: input.reason }),
    concurrency: 16,
    items: items.map((item) => ({
      storeId,
      sku: item.sku,
      command: { type: "return", opId, qty: item.qty, reason: input.reason, ...(input.channel ? { channel: input.channel } : {}) },
    })),
  })) as OperationReply;
  if (!reply.ok) throw fromDomain(reply.error);
  const failed = reply.outcomes.find((outcome) => !outcome.ok);
  if (failed?.error) throw fromDomain(failed.error);
  const body = {
    returnId: input.returnId,
    storeId,
    items: items.map((item, index) => ({ ...item, ...(reply.outcomes[index]?.version !== undefined ? { version: reply.outcomes[index]!.version! } : {}) })),
    ...(input.channel ? { channel: input.channel } : {}),
    reason: input.reason,
    completedAt: reply.completedAt,
  };
  return reply.created ? c.json(body, 201) : c.json(body, 200);
});
