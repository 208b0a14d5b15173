import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cellStub } from "../../durable-objects/stubs";
import type { CellReply } from "../../durable-objects/stock-cell";
import { AdjustInput, Allocation, CellParams, CellView, SoldOutInput } from "../../schema/cells";
import { canAllocate, canChangeStock, canReadStore } from "../auth/principal";
import { ApiError, fromDomain } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { locationHintOf } from "../regions/resolve";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { storeInScope } from "../scope";

const path = "/v1/stores/{storeId}/skus/{sku}";
const cellResponse = {
  description: "The cell",
  headers: z.object({ etag: z.string().openapi({ description: 'The cell\'s version as an entity tag ("12"): send it back as If-Match to allocate only if nothing changed since' }) }),
  content: { "application/json": { schema: CellView } },
};
const conditional = z.object({
  "if-match": z
    .string()
    .regex(/^"\d{1,15}"$/, 'the cell\'s ETag as it was sent: its version in double quotes ("12")')
    .optional()
    .openapi({ description: 'Allocate only if the cell is still at this version (its ETag, "12"); otherwise 412 precondition_failed and nothing changes. An allocation sets on hand: without it, one decided on a stale reading undoes the sales and counts made since.' }),
});

/** The cell as the answer (a cell's refusal as its error), with its version as the ETag (see `conditional`). */
function cellAnswer(c: Context, answer: CellView | CellReply): CellView {
  if ("ok" in answer && !answer.ok) throw fromDomain(answer.error);
  const cell = "ok" in answer ? answer.cell : answer;
  c.header("ETag", `"${cell.version}"`);
  return cell;
}

const allocate = apiRoute({
  method: "put",
  path,
  tags: ["cells"],
  summary: "Allocate a cell: on hand, channel quotas and weights, shared-pool policy",
  description: "Quotas must fit in the units not reserved (Σ quota ≤ onHand − reserved); otherwise 409 quota_exceeds_stock and nothing changes. With If-Match, only while the cell is at that version (412 precondition_failed otherwise).",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: CellParams, headers: conditional, body: { required: true, content: { "application/json": { schema: Allocation } } } },
  responses: { 200: cellResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "quota_exceeds_stock", "precondition_failed") },
});

const read = apiRoute({
  method: "get",
  path,
  tags: ["cells"],
  summary: "Read a cell",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store", "service")] as const,
  request: { params: CellParams },
  responses: { 200: cellResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});


const adjust = apiRoute({
  method: "post",
  path: `${path}/adjustments`,
  tags: ["cells"],
  summary: "Add or remove units by hand (receive, damage, return, correction)",
  description: "A relative change: always applied. Removing more than is free leaves the cell oversold, which is recorded.",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store")] as const,
  request: { params: CellParams, body: { required: true, content: { "application/json": { schema: AdjustInput } } } },
  responses: { 200: cellResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const soldOut = apiRoute({
  method: "put",
  path: `${path}/sold-out`,
  tags: ["cells"],
  summary: "Set or clear the hand-set sold-out flag",
  description: "A decision at server time: the latest decision wins, a till's included (its `soldOut` event's `at`). A till event dated later than now (its clock ahead, within the 5 minutes allowed) that decided otherwise stands: 409 conflict with its time.",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store")] as const,
  request: {
    params: CellParams,
    body: { required: true, content: { "application/json": { schema: SoldOutInput } } },
  },
  responses: { 200: cellResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict") },
});

export const cells = newRouter()
  .openapi(allocate, async (c) => {
    const key = c.req.valid("param");
    const store = await storeInScope(c.env, c.get("principal"), key.storeId, canAllocate);
    const allocation = c.req.valid("json");
    const ifMatch = c.req.valid("header")["if-match"];
    const channels: Record<string, { quota: number; weight: number }> = {};
    for (const [name, bucket] of Object.entries(allocation.channels)) if (bucket) channels[name] = bucket;
    const reply = await cellStub(c.env, key, locationHintOf(store.region)).execute(key, {
      type: "allocate",
      onHand: allocation.onHand,
      channels,
      sharedPolicy: allocation.sharedPolicy,
      ...(allocation.lowStock ? { lowStock: allocation.lowStock } : {}),
      ...(ifMatch !== undefined ? { ifVersion: Number(ifMatch.slice(1, -1)) } : {}),
    });
    return c.json(cellAnswer(c, reply), 200);
  })
  .openapi(read, async (c) => {
    const key = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), key.storeId, canReadStore);
    const cell = await cellStub(c.env, key).read(key);
    if (!cell) throw new ApiError("not_found", `${key.sku} has not been allocated at ${key.storeId}`);
    return c.json(cellAnswer(c, cell), 200);
  })
  .openapi(adjust, async (c) => {
    const key = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), key.storeId, canChangeStock);
    const input = c.req.valid("json");
    const reply = await cellStub(c.env, key).execute(key, { type: "adjust", ...input });
    return c.json(cellAnswer(c, reply), 200);
  })
  .openapi(soldOut, async (c) => {
    const key = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), key.storeId, canChangeStock);
    const reply = await cellStub(c.env, key).execute(key, { type: "soldOut", value: c.req.valid("json").soldOut });
    return c.json(cellAnswer(c, reply), 200);
  });
