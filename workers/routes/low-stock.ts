import type { CellReply } from "../../durable-objects/stock-cell";
import { cellStub } from "../../durable-objects/stubs";
import { keptThresholds } from "../../durable-objects/core";
import { CellParams, CellView, LowStock } from "../../schema/cells";
import { canAllocate } from "../auth/principal";
import { fromDomain } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { storeInScope } from "../scope";

const setLowStock = apiRoute({
  method: "put",
  path: "/v1/stores/{storeId}/skus/{sku}/low-stock",
  tags: ["cells"],
  summary: "Set a cell's low-stock thresholds (overall and/or per channel); {} clears them",
  description: "A level at or below its threshold is low and fires low_stock once; it clears (back_in_stock) only above threshold + max(1, ⌈threshold/10⌉). Changing thresholds is a change of the cell (versioned, in the ledger) and may itself cross one.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: CellParams, body: { required: true, content: { "application/json": { schema: LowStock } } } },
  responses: {
    200: { description: "The cell", content: { "application/json": { schema: CellView } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

export const lowStock = newRouter().openapi(setLowStock, async (c) => {
  const key = c.req.valid("param");
  await storeInScope(c.env, c.get("principal"), key.storeId, canAllocate);
  const input = c.req.valid("json");
  const reply = (await cellStub(c.env, key).execute(key, { type: "lowStock", lowStock: keptThresholds(input) })) as CellReply;
  if (!reply.ok) throw fromDomain(reply.error);
  return c.json(reply.cell, 200);
});
