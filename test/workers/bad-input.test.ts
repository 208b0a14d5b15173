import { beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../../schema/limits";
import { ADMIN, api, freshCell, readCell, reserve, unique } from "./helpers";

/**
 * Bad input on every /v1 route: each case is a 4xx with the error body and a clear code,
 * and the cell (and its store) read back unchanged afterwards.
 */

let S = "";
let K = "";
let R = "";

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** A JSON value to send, or raw text with a content type. */
  body?: () => unknown;
  raw?: () => string;
  type?: string;
  /** A Content-Encoding to claim for the raw body. */
  encoding?: string;
  status: number;
  codes: string[];
  /** For invalid_request: a field that details.issues must name. */
  field?: string;
}

const INVALID = ["invalid_request"];
const at = () => new Date().toISOString();
const cell = () => `/v1/stores/${S}/skus/${K}`;
const item = (extra: Record<string, unknown> = {}) => ({ storeId: S, sku: K, qty: 1, ...extra });
const reservation = (extra: Record<string, unknown> = {}) => ({ reservationId: unique("bad"), channel: "online", items: [item()], ...extra });
const event = (extra: Record<string, unknown> = {}) => ({ eventId: unique("ev"), at: at(), type: "sale", sku: K, qty: 1, ...extra });

/** Routes with a body, and a valid body for each (the cases break one thing at a time). */
const BODY_ROUTES: Array<{ name: string; method: string; path: () => string; valid: () => Record<string, unknown> }> = [
  { name: "mint token", method: "POST", path: () => "/v1/admin/tokens", valid: () => ({ role: "service" }) },
  { name: "reconcile", method: "POST", path: () => "/v1/admin/reconcile", valid: () => ({ storeIds: [S] }) },
  { name: "put store", method: "PUT", path: () => `/v1/stores/${S}`, valid: () => ({ name: "Renamed", region: "eu-central", timezone: "Europe/Berlin" }) },
  { name: "allocate", method: "PUT", path: cell, valid: () => ({ onHand: 500, channels: { pos: { quota: 1, weight: 1 } } }) },
  { name: "adjust", method: "POST", path: () => `${cell()}/adjustments`, valid: () => ({ delta: 7, reason: "receive" }) },
  { name: "sold-out", method: "PUT", path: () => `${cell()}/sold-out`, valid: () => ({ soldOut: false }) },
  { name: "reserve", method: "POST", path: () => "/v1/reservations", valid: () => reservation() },
  { name: "store events", method: "POST", path: () => `/v1/stores/${S}/events`, valid: () => ({ events: [event()] }) },
  { name: "resolve oversell", method: "POST", path: () => "/v1/oversells/no-such/resolve", valid: () => ({ note: "counted" }) },
];

/** POST routes without a body still refuse a body of the wrong type or size. */
const BODYLESS_POSTS = [
  { name: "confirm", path: () => `/v1/reservations/${R}/confirm` },
  { name: "release", path: () => `/v1/reservations/${R}/release` },
  { name: "cancel transfer", path: () => "/v1/transfers/no-such-transfer/cancel" },
];

const oversized = () => JSON.stringify({ note: "x".repeat(LIMITS.maxBodyBytes + 10) });

const generic: Case[] = BODY_ROUTES.flatMap((route): Case[] => [
  ...['{"role":', "{role: 'service'}", "[1,", "nul", '{"a":1}}', "\u0000"].map((raw) => ({
    name: `${route.name}: malformed JSON ${JSON.stringify(raw)}`,
    method: route.method,
    path: route.path,
    raw: () => raw,
    type: "application/json",
    status: 400,
    codes: ["malformed_json"],
  })),
  ...["[]", "42", '"text"', "null", "true", ""].map((raw) => ({
    name: `${route.name}: not an object ${JSON.stringify(raw)}`,
    method: route.method,
    path: route.path,
    raw: () => raw,
    type: "application/json",
    status: 400,
    codes: ["invalid_request", "malformed_json"],
  })),
  ...["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "text/json"].map((type) => ({
    name: `${route.name}: content type ${type}`,
    method: route.method,
    path: route.path,
    raw: () => JSON.stringify(route.valid()),
    type,
    status: 415,
    codes: ["unsupported_media_type"],
  })),
  { name: `${route.name}: body over the limit`, method: route.method, path: route.path, raw: oversized, type: "application/json", status: 413, codes: ["payload_too_large"] },
  // Compressed bodies are not read: a valid body labelled gzip would otherwise be taken as it is.
  ...["gzip", "br"].map((encoding) => ({
    name: `${route.name}: content encoding ${encoding}`,
    method: route.method,
    path: route.path,
    raw: () => JSON.stringify(route.valid()),
    type: "application/json",
    encoding,
    status: 415,
    codes: ["unsupported_media_type"],
  })),
  { name: `${route.name}: missing fields`, method: route.method, path: route.path, body: () => ({}), status: 400, codes: INVALID },
  {
    name: `${route.name}: an extra field`,
    method: route.method,
    path: route.path,
    body: () => ({ ...route.valid(), sneaky: true }),
    status: 400,
    codes: INVALID,
    field: "sneaky",
  },
]).filter((c) => !c.name.startsWith("reconcile: missing fields") && c.name !== 'reconcile: not an object ""'); // {} (and an empty body, which is none) is a valid reconcile: every store

