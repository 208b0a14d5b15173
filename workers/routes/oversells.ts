import { directoryStub } from "../../durable-objects/stubs";
import { OversellList, OversellParams, OversellQuery, Oversell, ResolveInput } from "../../schema/store-sync";
import { ApiError } from "../errors";
import { actorOf } from "../auth/principal";
import { requireRole } from "../middleware/authenticate";
import { reportScope } from "../reporting/scope";
import { bearer, errorResponses, newRouter, apiRoute } from "../router";

const list = apiRoute({
  method: "get",
  path: "/v1/oversells",
  tags: ["managers"],
  summary: "Oversell records, open or resolved, by region or store",
  description: "Newest first (by when the oversell opened). A manager sees the regions of the token (and may narrow to one); `next` continues the list.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { query: OversellQuery },
  responses: {
    200: { description: "Oversells", content: { "application/json": { schema: OversellList } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

const resolve = apiRoute({
  method: "post",
  path: "/v1/oversells/{id}/resolve",
  tags: ["managers"],
  summary: "Resolve an oversell with a note",
  description: "Idempotent: resolving a resolved record keeps its first resolution.",
  security: bearer,
  middleware: [requireRole("admin", "manager")] as const,
  request: { params: OversellParams, body: { required: true, content: { "application/json": { schema: ResolveInput } } } },
  responses: {
    200: { description: "The record", content: { "application/json": { schema: Oversell } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

export const oversells = newRouter()
  .openapi(list, async (c) => {
    const query = c.req.valid("query");
    // Scoped as the reports are: a manager naming another region's store (or none that exists) gets a 403.
    const { regions, storeId } = await reportScope(c.env, c.get("principal")!, query);
    const items = await directoryStub(c.env).listOversells({
      ...(regions ? { regions } : {}),
      ...(storeId ? { storeId } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.after ? { after: query.after } : {}),
      limit: query.limit,
    });
    if (items === null) {
      throw new ApiError("invalid_request", "after is not the id of a record of this listing: send the `next` of the page before", {
        issues: [{ path: "query.after", message: "not a record of this listing", code: "invalid_value" }],
      });
    }
    return c.json({ items, next: items.length === query.limit ? items.at(-1)!.id : null }, 200);
  })
  .openapi(resolve, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.get("principal")!;
    const directory = directoryStub(c.env);
    const current = await directory.getOversell(id);
    const inScope = current && (principal.role === "admin" || (principal.role === "manager" && current.region !== null && principal.regions.includes(current.region)));
    // Out of scope answers like missing: a manager learns nothing of other regions.
    if (!current || !inScope) throw new ApiError("not_found", `no oversell ${id}`);
    const resolved = await directory.resolveOversell(id, c.req.valid("json").note, actorOf(principal));
    return c.json(resolved!, 200);
  });
