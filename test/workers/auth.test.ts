import { SELF, createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../workers/app";
import { TEST_TOKEN_SECRET } from "../constants";
import { ADMIN, api, allocate, eventually, mint, putStore, readCell, reserve, unique } from "./helpers";

/**
 * The authorization matrix: every role against every route, on store A's resources.
 * Store A is in region X (eu-central), store B in region Y (na-east).
 */

type Role = "admin" | "managerX" | "managerY" | "storeA" | "storeB" | "service" | "anonymous";
const ROLES: Role[] = ["admin", "managerX", "managerY", "storeA", "storeB", "service", "anonymous"];

const X = "eu-central";
const Y = "na-east";
const storeA = unique("auth-a");
const storeB = unique("auth-b");
const sku = unique("sku");
const tokens = {} as Record<Role, string | undefined>;
let oversellId = "";

/** A reservation of one unit at store A, made by the admin (so any role can be asked to act on it). */
async function pendingReservation(): Promise<string> {
  const reservationId = unique("auth-r");
  const response = await reserve({ reservationId, channel: "online", items: [{ storeId: storeA, sku, qty: 1 }] });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return reservationId;
}

let sharedReservation = "";

interface Row {
  name: string;
  method: string;
  /** The path, and the body, for one call (called once per role, so each may prepare fresh state). */
  call: () => Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  /** Statuses by role; a role not named gets 403. Anonymous gets 401 unless named. */
  allowed: Partial<Record<Role, number>>;
  /** After a refused call, show that nothing happened. */
  unchanged?: (path: string) => Promise<void>;
}

const everyone = (status: number): Partial<Record<Role, number>> => Object.fromEntries(ROLES.map((role) => [role, status]));

const ROUTES: Row[] = [
  { name: "health", method: "GET", call: () => ({ path: "/v1/health" }), allowed: everyone(200) },
  { name: "list stores", method: "GET", call: () => ({ path: `/v1/stores?region=${X}` }), allowed: everyone(200) },
  { name: "read store", method: "GET", call: () => ({ path: `/v1/stores/${storeA}` }), allowed: everyone(200) },
  {
    name: "availability",
    method: "GET",
    call: () => ({ path: `/v1/availability?storeId=${storeA}&skus=${sku}&channel=online` }),
    allowed: everyone(200),
  },
  { name: "mint token", method: "POST", call: () => ({ path: "/v1/admin/tokens", body: { role: "service" } }), allowed: { admin: 201 } },
  { name: "reconcile", method: "POST", call: () => ({ path: "/v1/admin/reconcile", body: { storeIds: [storeA] } }), allowed: { admin: 200 } },
  {
    name: "put store",
    method: "PUT",
    call: () => ({ path: `/v1/stores/${storeA}`, body: { name: "Store A", region: X, timezone: "Europe/Berlin" } }),
    allowed: { admin: 200 },
    unchanged: async () => expect((await api("GET", `/v1/stores/${storeA}`)).body.name).toBe("Store A"),
  },
  {
    name: "allocate",
    method: "PUT",
    call: () => ({ path: `/v1/stores/${storeA}/skus/${sku}`, body: { onHand: 1000, channels: { online: { quota: 10, weight: 1 } } } }),
    allowed: { admin: 200, managerX: 200 },
  },
  { name: "read cell", method: "GET", call: () => ({ path: `/v1/stores/${storeA}/skus/${sku}` }), allowed: { admin: 200, managerX: 200, storeA: 200, service: 200 } },
  {
    name: "adjust",
    method: "POST",
    call: () => ({ path: `/v1/stores/${storeA}/skus/${sku}/adjustments`, body: { delta: 1, reason: "receive" } }),
    allowed: { admin: 200, managerX: 200, storeA: 200 },
  },
  {
    name: "sold-out",
    method: "PUT",
    call: () => ({ path: `/v1/stores/${storeA}/skus/${sku}/sold-out`, body: { soldOut: false } }),
    allowed: { admin: 200, managerX: 200, storeA: 200 },
  },
  {
    name: "reserve",
    method: "POST",
    call: () => ({ path: "/v1/reservations", body: { reservationId: unique("auth-new"), channel: "online", items: [{ storeId: storeA, sku, qty: 1 }] } }),
    allowed: { admin: 201, storeA: 201, service: 201 },
  },
  {
    name: "read reservation",
    method: "GET",
    call: () => ({ path: `/v1/reservations/${sharedReservation}` }),
    // Outside a caller's stores, a reservation reads as missing.
    allowed: { admin: 200, managerX: 200, storeA: 200, service: 200, managerY: 404, storeB: 404 },
  },
  ...(["confirm", "release"] as const).map(
    (action): Row => ({
      name: action,
      method: "POST",
      call: async () => ({ path: `/v1/reservations/${await pendingReservation()}/${action}` }),
      allowed: { admin: 200, storeA: 200, service: 200, storeB: 404 },
      unchanged: async (path) => {
        const id = path.split("/")[3]!;
        expect((await api("GET", `/v1/reservations/${id}`, { token: ADMIN })).body.status).toBe("pending");
      },
    }),
  ),
  {
    name: "store events",
    method: "POST",
    call: () => ({
      path: `/v1/stores/${storeA}/events`,
      body: { events: [{ eventId: unique("ev"), at: new Date().toISOString(), type: "adjust", sku, delta: 1, reason: "receive" }] },
    }),
    allowed: { admin: 200, storeA: 200 },
  },
  { name: "stock", method: "GET", call: () => ({ path: `/v1/stores/${storeA}/stock` }), allowed: { admin: 200, managerX: 200, storeA: 200, service: 200 } },
  { name: "changes", method: "GET", call: () => ({ path: `/v1/stores/${storeA}/changes` }), allowed: { admin: 200, managerX: 200, storeA: 200, service: 200 } },
  { name: "oversells of region X", method: "GET", call: () => ({ path: `/v1/oversells?region=${X}` }), allowed: { admin: 200, managerX: 200 } },
  // A manager without `region` sees its own regions: allowed, and must not see region X's records.
  { name: "oversells (own regions)", method: "GET", call: () => ({ path: "/v1/oversells" }), allowed: { admin: 200, managerX: 200, managerY: 200 } },
  {
    name: "resolve oversell",
    method: "POST",
    call: () => ({ path: `/v1/oversells/${encodeURIComponent(oversellId)}/resolve`, body: { note: "counted again" } }),
    // Another region's record answers like a missing one: nothing leaks.
    allowed: { admin: 200, managerX: 200, managerY: 404 },
  },
  { name: "stock report", method: "GET", call: () => ({ path: `/v1/reports/stock?storeId=${storeA}` }), allowed: { admin: 200, managerX: 200 } },
  { name: "movements report of region X", method: "GET", call: () => ({ path: `/v1/reports/movements?region=${X}` }), allowed: { admin: 200, managerX: 200 } },
  { name: "dead letters", method: "GET", call: () => ({ path: "/v1/reports/dead-letters" }), allowed: { admin: 200 } },
  { name: "reconciliation runs", method: "GET", call: () => ({ path: "/v1/reports/reconciliation" }), allowed: { admin: 200 } },
];

function expected(row: Row, role: Role): number {
  return row.allowed[role] ?? (role === "anonymous" ? 401 : 403);
}

beforeAll(async () => {
  await putStore(storeA, X, { name: "Store A" });
  await putStore(storeB, Y, { name: "Store B" });
  await allocate(storeA, sku, { onHand: 1000, channels: { online: { quota: 10, weight: 1 } } });
  await allocate(storeB, sku, { onHand: 10 });
  // An oversell at store A, for the resolve route: hold 995, then damage 10 → 5 short.
  const bigId = unique("auth-big");
  const big = await reserve({ reservationId: bigId, channel: "online", items: [{ storeId: storeA, sku, qty: 995 }] });
  expect(big.status).toBe(201);
  const damage = await api("POST", `/v1/stores/${storeA}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: -10, reason: "damage" } });
  expect(damage.status).toBe(200);
  const listed = await eventually(
    () => api("GET", `/v1/oversells?storeId=${storeA}`, { token: ADMIN }),
    (r) => r.status === 200 && r.body.items.length > 0,
  );
  oversellId = listed.body.items[0].id;
  // Heal it again (release the big order) so that the rest of the routes see a healthy cell.
  expect((await api("POST", `/v1/reservations/${bigId}/release`, { token: ADMIN })).status).toBe(200);
  sharedReservation = await pendingReservation();

  tokens.admin = await mint("admin");
  tokens.managerX = await mint("manager", { regions: [X] });
  tokens.managerY = await mint("manager", { regions: [Y] });
  tokens.storeA = await mint("store", { stores: [storeA] });
  tokens.storeB = await mint("store", { stores: [storeB] });
  tokens.service = await mint("service");
  tokens.anonymous = undefined;
});

describe("authorization matrix", () => {
  for (const row of ROUTES) {
    it(`${row.method} ${row.name}`, async () => {
      const seen: Record<string, number> = {};
      const want: Record<string, number> = {};
      // Refused roles first, so a later allowed call cannot hide a refused one's effect.
      const order = [...ROLES].sort((a, b) => Number(expected(row, a) < 300) - Number(expected(row, b) < 300));
      for (const role of order) {
        const { path, body } = await row.call();
        const cellBefore = await readCell(storeA, sku);
        const response = await api(row.method, path, { ...(tokens[role] ? { token: tokens[role] } : {}), ...(body !== undefined ? { body } : {}) });
        seen[role] = response.status;
        want[role] = expected(row, role);
        if (response.status >= 400) {
          expect(response.body?.error?.code, `${role}: ${JSON.stringify(response.body)}`).toBe(
            response.status === 401 ? "unauthorized" : response.status === 403 ? "forbidden" : "not_found",
          );
          expect(response.body.error.details, `${role}: ${JSON.stringify(response.body)}`).toBeTypeOf("object");
          // A refused call changed nothing.
          const cellAfter = await readCell(storeA, sku);
          expect(cellAfter).toEqual(cellBefore);
          await row.unchanged?.(path);
        }
      }
      expect(seen).toEqual(want);
    });
  }

  it("a manager of another region sees none of region X's oversells, and cannot ask for them by store either", async () => {
    const own = await api("GET", "/v1/oversells", { token: tokens.managerY });
    expect(own.body.items.map((item: { id: string }) => item.id)).not.toContain(oversellId);
    const byStore = await api("GET", `/v1/oversells?storeId=${storeA}`, { token: tokens.managerY });
    expect(byStore.status, JSON.stringify(byStore.body)).toBe(403);
    expect(byStore.body.error.code).toBe("forbidden");
  });

  it("a manager gets the same 403 for another region's store as for a store that does not exist (which ids exist is not told)", async () => {
    const missing = unique("no-such-store");
    for (const [method, path, body] of [
      ["GET", "/stock", undefined],
      ["GET", "/changes", undefined],
      ["GET", `/skus/${sku}`, undefined],
      ["POST", `/skus/${sku}/adjustments`, { delta: 1, reason: "receive" }],
      ["GET", "/skus:export", undefined],
    ] as const) {
      const answers = [];
      for (const storeId of [storeA, missing]) {
        const response = await api(method, `/v1/stores/${storeId}${path}`, { token: tokens.managerY, ...(body ? { body } : {}) });
        answers.push([response.status, response.body.error?.code, String(response.body.error?.message).replace(storeId, "<store>")]);
      }
      expect(answers[0], `${method} ${path}`).toEqual([403, "forbidden", expect.any(String)]);
      expect(answers[1], `${method} ${path}`).toEqual(answers[0]);
    }
    for (const path of [`/v1/oversells?storeId=${missing}`, `/v1/reports/stock?storeId=${missing}`]) {
      expect((await api("GET", path, { token: tokens.managerY })).status, path).toBe(403);
    }
    // An admin, who may see every store, is told it does not exist.
    expect((await api("GET", `/v1/stores/${missing}/stock`, { token: ADMIN })).status).toBe(404);
  });

  it("store A cannot touch store B (and the other way round), whether or not the SKU exists", async () => {
    for (const [token, other] of [
      [tokens.storeA, storeB],
      [tokens.storeB, storeA],
    ] as const) {
      for (const [method, path, body] of [
        ["GET", `/v1/stores/${other}/skus/${sku}`, undefined],
        ["GET", `/v1/stores/${other}/skus/no-such-sku`, undefined],
        ["POST", `/v1/stores/${other}/skus/${sku}/adjustments`, { delta: 5, reason: "receive" }],
        ["PUT", `/v1/stores/${other}/skus/${sku}/sold-out`, { soldOut: true }],
        ["POST", "/v1/reservations", { reservationId: unique("cross"), channel: "pos", items: [{ storeId: other, sku, qty: 1 }] }],
        ["GET", `/v1/stores/${other}/stock`, undefined],
        ["GET", `/v1/stores/no-such-store/stock`, undefined],
      ] as const) {
        const response = await api(method, path, { token, ...(body ? { body } : {}) });
        expect(response.status, `${method} ${path}`).toBe(403);
      }
    }
    expect((await readCell(storeB, sku)).onHand).toBe(10);
  });

  it("a store token cannot act on another store's reservation, which reads as missing (an id tells nothing)", async () => {
    const theirs = await pendingReservation();
    const nobodys = unique("order");
    for (const [method, suffix] of [["POST", "/confirm"], ["POST", "/release"], ["GET", ""]] as const) {
      const hidden = await api(method, `/v1/reservations/${theirs}${suffix}`, { token: tokens.storeB });
      const missing = await api(method, `/v1/reservations/${nobodys}${suffix}`, { token: tokens.storeB });
      expect([hidden.status, hidden.body.error.code], `${method} ${suffix}`).toEqual([404, "not_found"]);
      expect(hidden.body.error.message.replace(theirs, "ID")).toBe(missing.body.error.message.replace(nobodys, "ID"));
    }
    expect((await api("GET", `/v1/reservations/${theirs}`, { token: ADMIN })).body.status).toBe("pending");
  });

  it("service tokens cannot administer: no tokens, no stores, no allocation", async () => {
    for (const role of ["admin", "manager", "service"]) {
      const body = role === "manager" ? { role, regions: [X] } : { role };
      expect((await api("POST", "/v1/admin/tokens", { token: tokens.service, body })).status).toBe(403);
    }
    // Managers cannot mint either: no escalation to admin.
    expect((await api("POST", "/v1/admin/tokens", { token: tokens.managerX, body: { role: "admin" } })).status).toBe(403);
  });

  it("public routes reveal nothing private", async () => {
    const availability = await api("GET", `/v1/availability?storeId=${storeA}&skus=${sku}&channel=online`);
    expect(availability.status).toBe(200);
    for (const item of availability.body.items) expect(Object.keys(item).sort()).toEqual(["available", "sku", "storeId"]);
    const text = JSON.stringify(availability.body);
    for (const secret of ["onHand", "reserved", "quota", "weight", "shared", "version"]) expect(text).not.toContain(secret);

    const health = await api("GET", "/v1/health");
    expect(Object.keys(health.body).sort()).toEqual(["status", "time"]);

    const store = await api("GET", `/v1/stores/${storeA}`);
    expect(Object.keys(store.body).sort()).toEqual(["covers", "name", "priority", "region", "storeId", "timezone", "updatedAt"]);

    const docs = await SELF.fetch("http://inventory.test/docs");
    const html = await docs.text();
    expect(html).not.toContain(ADMIN);
    const openapi = await api("GET", "/openapi.json");
    expect(JSON.stringify(openapi.body)).not.toContain(ADMIN);
    expect(JSON.stringify(openapi.body)).not.toContain(TEST_TOKEN_SECRET);
  });
});

/** base64url of a JSON value. */
function b64(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

describe("bad tokens are 401, on private and public routes alike", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: "edge-inventory", iat: now(), exp: now() + 600, role: "admin", ...extra });

  const cases: Array<[string, () => Promise<string>]> = [
    ["expired", () => sign(claims({ iat: now() - 7200, exp: now() - 3600 }), TEST_TOKEN_SECRET, "HS256")],
    ["signed with another secret", () => sign(claims(), "another-secret-0123456789abcdef", "HS256")],
    ["alg none", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`],
    ["alg none without the trailing dot", async () => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}`],
    ["another algorithm with the right secret", () => sign(claims(), TEST_TOKEN_SECRET, "HS512")],
    ["another issuer", () => sign(claims({ iss: "someone-else" }), TEST_TOKEN_SECRET, "HS256")],
    ["no expiry", () => sign({ iss: "edge-inventory", role: "admin" }, TEST_TOKEN_SECRET, "HS256")],
    ["an unknown role", () => sign(claims({ role: "root" }), TEST_TOKEN_SECRET, "HS256")],
    ["a manager without regions", () => sign(claims({ role: "manager" }), TEST_TOKEN_SECRET, "HS256")],
    [
      "a store token whose payload was changed to admin",
      async () => {
        const real = await sign(claims({ role: "store", stores: [storeA] }), TEST_TOKEN_SECRET, "HS256");
        const [header, , signature] = real.split(".");
        return `${header}.${b64(claims())}.${signature}`;
      },
    ],
    // The decoder forgives these; each would verify as the same token under another string.
    ["a valid token whose signature ends in a sibling character (the same bytes)", async () => {
      const real = await sign(claims(), TEST_TOKEN_SECRET, "HS256");
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      return real.slice(0, -1) + alphabet[alphabet.indexOf(real.at(-1)!) ^ 1];
    }],
    ["a valid token with base64 padding", async () => `${await sign(claims(), TEST_TOKEN_SECRET, "HS256")}=`],
    ["malformed", async () => "not-a-jwt"],
    ["three garbage parts", async () => "a.b.c"],
    ["the admin token with a suffix", async () => `${ADMIN}x`],
  ];

  for (const [name, make] of cases) {
    it(name, async () => {
      const token = await make();
      const before = await readCell(storeA, sku);
      for (const [method, path, body] of [
        ["GET", `/v1/stores/${storeA}/skus/${sku}`, undefined],
        ["POST", `/v1/stores/${storeA}/skus/${sku}/adjustments`, { delta: 3, reason: "receive" }],
        ["POST", "/v1/admin/tokens", { role: "admin" }],
        ["GET", `/v1/availability?storeId=${storeA}&skus=${sku}&channel=online`, undefined],
      ] as const) {
        const response = await api(method, path, { token, ...(body ? { body } : {}) });
        expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBe(401);
        expect(response.body.error.code).toBe("unauthorized");
      }
      expect(await readCell(storeA, sku)).toEqual(before);
    });
  }

  it("an Authorization header that is not a bearer token", async () => {
    for (const header of ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer a b", "token"]) {
      const response = await api("GET", `/v1/stores/${storeA}/skus/${sku}`, { headers: { authorization: header } });
      expect(response.status, header).toBe(401);
      expect(response.body.error.code).toBe("unauthorized");
    }
  });
});

describe("a deployment without its signing secret", () => {
  it("answers a mint with a 503 naming TOKEN_SECRET (not a 500), and still takes the admin credential", async () => {
    const unsigned = { ...env, TOKEN_SECRET: "" };
    const call = async (method: string, path: string, body?: unknown) => {
      const ctx = createExecutionContext();
      const request = new Request(`http://inventory.test${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const response = await createApp().fetch(request, unsigned, ctx);
      const answer = { status: response.status, body: (await response.json()) as { error?: { code: string; message: string } } };
      await waitOnExecutionContext(ctx);
      return answer;
    };
    const minted = await call("POST", "/v1/admin/tokens", { role: "service" });
    expect(minted.status).toBe(503);
    expect(minted.body.error).toMatchObject({ code: "unavailable", message: expect.stringContaining("TOKEN_SECRET") });
    expect((await call("GET", "/v1/stores")).status).toBe(200);
  });
});