const bodyless: Case[] = BODYLESS_POSTS.flatMap((route): Case[] => [
  { name: `${route.name}: content type text/plain`, method: "POST", path: route.path, raw: () => "x", type: "text/plain", status: 415, codes: ["unsupported_media_type"] },
  { name: `${route.name}: body over the limit`, method: "POST", path: route.path, raw: oversized, type: "application/json", status: 413, codes: ["payload_too_large"] },
  // A body it would ignore is refused, not dropped: the caller learns nothing of it is kept.
  { name: `${route.name}: malformed JSON`, method: "POST", path: route.path, raw: () => '{"x":', type: "application/json", status: 400, codes: ["malformed_json"] },
  { name: `${route.name}: a field`, method: "POST", path: route.path, body: () => ({ reason: "customer called" }), status: 400, codes: INVALID, field: "reason" },
  { name: `${route.name}: not an object`, method: "POST", path: route.path, raw: () => "[1,2]", type: "application/json", status: 400, codes: INVALID },
]);

/** Invalid values of specific fields. */
const invalid = (name: string, method: string, path: () => string, body: () => unknown, field: string): Case => ({
  name,
  method,
  path,
  body,
  status: 400,
  codes: INVALID,
  field,
});

const QUANTITIES: Array<[string, unknown]> = [
  ["zero", 0],
  ["negative", -1],
  ["fractional", 1.5],
  ["huge", 1e12],
  ["unsafe integer", 2 ** 60],
  ["a string", "1"],
  ["null", null],
  ["an object", { n: 1 }],
];

