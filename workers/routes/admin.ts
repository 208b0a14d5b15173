import { LIMITS } from "../../schema/limits";
import { TokenRequest, TokenResponse } from "../../schema/tokens";
import { ReconcileInput } from "../../schema/reports";
import { ReconcileResult, SweepInput, SweepResult } from "../../schema/service";
import { cellPageCursor, cellPagePosition, planStorePage } from "../cell-pages";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { reportingUnavailable } from "../reporting/db";
import { reconcile } from "../reporting/reconcile";
import { SWEEP_AGE_MS, sweepUnownedHolds } from "../holds";
import { mintToken } from "../auth/tokens";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { requireStores } from "../stores";

const mint = apiRoute({
  method: "post",
  path: "/v1/admin/tokens",
  tags: ["admin"],
  summary: "Mint a signed token for a role and its scope",
  security: bearer,
  middleware: [requireRole("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: TokenRequest } } } },
  responses: {
    201: { description: "The token", content: { "application/json": { schema: TokenResponse } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "unavailable"),
  },
});

const reconcileNow = apiRoute({
  method: "post",
  path: "/v1/admin/reconcile",
  tags: ["admin"],
  summary: "Run reconciliation now (the cron runs it every 15 minutes)",
  description: "Compares every cell of the named stores (all stores when none) with the reporting database's snapshot and ledger, records the run and every difference, and answers with them. With `repair: true`, every cell whose changes the reports lack sends its retained outbox (24 h) to the queue again; the consumer ignores what it already has. With `limit` (or a `cursor`) and one store in `storeIds`, one page of that store's SKUs, a run of its own; `next` names the following page.",
  security: bearer,
  middleware: [requireRole("admin")] as const,
  request: { body: { required: false, content: { "application/json": { schema: ReconcileInput } } } },
  responses: {
    200: { description: "The run", content: { "application/json": { schema: ReconcileResult } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "unavailable"),
  },
});

const sweepNow = apiRoute({
  method: "post",
  path: "/v1/admin/holds/sweep",
  tags: ["admin"],
  summary: "Release holds no reservation owns now (the cron does it every 15 minutes)",
  description: "A reservation is written down once every cell held; a restart in between leaves holds whose creation was never answered. The client's retry takes them as its own; otherwise this sweep (and the cron's) releases them. Every hold at least `olderThanSeconds` old (default 60) is checked by its reservation's object; one still being created is never swept.",
  security: bearer,
  middleware: [requireRole("admin")] as const,
  request: { body: { required: false, content: { "application/json": { schema: SweepInput } } } },
  responses: {
    200: { description: "What was checked and released", content: { "application/json": { schema: SweepResult } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden"),
  },
});

export const admin = newRouter()
  .openapi(mint, async (c) => {
    const request = c.req.valid("json");
    // A deployment without its signing secret: say so, not a 500 "a bug".
    if (!c.env.TOKEN_SECRET) {
      console.warn(JSON.stringify({ msg: "no token signing secret is configured (TOKEN_SECRET)", requestId: c.get("requestId") }));
      throw new ApiError("unavailable", "tokens cannot be minted: the service has no signing secret (TOKEN_SECRET) configured");
    }
    const minted = await mintToken(c.env.TOKEN_SECRET, { ...request, ttlSeconds: request.ttlSeconds ?? LIMITS.defaultTokenTtlSeconds });
    return c.json(minted, 201);
  })
  .openapi(reconcileNow, async (c) => {
    const body = c.req.valid("json") ?? {};
    const pagedAsked = body.limit !== undefined || body.cursor !== undefined;
    if (pagedAsked) oneStore(body.storeIds);
    // A run over a store that does not exist would be recorded as clean.
    if (body.storeIds) await requireStores(c.env, body.storeIds);
    const paged = pagedAsked ? await reconcilePage(c.env, body) : undefined;
    const options = { ...(body.storeIds ? { storeIds: body.storeIds } : {}), ...(paged ? { page: paged.page } : {}), repair: body.repair === true, trigger: "admin" };
    const result = await reconcile(c.env, options).catch((error: unknown) => {
      throw error instanceof ApiError ? error : reportingUnavailable(error, c);
    });
    return c.json({ ...result, differences: result.differences.map((difference) => ({ ...difference })), ...(paged ? { next: paged.next } : {}) }, 200);
  })
  .openapi(sweepNow, async (c) => {
    const body = c.req.valid("json") ?? {};
    return c.json(await sweepUnownedHolds(c.env, body.olderThanSeconds !== undefined ? body.olderThanSeconds * 1000 : SWEEP_AGE_MS), 200);
  });

/** A paged reconciliation (limit, cursor) names exactly one store: that store. */
function oneStore(storeIds: string[] | undefined): string {
  if (storeIds?.length !== 1) {
    throw new ApiError("invalid_request", "a paged reconciliation (limit, cursor) names one store: storeIds: [storeId]", { issues: [{ path: "body.storeIds", message: "one store", code: "invalid_value" }] });
  }
  return storeIds[0]!;
}

/** A paged reconciliation's page of its one store's SKUs (a large store, a page per request). */
async function reconcilePage(env: Env, body: { storeIds?: string[] | undefined; limit?: number | undefined; cursor?: string | undefined }) {
  const storeId = oneStore(body.storeIds);
  const after = body.cursor === undefined ? undefined : cellPagePosition(body.cursor, [storeId], "body.cursor").sku;
  const { skus, next } = await planStorePage(env, storeId, after, body.limit ?? LIMITS.defaultCellPage);
  return { page: { skus, last: next === undefined }, next: next === undefined ? null : cellPageCursor({ storeId, sku: next }) };
}