describe("the store WebSocket is authorized the same way", () => {
  async function open(query: string, headers: Record<string, string>) {
    const response = await SELF.fetch(`http://inventory.test/v1/stores/${storeA}/live${query}`, { headers: { upgrade: "websocket", ...headers } });
    if (response.webSocket) {
      response.webSocket.accept();
      response.webSocket.close(1000, "done");
    } else {
      await response.text();
    }
    return response.status;
  }

  it("by role and scope, with the token as a header or as access_token", async () => {
    const seen: Record<string, [number, number]> = {};
    for (const role of ROLES) {
      const token = tokens[role];
      seen[role] = [await open("", token ? { authorization: `Bearer ${token}` } : {}), await open(token ? `?access_token=${token}` : "", {})];
    }
    expect(seen).toEqual({
      admin: [101, 101],
      managerX: [101, 101],
      managerY: [403, 403],
      storeA: [101, 101],
      storeB: [403, 403],
      service: [101, 101],
      anonymous: [401, 401],
    });
  });

  it("bad tokens are 401 on the socket too", async () => {
    const expired = await sign({ iss: "edge-inventory", iat: 1, exp: 2, role: "admin" }, TEST_TOKEN_SECRET, "HS256");
    const forged = await sign({ iss: "edge-inventory", exp: Math.floor(Date.now() / 1000) + 600, role: "admin" }, "another-secret-0123456789abcdef", "HS256");
    const none = `${b64({ alg: "none" })}.${b64({ iss: "edge-inventory", exp: Math.floor(Date.now() / 1000) + 600, role: "admin" })}.`;
    for (const token of [expired, forged, none, "garbage"]) {
      expect(await open(`?access_token=${encodeURIComponent(token)}`, {}), token).toBe(401);
      expect(await open("", { authorization: `Bearer ${token}` }), token).toBe(401);
    }
  });
});