const fields: Case[] = [
  // Tokens.
  invalid("mint: unknown role", "POST", () => "/v1/admin/tokens", () => ({ role: "root" }), "role"),
  invalid("mint: role of the wrong type", "POST", () => "/v1/admin/tokens", () => ({ role: 1 }), "role"),
  invalid("mint: manager without regions", "POST", () => "/v1/admin/tokens", () => ({ role: "manager" }), "regions"),
  invalid("mint: manager with an unknown region", "POST", () => "/v1/admin/tokens", () => ({ role: "manager", regions: ["mars"] }), "regions"),
  invalid("mint: store with no stores", "POST", () => "/v1/admin/tokens", () => ({ role: "store", stores: [] }), "stores"),
  invalid("mint: store with an odd store id", "POST", () => "/v1/admin/tokens", () => ({ role: "store", stores: ["a b"] }), "stores"),
  invalid("mint: service with stores", "POST", () => "/v1/admin/tokens", () => ({ role: "service", stores: ["x"] }), "stores"),
  ...[0, 59, 1.5, 1e12, "60"].map((ttl) => invalid(`mint: ttlSeconds ${JSON.stringify(ttl)}`, "POST", () => "/v1/admin/tokens", () => ({ role: "service", ttlSeconds: ttl }), "ttlSeconds")),
  ...["", "   ", "x".repeat(101), "Anna\u0000", "Anna\nWeber", "Ann\uFFFD", 7].map((name) => invalid(`mint: name ${JSON.stringify(name).slice(0, 20)}`, "POST", () => "/v1/admin/tokens", () => ({ role: "service", name }), "name")),
  // Reconcile.
  invalid("reconcile: empty store list", "POST", () => "/v1/admin/reconcile", () => ({ storeIds: [] }), "storeIds"),
  invalid("reconcile: too many stores", "POST", () => "/v1/admin/reconcile", () => ({ storeIds: Array.from({ length: 1001 }, (_, i) => `s${i}`) }), "storeIds"),
  invalid("reconcile: odd store id", "POST", () => "/v1/admin/reconcile", () => ({ storeIds: ["../etc"] }), "storeIds"),
  invalid("reconcile: not a list", "POST", () => "/v1/admin/reconcile", () => ({ storeIds: "all" }), "storeIds"),
  invalid("reconcile: a store twice", "POST", () => "/v1/admin/reconcile", () => ({ storeIds: [S, S] }), "storeIds"),
  // Stores.
  invalid("put store: empty name", "PUT", () => `/v1/stores/${S}`, () => ({ name: "  ", region: "eu-central", timezone: "Europe/Berlin" }), "name"),
  invalid("put store: name too long", "PUT", () => `/v1/stores/${S}`, () => ({ name: "n".repeat(201), region: "eu-central", timezone: "Europe/Berlin" }), "name"),
  // Text Postgres cannot store (NUL, an unpaired surrogate) would stop the reports; control characters have no place in a name.
  ...(["a\u0000b", "a\ud800b", "b\udc00", "line\nbreak", "bell\u0007"] as const).map((name) =>
    invalid(`put store: name ${JSON.stringify(name)}`, "PUT", () => `/v1/stores/${S}`, () => ({ name, region: "eu-central", timezone: "Europe/Berlin" }), "name"),
  ),
  invalid("put store: unknown region", "PUT", () => `/v1/stores/${S}`, () => ({ name: "x", region: "mars", timezone: "Europe/Berlin" }), "region"),
  invalid("put store: unknown time zone", "PUT", () => `/v1/stores/${S}`, () => ({ name: "x", region: "eu-central", timezone: "Mars/Olympus" }), "timezone"),
  // The runtime takes these, and they would be stored as written.
  ...["+05:30", "-03:00", "europe/berlin", "utc", "asia/kolkata", "us/eastern", "Us/eastern", "japan", "zulu", "gmt", "est5edt", "america/argentina/buenos_aires"].map((timezone) =>
    invalid(`put store: time zone ${timezone}`, "PUT", () => `/v1/stores/${S}`, () => ({ name: "x", region: "eu-central", timezone }), "timezone"),
  ),
  ...[-1, 1.5, 1e7, "1"].map((priority) =>
    invalid(`put store: priority ${JSON.stringify(priority)}`, "PUT", () => `/v1/stores/${S}`, () => ({ name: "x", region: "eu-central", timezone: "Europe/Berlin", priority }), "priority"),
  ),
  invalid("put store: too many covered regions", "PUT", () => `/v1/stores/${S}`, () => ({ name: "x", region: "eu-central", timezone: "UTC", covers: Array(13).fill("eu-west") }), "covers"),
  // Allocation.
  ...QUANTITIES.filter(([name]) => name !== "zero").map(([name, onHand]) => invalid(`allocate: onHand ${name}`, "PUT", cell, () => ({ onHand }), "onHand")),
  invalid("allocate: unknown channel", "PUT", cell, () => ({ onHand: 10, channels: { telepathy: { quota: 1, weight: 1 } } }), "channels"),
  // JSON.parse makes "__proto__" an own key, sent as written; a record would drop it without a word.
  invalid("allocate: a __proto__ channel", "PUT", cell, () => JSON.parse('{"onHand":10,"channels":{"__proto__":{"quota":1,"weight":1}}}'), "channels"),
  invalid("allocate: a __proto__ low-stock channel", "PUT", cell, () => JSON.parse('{"onHand":10,"lowStock":{"channels":{"__proto__":1}}}'), "channels"),
  ...QUANTITIES.filter(([name]) => name !== "zero").map(([name, quota]) =>
    invalid(`allocate: quota ${name}`, "PUT", cell, () => ({ onHand: 10, channels: { pos: { quota, weight: 1 } } }), "quota"),
  ),
  invalid("allocate: weight over the limit", "PUT", cell, () => ({ onHand: 10, channels: { pos: { quota: 1, weight: LIMITS.maxWeight + 1 } } }), "weight"),
  invalid("allocate: extra field in a channel", "PUT", cell, () => ({ onHand: 10, channels: { pos: { quota: 1, weight: 1, max: 3 } } }), "channels"),
  invalid("allocate: unknown policy", "PUT", cell, () => ({ onHand: 10, sharedPolicy: "random" }), "sharedPolicy"),
  // Adjustments.
  // A negative delta is a removal (valid); -1 000 000 000 is not.
  ...[...QUANTITIES.filter(([name]) => name !== "negative"), ["huge negative", -1e9] as [string, unknown]].map(([name, delta]) => invalid(`adjust: delta ${name}`, "POST", () => `${cell()}/adjustments`, () => ({ delta, reason: "receive" }), "delta")),
  invalid("adjust: unknown reason", "POST", () => `${cell()}/adjustments`, () => ({ delta: 1, reason: "theft" }), "reason"),
  invalid("adjust: unknown channel", "POST", () => `${cell()}/adjustments`, () => ({ delta: 1, reason: "receive", channel: "telepathy" }), "channel"),
  // Sold out.
  ...["yes", 1, null].map((soldOut) => invalid(`sold-out: ${JSON.stringify(soldOut)}`, "PUT", () => `${cell()}/sold-out`, () => ({ soldOut }), "soldOut")),
  // Reservations.
  ...QUANTITIES.map(([name, qty]) => invalid(`reserve: qty ${name}`, "POST", () => "/v1/reservations", () => reservation({ items: [item({ qty })] }), "qty")),
  invalid("reserve: qty over the item limit", "POST", () => "/v1/reservations", () => reservation({ items: [item({ qty: LIMITS.maxItemQty + 1 })] }), "qty"),
  {
    name: "reserve: qty 1e400 (Infinity once parsed)",
    method: "POST",
    path: () => "/v1/reservations",
    raw: () => JSON.stringify(reservation()).replace('"qty":1', '"qty":1e400'),
    type: "application/json",
    status: 400,
    codes: INVALID,
    field: "qty",
  },
  invalid("reserve: unknown channel", "POST", () => "/v1/reservations", () => reservation({ channel: "telepathy" }), "channel"),
  invalid("reserve: no channel", "POST", () => "/v1/reservations", () => ({ reservationId: unique("bad"), items: [item()] }), "channel"),
  invalid("reserve: no items", "POST", () => "/v1/reservations", () => reservation({ items: [] }), "items"),
  invalid("reserve: items not a list", "POST", () => "/v1/reservations", () => reservation({ items: item() }), "items"),
  invalid(
    "reserve: more items than the limit",
    "POST",
    () => "/v1/reservations",
    () => reservation({ items: Array.from({ length: LIMITS.maxReservationItems + 1 }, (_, i) => ({ storeId: S, sku: `${K}-${i}`, qty: 1 })) }),
    "items",
  ),
  invalid("reserve: the same cell twice", "POST", () => "/v1/reservations", () => reservation({ items: [item(), item()] }), "items"),
  invalid("reserve: some items name a store, some not", "POST", () => "/v1/reservations", () => reservation({ items: [item(), { sku: `${K}-2`, qty: 1 }] }), "items"),
  invalid("reserve: extra field in an item", "POST", () => "/v1/reservations", () => reservation({ items: [item({ price: 3 })] }), "items"),
  ...[0, LIMITS.maxTtlSeconds + 1, 1.5].map((ttlSeconds) => invalid(`reserve: ttlSeconds ${ttlSeconds}`, "POST", () => "/v1/reservations", () => reservation({ ttlSeconds }), "ttlSeconds")),
  ...["", "a b", "é", "-x", "a/b", "x".repeat(129), "😀", "a\u0000b"].map((id) =>
    invalid(`reserve: reservationId ${JSON.stringify(id.length > 20 ? `${id.length} chars` : id)}`, "POST", () => "/v1/reservations", () => reservation({ reservationId: id }), "reservationId"),
  ),
  ...["a b", "-x", "x".repeat(65), "ß"].map((sku) =>
    invalid(`reserve: sku ${JSON.stringify(sku.length > 20 ? `${sku.length} chars` : sku)}`, "POST", () => "/v1/reservations", () => reservation({ items: [item({ sku })] }), "sku"),
  ),
  invalid("reserve: odd store id", "POST", () => "/v1/reservations", () => reservation({ items: [item({ storeId: "store:1" })] }), "storeId"),
  // Store events.
  invalid("events: empty batch", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [] }), "events"),
  invalid("events: more than the batch limit", "POST", () => `/v1/stores/${S}/events`, () => ({ events: Array.from({ length: LIMITS.maxStoreEvents + 1 }, () => event()) }), "events"),
  invalid("events: unknown type", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ type: "teleport" })] }), "events"),
  ...QUANTITIES.map(([name, qty]) => invalid(`events: sale qty ${name}`, "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ qty })] }), "qty")),
  invalid("events: adjust delta 0", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ type: "adjust", qty: undefined, delta: 0, reason: "damage" })] }), "delta"),
  invalid("events: set onHand negative", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ type: "set", qty: undefined, onHand: -3 })] }), "onHand"),
  invalid("events: time not ISO", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ at: "yesterday" })] }), "at"),
  // Cells order by the millisecond: a finer time would be cut, and could land before a count it followed.
  invalid("events: time finer than a millisecond", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ at: at().replace(/Z$/, "4Z") })] }), "at"),
  invalid("events: microseconds with an offset", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ at: at().replace(/Z$/, "001+00:00") })] }), "at"),
  invalid("events: odd event id", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ eventId: "a b" })] }), "eventId"),
  // One bad event in a batch: nothing of the batch applies.
  invalid("events: one event id on two SKUs", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event({ eventId: "dup-1" }), event({ eventId: "dup-1", sku: "another-sku" })] }), "eventId"),
  invalid("events: one bad event among good ones", "POST", () => `/v1/stores/${S}/events`, () => ({ events: [event(), event(), event({ qty: -1 })] }), "qty"),
  // Oversell resolution.
  invalid("resolve: empty note", "POST", () => "/v1/oversells/no-such/resolve", () => ({ note: " " }), "note"),
  invalid("resolve: note of the wrong type", "POST", () => "/v1/oversells/no-such/resolve", () => ({ note: 5 }), "note"),
  ...(["a\u0000b", "\ud800", "esc\u001b[0m"] as const).map((note) =>
    invalid(`resolve: note ${JSON.stringify(note)}`, "POST", () => "/v1/oversells/no-such/resolve", () => ({ note }), "note"),
  ),
];

