import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { operationReference } from "../../durable-objects/core";
import type { OperationReply } from "../../durable-objects/operation";
import type { CellView } from "../../durable-objects/stock-cell";
import { directoryStub, operationStub } from "../../durable-objects/stubs";
import { LIMITS } from "../../schema/limits";
import { OperationId } from "../../schema/operations";
import { StoreParams } from "../../schema/stores";
import { ImportQuery, ImportResult, LineOutcome, RegionExportQuery, RegionImportQuery, StoreExportQuery } from "../../schema/bulk";
import { canAllocate, canReadStore, type Principal } from "../auth/principal";
import { parseImport, type ImportFormat, type ImportScope } from "../bulk/import-lines";
import { exportStream } from "../bulk/export";
import { cellPageCursor, cellPagePosition, planCellPage } from "../cell-pages";
import { ApiError, fromDomain } from "../errors";
import { requireRole } from "../middleware/authenticate";
import { locationHintOf } from "../regions/resolve";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";
import { storeInScope } from "../scope";
import type { AppBindings } from "../types";

/** Cells written at once by one import (bounded so one import never floods the cells or the hub). */
const IMPORT_CONCURRENCY = 64;


const importBody = {
  required: true,
  content: {
    "text/csv": { schema: z.string().openapi({ example: "sku,onHand\nmilk-1l,120,pos:40:1,online:30:1,policy=weighted,low=10\nbread,35,low.online=5\n" }) },
    "application/x-ndjson": { schema: z.string().openapi({ example: '{"sku":"milk-1l","onHand":120,"channels":{"pos":{"quota":40,"weight":1}},"lowStock":{"overall":10}}\n' }) },
  },
};
/** A region import's lines start with their store (the stores of the region in `?region=`). */
const regionImportBody = {
  required: true,
  content: {
    "text/csv": { schema: z.string().openapi({ example: "storeId,sku,onHand\nberlin-01,milk-1l,120,pos:40:1,online:30:1,policy=weighted,low=10\nmunich-01,bread,35,low.online=5\n" }) },
    "application/x-ndjson": { schema: z.string().openapi({ example: '{"storeId":"berlin-01","sku":"milk-1l","onHand":120,"channels":{"pos":{"quota":40,"weight":1}}}\n{"storeId":"munich-01","sku":"bread","onHand":35}\n' }) },
  },
};
/** Documented only: `importIdOf` reads them (after ?importId=) and says what is wrong with one. */
const importHeaders = z.object({
  "idempotency-key": z.string().optional().openapi({ description: "The import id, when ?importId= is not given" }),
  "x-import-id": z.string().optional().openapi({ description: "The import id, when neither ?importId= nor Idempotency-Key is given" }),
});
const importResponses = {
  200: { description: "Already imported by an earlier identical request", content: { "application/json": { schema: ImportResult } } },
  201: { description: "Imported: counts and every line's outcome", content: { "application/json": { schema: ImportResult } } },
  ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large", "unsupported_media_type", "unavailable"),
};

const storeImport = apiRoute({
  method: "post",
  path: "/v1/stores/{storeId}/skus:import",
  tags: ["bulk"],
  summary: "Import a store's allocations from CSV or NDJSON, validated whole first",
  description: `Up to ${LIMITS.maxImportLines} lines, ${LIMITS.maxImportBytes} bytes. CSV lines: sku,onHand[,<channel>:<quota>:<weight>…][,policy=weighted][,low=<n>][,low.<channel>=<n>], or the stock export's own CSV (its header's columns read by name). Every bad line is reported with its line number; with any bad line nothing is applied (400) unless mode=good-lines. Each line allocates its cell once per import id.`,
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: StoreParams, query: ImportQuery, headers: importHeaders, body: importBody },
  responses: importResponses,
});

