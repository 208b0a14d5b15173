import type { TransferReply, TransferView } from "../../durable-objects/transfer";
import { transferStub } from "../../durable-objects/stubs";
import { ReceiveInput, Transfer, TransferInput, TransferParams } from "../../schema/operations";
import { canAllocate, type Principal } from "../auth/principal";
import type { Env } from "../env";
import { ApiError, fromDomain } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, noBody, apiRoute } from "../router";
import { hiddenOutsideScope, storeInScope } from "../scope";

const transferResponse = (description: string) => ({ description, content: { "application/json": { schema: Transfer } } });

const create = apiRoute({
  method: "post",
  path: "/v1/transfers",
  tags: ["transfers"],
  summary: "Ship units from one store to another, all items or none",
  description:
    "Takes free units (never reserved ones) out of every source cell into in-transit (`inTransit` on the source cell, `incoming` on the destination cell; sellable at neither end). Any short item: 409 insufficient_stock listing every shortage, nothing moves. Every SKU must be allocated at the destination (404 otherwise). The same request again answers 200 with the same transfer; the same id with other content is a 409. Admins, and managers of both stores' regions.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { body: { required: true, content: { "application/json": { schema: TransferInput } } } },
  responses: {
    200: transferResponse("Already created by an earlier identical request"),
    201: transferResponse("Shipped: every item is in transit"),
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict", "insufficient_stock"),
  },
});

const get = apiRoute({
  method: "get",
  path: "/v1/transfers/{transferId}",
  tags: ["transfers"],
  summary: "Read a transfer",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: TransferParams },
  responses: { 200: transferResponse("The transfer"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const receive = apiRoute({
  method: "post",
  path: "/v1/transfers/{transferId}/receive",
  tags: ["transfers"],
  summary: "Record what arrived: received units go on hand at the destination, the rest is a loss",
  description:
    "One receipt closes the transfer. A SKU the receipt does not name counts as 0 received. Each line's shortfall is recorded as a loss with its reason (default not_received) in the source cell's ledger. The same receipt again answers 200; another receipt, or receiving a cancelled transfer, is a 409.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: TransferParams, body: { required: true, content: { "application/json": { schema: ReceiveInput } } } },
  responses: { 200: transferResponse("Received"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict") },
});

const cancel = apiRoute({
  method: "post",
  path: "/v1/transfers/{transferId}/cancel",
  tags: ["transfers"],
  summary: "Cancel an in-transit transfer: the units go back to the source's shared pool",
  description: "Repeating a cancel answers 200; cancelling a received transfer is a 409.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: TransferParams, body: noBody },
  responses: { 200: transferResponse("Cancelled"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict") },
});

function unwrap(reply: TransferReply): { created: boolean; transfer: TransferView } {
  if (!reply.ok) throw fromDomain(reply.error);
  return reply;
}

/** Moving stock between stores is a manager's call in both regions (or an admin's). */
async function checkBothStores(env: Env, principal: Principal | undefined, from: string, to: string): Promise<void> {
  await Promise.all([storeInScope(env, principal, from, canAllocate), storeInScope(env, principal, to, canAllocate)]);
}

/** A transfer between stores the caller may not manage reads as missing. */
async function scopedTransfer(env: Env, principal: Principal | undefined, transferId: string): Promise<TransferView> {
  const { transfer } = unwrap((await transferStub(env, transferId).get(transferId)) as TransferReply);
  await hiddenOutsideScope(checkBothStores(env, principal, transfer.from.storeId, transfer.to.storeId), () => new ApiError("not_found", `no transfer ${transferId}`));
  return transfer;
}

export const transfers = newRouter()
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    await checkBothStores(c.env, c.get("principal"), input.from.storeId, input.to.storeId);
    const reply = (await transferStub(c.env, input.transferId).create({
      transferId: input.transferId,
      fromStoreId: input.from.storeId,
      toStoreId: input.to.storeId,
      items: input.items,
    })) as TransferReply;
    const { created, transfer } = unwrap(reply);
    return created ? c.json(transfer, 201) : c.json(transfer, 200);
  })
  .openapi(get, async (c) => {
    const { transferId } = c.req.valid("param");
    return c.json(await scopedTransfer(c.env, c.get("principal"), transferId), 200);
  })
  .openapi(receive, async (c) => {
    const { transferId } = c.req.valid("param");
    await scopedTransfer(c.env, c.get("principal"), transferId);
    const { transfer } = unwrap((await transferStub(c.env, transferId).receive(transferId, c.req.valid("json").items)) as TransferReply);
    return c.json(transfer, 200);
  })
  .openapi(cancel, async (c) => {
    const { transferId } = c.req.valid("param");
    await scopedTransfer(c.env, c.get("principal"), transferId);
    const { transfer } = unwrap((await transferStub(c.env, transferId).cancel(transferId)) as TransferReply);
    return c.json(transfer, 200);
  });