/** Query strings. */
const query = (name: string, path: () => string, field: string): Case => ({ name, method: "GET", path, status: 400, codes: INVALID, field });
const queries: Case[] = [
  query("availability: no skus", () => `/v1/availability?storeId=${S}&channel=online`, "skus"),
  query("availability: empty skus", () => `/v1/availability?storeId=${S}&skus=&channel=online`, "skus"),
  query("availability: too many skus", () => `/v1/availability?storeId=${S}&channel=online&skus=${Array.from({ length: LIMITS.maxAvailabilitySkus + 1 }, (_, i) => `s${i}`).join(",")}`, "skus"),
  query("availability: odd sku", () => `/v1/availability?storeId=${S}&channel=online&skus=${encodeURIComponent("a b")}`, "skus"),
  query("availability: unknown channel", () => `/v1/availability?storeId=${S}&skus=${K}&channel=telepathy`, "channel"),
  query("availability: no channel", () => `/v1/availability?storeId=${S}&skus=${K}`, "channel"),
  query("availability: odd store id", () => `/v1/availability?storeId=${encodeURIComponent("<script>")}&skus=${K}&channel=online`, "storeId"),
  query("availability: unknown region", () => `/v1/availability?region=mars&skus=${K}&channel=online`, "region"),
  query("availability: unknown parameter", () => `/v1/availability?storeId=${S}&skus=${K}&channel=online&debug=1`, "debug"),
  query("availability: a SKU twice", () => `/v1/availability?storeId=${S}&skus=${K},x1,${K}&channel=online`, "skus"),
  query("availability: a store and a region", () => `/v1/availability?storeId=${S}&region=eu-central&skus=${K}&channel=online`, "region"),
  query("stores: unknown region", () => "/v1/stores?region=mars", "region"),
  ...["-1", "1.5", "abc", "1e400"].map((after) => query(`changes: after ${after}`, () => `/v1/stores/${S}/changes?after=${after}`, "after")),
  ...["0", String(LIMITS.maxChangesPage + 1)].map((limit) => query(`changes: limit ${limit}`, () => `/v1/stores/${S}/changes?limit=${limit}`, "limit")),
  query("live: after negative", () => `/v1/stores/${S}/live?after=-5`, "after"),
  query("oversells: unknown status", () => "/v1/oversells?status=bogus", "status"),
  query("oversells: limit 0", () => "/v1/oversells?limit=0", "limit"),
  query("reports: unknown format", () => "/v1/reports/stock?format=xml", "format"),
  query("reports: limit too large", () => "/v1/reports/stock?limit=100000", "limit"),
  query("reports: odd store id", () => `/v1/reports/movements?storeId=${encodeURIComponent("a b")}`, "storeId"),
  { name: "import: unknown parameter (a typo of mode)", method: "POST", path: () => `/v1/stores/${S}/skus:import?importId=x1&mdoe=good-lines`, raw: () => "sku,onHand\nx,1\n", type: "text/csv", status: 400, codes: INVALID, field: "mdoe" },
  query("export: unknown parameter", () => `/v1/stores/${S}/skus:export?bogus=1`, "bogus"),
  query("region export: unknown parameter", () => "/v1/skus:export?region=eu-central&bogus=1", "bogus"),
  query("webhooks: unknown parameter", () => "/v1/webhooks?bogus=1", "bogus"),
  // Whole numbers are digits only: Number() would read each of these as one.
  ...["", "0x10", "1e2", " 5", "5 ", "+5", "0b11"].flatMap((odd) => {
    const e = encodeURIComponent(odd);
    return [
      query(`changes: after ${JSON.stringify(odd)}`, () => `/v1/stores/${S}/changes?after=${e}`, "after"),
      query(`changes: limit ${JSON.stringify(odd)}`, () => `/v1/stores/${S}/changes?limit=${e}`, "limit"),
      query(`live: after ${JSON.stringify(odd)}`, () => `/v1/stores/${S}/live?after=${e}`, "after"),
      query(`reports: limit ${JSON.stringify(odd)}`, () => `/v1/reports/stock?limit=${e}`, "limit"),
      query(`reports: lowStockBelow ${JSON.stringify(odd)}`, () => `/v1/reports/stock?lowStockBelow=${e}`, "lowStockBelow"),
      query(`oversells: limit ${JSON.stringify(odd)}`, () => `/v1/oversells?limit=${e}`, "limit"),
      query(`export: limit ${JSON.stringify(odd)}`, () => `/v1/stores/${S}/skus:export?limit=${e}`, "limit"),
    ];
  }),
];