const regionImport = apiRoute({
  method: "post",
  path: "/v1/skus:import",
  tags: ["bulk"],
  summary: "Import allocations for many stores of one region (admins); each line starts with its storeId",
  security: bearer,
  middleware: [requireRole("admin")] as const,
  request: { query: RegionImportQuery, headers: importHeaders, body: regionImportBody },
  responses: importResponses,
});

const csvResponse = {
  description: "CSV, one line per cell; a paged export's next cursor in x-next-cursor while more remain",
  headers: z.object({ "x-next-cursor": z.string().optional() }),
  content: { "text/csv": { schema: z.string() } },
};

const storeExport = apiRoute({
  method: "get",
  path: "/v1/stores/{storeId}/skus:export",
  tags: ["bulk"],
  summary: "Export a store's current stock as CSV, read from the cells",
  security: bearer,
  middleware: [requireRole("admin", "manager", "store", "service")] as const,
  request: { params: StoreParams, query: StoreExportQuery },
  responses: { 200: csvResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const regionExport = apiRoute({
  method: "get",
  path: "/v1/skus:export",
  tags: ["bulk"],
  summary: "Export every store's current stock in a region as CSV (admins, managers of the region)",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { query: RegionExportQuery },
  responses: { 200: csvResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden") },
});

function formatOf(contentType: string | undefined): ImportFormat {
  return /^text\/csv/i.test(contentType ?? "") ? "csv" : "ndjson";
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function importIdOf(c: Context<AppBindings>, fromQuery: string | undefined): string {
  // Where the id came from, as the issue's path: a bad header is named as the header.
  const [id, path] =
    fromQuery !== undefined ? [fromQuery, "query.importId"]
    : c.req.header("idempotency-key") !== undefined ? [c.req.header("idempotency-key"), "header.idempotency-key"]
    : [c.req.header("x-import-id"), "header.x-import-id"];
  if (!id) throw new ApiError("invalid_request", "name the import: ?importId=, or an Idempotency-Key or X-Import-Id header", { issues: [{ path: "query.importId", message: "required", code: "invalid_type" }] });
  const parsed = OperationId.safeParse(id);
  if (!parsed.success) throw new ApiError("invalid_request", `import id: ${parsed.error.issues[0]!.message}`, { issues: [{ path, message: parsed.error.issues[0]!.message, code: "invalid_format" }] });
  return parsed.data;
}

async function runImport(
  c: Context<AppBindings>,
  scope: ImportScope & { key: string; regionOf: (storeId: string) => string },
  query: { importId?: string | undefined; mode: "all" | "good-lines" },
) {
  const importId = importIdOf(c, query.importId);
  // Decoded here as UTF-8: `text()` on an NDJSON body makes the runtime warn that it may not be text.
  const text = new TextDecoder().decode(await c.req.arrayBuffer());
  const format = formatOf(c.req.header("content-type"));
  const parsed = parseImport(text, format, scope);
  if (parsed.lines > LIMITS.maxImportLines) throw new ApiError("invalid_request", `an import holds at most ${LIMITS.maxImportLines} lines; this one has ${parsed.lines}`);
  if (parsed.lines === 0) throw new ApiError("invalid_request", "the import has no lines");
  if (parsed.bad.length > 0 && query.mode === "all") {
    throw new ApiError("invalid_request", `${parsed.bad.length} of ${parsed.lines} lines are invalid; nothing was applied (mode=good-lines applies the others)`, {
      invalid: parsed.bad.length,
      lines: parsed.lines,
      badLines: parsed.bad,
    });
  }
  const opId = operationReference("import", importId);
  // One Operation per import id, chain-wide, as the cells remember the id: the same id from
  // another scope is "another body" (its fingerprint names the scope), a 409 before any line applies.
  const reply = (await operationStub(c.env, `import:${importId}`).run({
    fingerprint: await sha256(`${scope.key}\n${query.mode}\n${format}\n${text}`),
    concurrency: IMPORT_CONCURRENCY,
    items: parsed.good.map((line) => {
      const hint = locationHintOf(scope.regionOf(line.storeId));
      return { storeId: line.storeId, sku: line.sku, command: { type: "import" as const, opId, ...line.allocation }, ...(hint ? { locationHint: hint } : {}) };
    }),
  })) as OperationReply;
  if (!reply.ok) throw fromDomain(reply.error);

  const outcomes: Array<z.infer<typeof LineOutcome>> = parsed.good.map((line, index) => {
    const outcome = reply.outcomes[index]!;
    return outcome.ok
      ? { line: line.line, storeId: line.storeId, sku: line.sku, outcome: "applied" as const, ...(outcome.version !== undefined ? { version: outcome.version } : {}) }
      : { line: line.line, storeId: line.storeId, sku: line.sku, outcome: "failed" as const, errors: [`${outcome.error?.code ?? "internal"}: ${outcome.error?.message ?? "not applied"}`] };
  });
  for (const bad of parsed.bad) outcomes.push({ line: bad.line, outcome: "invalid", errors: bad.errors });
  outcomes.sort((a, b) => a.line - b.line);
  const body = {
    importId,
    mode: query.mode,
    lines: parsed.lines,
    applied: outcomes.filter((o) => o.outcome === "applied").length,
    failed: outcomes.filter((o) => o.outcome === "failed").length,
    invalid: parsed.bad.length,
    completedAt: reply.completedAt,
    outcomes,
  };
  return reply.created ? c.json(body, 201) : c.json(body, 200);
}

function managerRegions(principal: Principal, region: string): void {
  if (principal.role === "manager" && !principal.regions.includes(region)) throw new ApiError("forbidden", `this token is not scoped to region ${region}`);
}

export const bulk = newRouter()
  .openapi(storeImport, async (c) => {
    const { storeId } = c.req.valid("param");
    const store = await storeInScope(c.env, c.get("principal"), storeId, canAllocate);
    return runImport(c, { storeId, key: `store:${storeId}`, regionOf: () => store.region }, c.req.valid("query"));
  })
  .openapi(regionImport, async (c) => {
    const query = c.req.valid("query");
    const stores = await directoryStub(c.env).listStores(query.region);
    const regionOf = new Map(stores.map((store) => [store.storeId, store.region]));
    return runImport(c, { storesInRegion: new Set(regionOf.keys()), key: `region:${query.region}`, regionOf: (id) => regionOf.get(id) ?? query.region }, query);
  })
  .openapi(storeExport, async (c) => {
    const { storeId } = c.req.valid("param");
    await storeInScope(c.env, c.get("principal"), storeId, canReadStore);
    return exportAnswer(c, `stock-${storeId}`, [storeId], c.req.valid("query"));
  })
  .openapi(regionExport, async (c) => {
    const query = c.req.valid("query");
    managerRegions(c.get("principal")!, query.region);
    const stores = await directoryStub(c.env).listStores(query.region);
    return exportAnswer(c, `stock-${query.region}`, stores.map((store) => store.storeId), query);
  });

/** The whole scope streamed, or (with a limit or a cursor) one page of it and the next cursor. */
async function exportAnswer(c: Context<AppBindings>, name: string, storeIds: string[], paging: { limit?: number | undefined; cursor?: string | undefined }) {
  const headers: Record<string, string> = { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}.csv"` };
  if (paging.limit === undefined && paging.cursor === undefined) return c.body(exportStream(c.env, storeIds.map((storeId) => ({ storeId }))), 200, headers);
  const after = paging.cursor === undefined ? undefined : cellPagePosition(paging.cursor, storeIds);
  const page = await planCellPage(c.env, storeIds, after, paging.limit ?? LIMITS.defaultCellPage);
  if (page.next) headers["x-next-cursor"] = cellPageCursor(page.next);
  return c.body(exportStream(c.env, page.parts), 200, headers);
}

export type { CellView };