/** Path ids with odd characters, or too long, on every route with an id in its path. */
const ODD_STORE_IDS = ["a b", "-x", "_x", "é", "😀", "a:b", "a*b", "x".repeat(65)];
const ODD_RESERVATION_IDS = ["a b", "-x", "é", "x".repeat(129), "a;b"];
const label = (id: string) => (id.length > 20 ? `${id.length} chars` : id);
const paths: Case[] = [
  ...ODD_STORE_IDS.flatMap((id): Case[] => {
    const e = encodeURIComponent(id);
    return [
      { name: `GET store ${label(id)}`, method: "GET", path: () => `/v1/stores/${e}`, status: 400, codes: INVALID, field: "storeId" },
      { name: `PUT store ${label(id)}`, method: "PUT", path: () => `/v1/stores/${e}`, body: () => ({ name: "x", region: "eu-central", timezone: "UTC" }), status: 400, codes: INVALID, field: "storeId" },
      { name: `GET cell at store ${label(id)}`, method: "GET", path: () => `/v1/stores/${e}/skus/${K}`, status: 400, codes: INVALID, field: "storeId" },
      { name: `GET cell with sku ${label(id)}`, method: "GET", path: () => `/v1/stores/${S}/skus/${e}`, status: 400, codes: INVALID, field: "sku" },
      { name: `allocate sku ${label(id)}`, method: "PUT", path: () => `/v1/stores/${S}/skus/${e}`, body: () => ({ onHand: 1 }), status: 400, codes: INVALID, field: "sku" },
      { name: `adjust sku ${label(id)}`, method: "POST", path: () => `/v1/stores/${S}/skus/${e}/adjustments`, body: () => ({ delta: 1, reason: "receive" }), status: 400, codes: INVALID, field: "sku" },
      { name: `sold-out sku ${label(id)}`, method: "PUT", path: () => `/v1/stores/${S}/skus/${e}/sold-out`, body: () => ({ soldOut: true }), status: 400, codes: INVALID, field: "sku" },
      { name: `events at store ${label(id)}`, method: "POST", path: () => `/v1/stores/${e}/events`, body: () => ({ events: [event()] }), status: 400, codes: INVALID, field: "storeId" },
      { name: `stock of store ${label(id)}`, method: "GET", path: () => `/v1/stores/${e}/stock`, status: 400, codes: INVALID, field: "storeId" },
      { name: `changes of store ${label(id)}`, method: "GET", path: () => `/v1/stores/${e}/changes`, status: 400, codes: INVALID, field: "storeId" },
    ];
  }),
  ...ODD_RESERVATION_IDS.flatMap((id): Case[] => {
    const e = encodeURIComponent(id);
    return [
      { name: `GET reservation ${label(id)}`, method: "GET", path: () => `/v1/reservations/${e}`, status: 400, codes: INVALID, field: "reservationId" },
      { name: `confirm reservation ${label(id)}`, method: "POST", path: () => `/v1/reservations/${e}/confirm`, status: 400, codes: INVALID, field: "reservationId" },
      { name: `release reservation ${label(id)}`, method: "POST", path: () => `/v1/reservations/${e}/release`, status: 400, codes: INVALID, field: "reservationId" },
    ];
  }),
];

/** Unknown things that are well-formed: 404, and still nothing changes. */
const unknown: Case[] = [
  { name: "confirm an unknown reservation", method: "POST", path: () => `/v1/reservations/${unique("nope")}/confirm`, status: 404, codes: ["not_found"] },
  { name: "release an unknown reservation", method: "POST", path: () => `/v1/reservations/${unique("nope")}/release`, status: 404, codes: ["not_found"] },
  { name: "adjust an unallocated SKU", method: "POST", path: () => `/v1/stores/${S}/skus/${unique("nope")}/adjustments`, body: () => ({ delta: 1, reason: "receive" }), status: 404, codes: ["not_found"] },
  { name: "allocate at an unknown store", method: "PUT", path: () => `/v1/stores/${unique("nope")}/skus/${K}`, body: () => ({ onHand: 1 }), status: 404, codes: ["not_found"] },
  { name: "an unknown route", method: "GET", path: () => "/v1/nothing-here", status: 404, codes: ["not_found"] },
];

const ALL = [...generic, ...bodyless, ...fields, ...queries, ...paths, ...unknown];

beforeAll(async () => {
  ({ storeId: S, sku: K } = await freshCell());
  R = unique("bad-r");
  const held = await reserve({ reservationId: R, channel: "online", items: [{ storeId: S, sku: K, qty: 3 }] });
  expect(held.status).toBe(201);
});

async function snapshot() {
  const [cellNow, store, reservation] = await Promise.all([
    readCell(S, K),
    api("GET", `/v1/stores/${S}`),
    api("GET", `/v1/reservations/${R}`, { token: ADMIN }),
  ]);
  return { cell: cellNow, store: store.body, reservation: reservation.body };
}

describe("bad input on every route: a clear 4xx, the error body, nothing changed", () => {
  it("covers every route with a body", () => {
    expect(ALL.length).toBeGreaterThan(250);
  });

  for (const c of ALL) {
    it(c.name, async () => {
      const before = await snapshot();
      const response = await api(c.method, c.path(), {
        token: ADMIN,
        ...(c.body ? { body: c.body() } : {}),
        ...(c.raw ? { rawBody: c.raw(), headers: { "content-type": c.type ?? "application/json", ...(c.encoding ? { "content-encoding": c.encoding } : {}) } } : {}),
      });
      const summary = `${response.status} ${JSON.stringify(response.body).slice(0, 400)}`;
      expect(response.status, summary).toBe(c.status);
      expect(response.headers.get("content-type"), summary).toMatch(/^application\/json/);
      expect(Object.keys(response.body), summary).toEqual(["error"]);
      expect(c.codes, summary).toContain(response.body.error.code);
      expect(Object.keys(response.body.error).sort(), summary).toEqual(["code", "details", "message"]);
      expect(response.body.error.details, summary).toBeTypeOf("object");
      expect(typeof response.body.error.message).toBe("string");
      expect(response.body.error.message.length).toBeGreaterThan(0);
      if (c.field && response.body.error.code === "invalid_request") {
        // The field is named by an issue's path, or (unknown keys) by its message.
        const issues: Array<{ path: string; message: string }> = response.body.error.details?.issues ?? [];
        expect(issues.some((issue) => issue.path.split(".").includes(c.field!) || issue.message.includes(`"${c.field}"`)), summary).toBe(true);
      }
      expect(await snapshot()).toEqual(before);
    });
  }

  it("names a repeated entry at its index and where it first was: an order's item, a return's or transfer's SKU, a webhook's event", async () => {
    const { storeId, sku } = await freshCell();
    const cases: Array<[string, string, unknown, string, string]> = [
      ["POST", "/v1/reservations", { reservationId: unique("r"), channel: "online", items: [{ storeId, sku: "other", qty: 1 }, { storeId, sku, qty: 1 }, { storeId, sku, qty: 2 }] }, "json.items.2", `item ${storeId}/${sku} is already items.1: name each (storeId, sku) once; add the quantities together`],
      ["POST", "/v1/reservations", { reservationId: unique("r"), channel: "online", items: [{ sku, qty: 1 }, { sku, qty: 1 }] }, "json.items.1", `item ${sku} is already items.0: name each (storeId, sku) once; add the quantities together`],
      ["POST", `/v1/stores/${storeId}/returns`, { returnId: unique("rma"), items: [{ sku, qty: 1 }, { sku, qty: 1 }], reason: "customer_return" }, "json.items.1", `sku ${sku} is already items.0: name each sku once; add the quantities together`],
      ["POST", "/v1/transfers", { transferId: unique("t"), from: { storeId }, to: { storeId: `${storeId}-b` }, items: [{ sku, qty: 1 }, { sku, qty: 3 }] }, "json.items.1", `sku ${sku} is already items.0: name each sku once; add the quantities together`],
      ["POST", "/v1/webhooks", { url: "https://erp.example.com/hooks", secret: "a-long-random-secret", events: ["sold_out", "low_stock", "sold_out"], storeId }, "json.events.2", "event sold_out is already events.0: name each event once"],
    ];
    for (const [method, path, body, issuePath, message] of cases) {
      const response = await api(method, path, { token: ADMIN, body });
      expect([response.status, response.body.error?.code], `${path} ${JSON.stringify(response.body)}`).toEqual([400, "invalid_request"]);
      expect(response.body.error.details.issues, path).toContainEqual(expect.objectContaining({ path: issuePath, message }));
    }
    expect((await readCell(storeId, sku)).reserved).toBe(0);
  });

  it("says what a number in the query should be, whatever was sent instead", async () => {
    const { storeId } = await freshCell();
    for (const after of ["-5", "1.5", "abc"]) {
      const response = await api("GET", `/v1/stores/${storeId}/changes?after=${after}`, { token: ADMIN });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/^query\.after: a whole number from 0 to \d+$/);
    }
    const limit = await api("GET", "/v1/reports/stock?limit=-1", { token: ADMIN });
    expect(limit.body.error.message).toBe("query.limit: a whole number from 1 to 1000");
  });

  it("the valid bodies the cases start from are accepted (so each case fails for the one thing it breaks)", async () => {
    const { storeId, sku } = await freshCell();
    const [s, k] = [S, K];
    [S, K] = [storeId, sku];
    try {
      for (const route of BODY_ROUTES) {
        const response = await api(route.method, route.path(), { token: ADMIN, body: route.valid() });
        const expectedStatus = route.name === "resolve oversell" ? 404 : route.name === "mint token" || route.name === "reserve" ? 201 : 200;
        expect(response.status, `${route.name}: ${JSON.stringify(response.body)}`).toBe(expectedStatus);
      }
    } finally {
      [S, K] = [s, k];
    }
  });
});

describe("store time zones", () => {
  it("takes IANA names and their aliases as written", async () => {
    for (const timezone of ["Europe/Berlin", "UTC", "Asia/Kolkata", "Asia/Calcutta", "US/Eastern", "America/Argentina/Buenos_Aires", "America/Port-au-Prince", "Etc/GMT-14", "EST5EDT", "Japan", "Zulu"]) {
      const storeId = unique("tz");
      const response = await api("PUT", `/v1/stores/${storeId}`, { token: ADMIN, body: { name: "x", region: "eu-central", timezone } });
      expect(response.status, `${timezone}: ${JSON.stringify(response.body)}`).toBe(201);
      expect(response.body.timezone).toBe(timezone);
    }
    // A wrong case names the spelling to use.
    const lower = await api("PUT", `/v1/stores/${unique("tz")}`, { token: ADMIN, body: { name: "x", region: "eu-central", timezone: "europe/berlin" } });
    expect(lower.body.error.details.issues[0].message).toContain("Europe/Berlin");
  });
});

describe("query parameters a route does not read", () => {
  it("are a 400 on every operation of the API, those that read no query included, and nothing is applied", async () => {
    const { storeId, sku } = await freshCell();
    const document = (await api("GET", "/openapi.json")).body as { paths: Record<string, Record<string, unknown>> };
    const ids: Record<string, string> = { storeId, sku, reservationId: unique("r"), transferId: unique("t"), webhookId: unique("w"), oversellId: `${storeId}:${sku}:1`, returnId: unique("rma") };
    const refused: string[] = [];
    const accepted: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(ids[name] ?? "x1"));
      for (const method of Object.keys(operations)) {
        // A body of the kind the route takes (imports: CSV), so the query is what it refuses.
        const body = method === "get" ? {} : template.endsWith(":import") ? { rawBody: "sku,onHand\n", headers: { "content-type": "text/csv" } } : { body: { delta: 1, reason: "count_correction" } };
        const response = await api(method.toUpperCase(), `${path}?notAParameter=1`, { token: ADMIN, ...body });
        const named = response.status === 400 && JSON.stringify(response.body.error.details.issues).includes("notAParameter");
        (named ? refused : accepted).push(`${method.toUpperCase()} ${template} → ${response.status}`);
      }
    }
    expect(accepted).toEqual([]);
    expect(refused.length).toBeGreaterThan(40);
    // The adjustment above was refused, not applied.
    expect((await readCell(storeId, sku)).onHand).toBe(100);
  });
});

describe("an empty body sent as application/json", () => {
  it("is no body: a route that reads none takes it; a route that needs one names the missing fields", async () => {
    const cell = await freshCell();
    const reservationId = unique("empty-body");
    expect((await reserve({ reservationId, channel: "online", items: [{ ...cell, qty: 2 }] })).status).toBe(201);
    const empty = { token: ADMIN, rawBody: "", headers: { "content-type": "application/json" } };
    const released = await api("POST", `/v1/reservations/${reservationId}/release`, empty);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    expect(released.body.status).toBe("released");
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(0);

    const adjusted = await api("POST", `/v1/stores/${cell.storeId}/skus/${cell.sku}/adjustments`, empty);
    expect(adjusted.status).toBe(400);
    expect(adjusted.body.error.code).toBe("invalid_request");
    expect(JSON.stringify(adjusted.body.error.details.issues)).toContain("delta");
  });

  it("is no body whatever its type (fetch sends text/plain for body: \"\"); a body of another type is still a 415", async () => {
    const cell = await freshCell();
    for (const type of ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
      const reservationId = unique("empty-typed");
      expect((await reserve({ reservationId, channel: "online", items: [{ ...cell, qty: 1 }] })).status).toBe(201);
      const empty = { token: ADMIN, rawBody: "", headers: { "content-type": type } };
      const released = await api("POST", `/v1/reservations/${reservationId}/release`, empty);
      expect(released.status, `${type}: ${JSON.stringify(released.body)}`).toBe(200);
      expect(released.body.status).toBe("released");
      const adjusted = await api("POST", `/v1/stores/${cell.storeId}/skus/${cell.sku}/adjustments`, empty);
      expect(adjusted.status, type).toBe(400);
      expect(JSON.stringify(adjusted.body.error.details.issues)).toContain("delta");
    }
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(0);
    // No body at all (no Content-Length), a type all the same: curl -X POST -H 'Content-Type: text/plain'.
    const untouched = unique("no-body-typed");
    expect((await reserve({ reservationId: untouched, channel: "online", items: [{ ...cell, qty: 1 }] })).status).toBe(201);
    const bodiless = await api("POST", `/v1/reservations/${untouched}/release`, { token: ADMIN, headers: { "content-type": "text/plain" } });
    expect(bodiless.status, JSON.stringify(bodiless.body)).toBe(200);
    expect((await readCell(cell.storeId, cell.sku)).reserved).toBe(0);
    const typed = await api("POST", `/v1/stores/${cell.storeId}/skus/${cell.sku}/adjustments`, {
      token: ADMIN,
      rawBody: JSON.stringify({ delta: 1, reason: "count_correction" }),
      headers: { "content-type": "text/plain" },
    });
    expect(typed.status).toBe(415);
    expect((await readCell(cell.storeId, cell.sku)).onHand).toBe(100);
  });
});

describe("the first bad part of a request", () => {
  it("names the first bad part of a request: region header, then query, then path ids, then body", async () => {
    const pathsOf = (response: { body: any }) =>
      (response.body.error.details.issues as Array<{ path: string }>).map((issue) => issue.path.split(".")[0]);
    const badBody = { token: ADMIN, body: { delta: "a", reason: "count_correction" } };
    const badId = "/v1/stores/-bad/skus/w1/adjustments";

    const idAndBody = await api("POST", badId, badBody);
    expect(idAndBody.status).toBe(400);
    expect(new Set(pathsOf(idAndBody))).toEqual(new Set(["param"]));

    const queryIdAndBody = await api("POST", `${badId}?x=1`, badBody);
    expect(queryIdAndBody.status).toBe(400);
    expect(new Set(pathsOf(queryIdAndBody))).toEqual(new Set(["query"]));

    const all = await api("POST", `${badId}?x=1`, { ...badBody, headers: { "x-inventory-region": "mars" } });
    expect(all.status).toBe(400);
    expect(new Set(pathsOf(all))).toEqual(new Set(["header"]));
  });
});

describe("text that is not UTF-8", () => {
  it("is refused in the text fields (a store's name, a note, a webhook secret), never stored as U+FFFD", async () => {
    const storeId = unique("latin1");
    const json = (name: string) => `{"name":"${name}","region":"eu-north","timezone":"Europe/Berlin"}`;
    // "München" in Latin-1: ü is the single byte 0xFC, which is not UTF-8 (the runtime reads it as U+FFFD).
    const latin1 = Uint8Array.from(json("M\u00fcnchen Ost"), (char) => char.charCodeAt(0));
    for (const type of ["application/json", "application/json; charset=iso-8859-1"]) {
      const refused = await api("PUT", `/v1/stores/${storeId}`, { token: ADMIN, rawBody: latin1, headers: { "content-type": type } });
      expect(refused.status, type).toBe(400);
      expect(refused.body.error.details.issues).toEqual([expect.objectContaining({ path: "json.name", message: expect.stringContaining("UTF-8") })]);
    }
    expect((await api("GET", `/v1/stores/${storeId}`)).status).toBe(404);

    const utf8 = new TextEncoder().encode(json("M\u00fcnchen Ost"));
    const created = await api("PUT", `/v1/stores/${storeId}`, { token: ADMIN, rawBody: utf8, headers: { "content-type": "application/json" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await api("GET", `/v1/stores/${storeId}`)).body.name).toBe("M\u00fcnchen Ost");

    const note = await api("POST", "/v1/oversells/no-such/resolve", { token: ADMIN, body: { note: "counted \ufffd" } });
    expect(note.status).toBe(400);
    const secret = await api("POST", "/v1/webhooks", { token: ADMIN, body: { url: "https://example.com/hook", events: ["sold_out"], secret: "s\ufffd".repeat(10), region: "eu-north" } });
    expect(secret.status).toBe(400);
    expect(JSON.stringify(secret.body.error.details.issues)).toContain("secret");
  });
});
