import { env } from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cells, movements, stores } from "../../schema/db/tables";
import { withReportingDb } from "../../workers/reporting/db";
import { ADMIN, allocate, api, eventually, freshCell, mint, putStore, readCell, reserve, unique } from "./helpers";

/** Two stores in two regions, each with cells, all of it applied to the reporting database. */
async function twoRegions() {
  // Regions other test files leave alone; the reporting database is shared by every file.
  const regionA = "oceania";
  const regionB = "africa";
  const storeA = unique("sa");
  const storeB = unique("sb");
  await putStore(storeA, regionA);
  await putStore(storeB, regionB);
  for (const [sku, onHand] of [["apples", 3], ["bread", 40], ["cheese", 0], ["dates", 12]] as const) {
    await allocate(storeA, sku, { onHand, channels: { pos: { quota: Math.floor(onHand / 2), weight: 1 } } });
  }
  await allocate(storeB, "apples", { onHand: 50 });
  await api("PUT", `/v1/stores/${storeA}/skus/dates/sold-out`, { token: ADMIN, body: { soldOut: true } });
  await reserve({ reservationId: unique("o"), channel: "pos", items: [{ storeId: storeA, sku: "bread", qty: 5 }] });
  const expected = [
    [storeA, "apples"],
    [storeA, "bread"],
    [storeA, "cheese"],
    [storeA, "dates"],
    [storeB, "apples"],
  ] as const;
  const versions = await Promise.all(expected.map(async ([s, k]) => (await readCell(s, k)).version));
  await eventually(
    () =>
      withReportingDb(env, async (db) => {
        const storesFound = await db.select().from(stores).where(sql`${stores.storeId} in (${storeA}, ${storeB})`);
        const found = await db.select({ count: sql<number>`count(*)::int` }).from(movements).where(sql`${movements.storeId} in (${storeA}, ${storeB})`);
        return storesFound.length === 2 && found[0]!.count === versions.reduce((a, b) => a + b, 0);
      }),
    (ready) => ready,
    20_000,
  );
  return { regionA, regionB, storeA, storeB };
}

describe("reports", () => {
  it("scope a manager to its regions, filter, paginate and answer CSV", async () => {
    const { regionA, regionB, storeA, storeB } = await twoRegions();
    const managerA = await mint("manager", { regions: [regionA] });

    // A manager sees its region only, whether it names it or not.
    const mine = await api("GET", `/v1/reports/stock?limit=1000`, { token: managerA });
    expect(mine.status).toBe(200);
    const visible = new Set(mine.body.items.map((row: { storeId: string }) => row.storeId));
    expect(visible.has(storeA)).toBe(true);
    expect(visible.has(storeB)).toBe(false);
    const admin = await api("GET", `/v1/reports/stock?region=${regionB}&limit=1000`, { token: ADMIN });
    expect(admin.body.items.map((row: { storeId: string }) => row.storeId)).toContain(storeB);
    expect((await api("GET", `/v1/reports/stock?region=${regionB}`, { token: managerA })).status).toBe(403);
    expect((await api("GET", `/v1/reports/movements?storeId=${storeB}`, { token: managerA })).status).toBe(403);
    const service = await mint("service");
    expect((await api("GET", `/v1/reports/stock`, { token: service })).status).toBe(403);
    expect((await api("GET", `/v1/reports/stock`)).status).toBe(401);

    // Filters: low stock, sold out.
    const low = await api("GET", `/v1/reports/stock?storeId=${storeA}&lowStockBelow=5`, { token: managerA });
    expect(low.body.items.map((row: { sku: string }) => row.sku)).toEqual(["apples", "cheese"]);
    const soldOut = await api("GET", `/v1/reports/stock?storeId=${storeA}&soldOut=true`, { token: managerA });
    expect(soldOut.body.items.map((row: { sku: string }) => row.sku)).toEqual(["dates"]);

    // Pagination walks every row once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ sku: string }>; next: string | null } } = await api("GET", `/v1/reports/stock?storeId=${storeA}&limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: managerA });
      seen.push(...page.body.items.map((row) => row.sku));
      cursor = page.body.next;
    } while (cursor);
    expect(seen).toEqual(["apples", "bread", "cheese", "dates"]);

    // Movements: newest first, ISO times, CSV with a header and one line per row.
    const moves = await api("GET", `/v1/reports/movements?storeId=${storeA}&kind=allocate`, { token: managerA });
    expect(moves.body.items).toHaveLength(4);
    expect(moves.body.items[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const csv = await api("GET", `/v1/reports/movements?storeId=${storeA}&kind=allocate&format=csv`, { token: managerA });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]!.split(",").slice(0, 5)).toEqual(["eventId", "storeId", "sku", "seq", "kind"]);
    expect(lines.slice(1).map((line) => line.split(",")[2]).sort()).toEqual(["apples", "bread", "cheese", "dates"]);

    // Channel usage against quotas: bread's pos quota is 20, 5 of it reserved.
    const usage = await api("GET", `/v1/reports/channel-usage?storeId=${storeA}`, { token: managerA });
    expect(usage.body.items.find((row: { channel: string }) => row.channel === "pos")).toMatchObject({ quota: 1 + 20 + 0 + 6, used: 5 });

    // Reservations by status.
    const pending = await api("GET", `/v1/reports/reservations?storeId=${storeA}&status=pending`, { token: managerA });
    expect(pending.body.items).toEqual([expect.objectContaining({ storeId: storeA, sku: "bread", qty: 5, status: "pending" })]);

    // Queue lag: everything applied.
    const lag = await api("GET", `/v1/reports/queue-lag?storeId=${storeA}`, { token: managerA });
    expect(lag.body.items).toEqual([{ storeId: storeA, laggingSkus: 0, oldestUnappliedAt: null, lagSeconds: 0 }]);

    // A store and a region together keep the store only when it is in that region, in every report.
    for (const report of ["stock", "movements", "channel-usage", "reservations", "oversells", "queue-lag"]) {
      const outside = await api("GET", `/v1/reports/${report}?storeId=${storeB}&region=${regionA}`, { token: ADMIN });
      expect([outside.status, outside.body.items], report).toEqual([200, []]);
    }
    expect((await api("GET", `/v1/reports/queue-lag?storeId=${storeA}&region=${regionA}`, { token: ADMIN })).body.items).toHaveLength(1);
  });

  it("answers CSV with every column its JSON rows have", async () => {
    const { storeA } = await twoRegions();
    for (const report of ["stock", "movements", "reservations"]) {
      const json = await api("GET", `/v1/reports/${report}?storeId=${storeA}`, { token: ADMIN });
      expect(json.body.items.length, report).toBeGreaterThan(0);
      const csv = await api("GET", `/v1/reports/${report}?storeId=${storeA}&format=csv`, { token: ADMIN });
      const header = (csv.body as string).split("\r\n")[0]!.split(",");
      expect(header.sort(), report).toEqual(Object.keys(json.body.items[0]).sort());
    }
  });

  it("pages the movements with their cursors, and answers 400 for a cursor no page gave or a time Postgres cannot hold (never a first page, never a 503)", async () => {
    const { storeA, storeB } = await twoRegions();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ eventId: string }>; next: string | null } } = await api(
        "GET",
        `/v1/reports/movements?storeId=${storeA}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        { token: ADMIN },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((row) => row.eventId));
      cursor = page.body.next;
    } while (cursor);
    const all = await api("GET", `/v1/reports/movements?storeId=${storeA}&limit=1000`, { token: ADMIN });
    expect(seen).toEqual(all.body.items.map((row: { eventId: string }) => row.eventId));

    // A page's cursor goes with the filters it was made for: with others it is a 400, never
    // another selection's rows from a position they never had.
    const first = await api("GET", `/v1/reports/movements?storeId=${storeA}&limit=1`, { token: ADMIN });
    for (const other of [`storeId=${storeB}&`, "", `storeId=${storeA}&kind=adjust&`]) {
      const moved = await api("GET", `/v1/reports/movements?${other}limit=1&cursor=${first.body.next}`, { token: ADMIN });
      expect([moved.status, moved.body.error?.details?.issues?.[0]?.message], other).toEqual([400, "made for another report or other filters"]);
    }
    const stockFirst = await api("GET", `/v1/reports/stock?storeId=${storeA}&limit=1`, { token: ADMIN });
    // Nor does a cursor go to another report whose keys have the same shape (it skipped rows there).
    const channels = await freshCell(); // pos and online: two channel-usage rows
    const usageFirst = await eventually(
      () => api("GET", `/v1/reports/channel-usage?storeId=${channels.storeId}&limit=1`, { token: ADMIN }),
      (page) => typeof page.body.next === "string",
    );
    const crossed = await api("GET", `/v1/reports/stock?storeId=${channels.storeId}&limit=1&cursor=${usageFirst.body.next}`, { token: ADMIN });
    expect([crossed.status, crossed.body.error?.details?.issues?.[0]?.message]).toEqual([400, "made for another report or other filters"]);
    expect((await api("GET", `/v1/reports/stock?storeId=${storeB}&limit=1&cursor=${stockFirst.body.next}`, { token: ADMIN })).status).toBe(400);
    // The same filters in another order, and another page size or format, keep it valid.
    expect((await api("GET", `/v1/reports/stock?limit=5&format=csv&cursor=${stockFirst.body.next}&storeId=${storeA}`, { token: ADMIN })).status).toBe(200);

    // Forged keys carry the tag of the filters they are sent with (none), as a page's cursor
    // does, so each case below is refused for its key, not for its filters.
    const unfiltered = await api("GET", "/v1/reports/movements?limit=1", { token: ADMIN });
    const tag = JSON.parse(atob(String(unfiltered.body.next).replace(/-/g, "+").replace(/_/g, "/"))).at(-1) as string;
    const encode = (key: unknown) => btoa(JSON.stringify(Array.isArray(key) ? [...key, tag] : key)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const cases: Array<[string, string]> = [
      ["movements", "garbage"],
      ["movements", ""],
      ["movements", encode(["notatime", "x"])],
      ["movements", encode(["2026-99-99 10:00:00+00", "x"])],
      ["movements", encode(["2026-02-30 10:00:00+00", "x"])],
      // Offsets Postgres refuses (it takes up to 15:59).
      ["movements", encode(["2026-12-06 22:13:17.622-99", "x"])],
      ["movements", encode(["2026-12-06 22:13:17.622+16", "x"])],
      ["movements", encode(["2026-12-06 22:13:17.622+01:60", "x"])],
      ["reconciliation", encode(["2026-12-06 22:13:17.622+99", "x"])],
      ["movements", encode([1, 2])],
      ["movements", encode({ at: "2026-01-01 10:00:00+00" })],
      ["stock", encode(["only-one"])],
      ["stock", encode([storeA, 7])],
      ["reservations", encode(["a", "b"])],
      ["oversells", encode([null])],
      ["dead-letters", encode(["a", "b"])],
      ["reconciliation", "garbage!!"],
      ["channel-usage", "garbage!!"],
      ["channel-usage", encode(["only-one"])],
      ["queue-lag", "garbage!!"],
      ["queue-lag", encode(["a", "b"])],
      ["reconciliation", encode(["notatime", "x"])],
      ["reconciliation", encode(["2026-01-01 10:00:00+00"])],
      // Text Postgres cannot take (it refused the parameter: a 503 before) was never a page's key.
      ...["stock", "channel-usage", "queue-lag", "oversells"].flatMap((report): Array<[string, string]> => [
        [report, encode(report === "stock" || report === "channel-usage" ? ["\u0000", "x"] : ["\u0000"])],
        [report, encode(report === "stock" || report === "channel-usage" ? ["a\ud800", "x"] : ["a\ud800"])],
      ]),
    ];
    for (const [report, bad] of cases) {
      const response = await api("GET", `/v1/reports/${report}?cursor=${encodeURIComponent(bad)}`, { token: ADMIN });
      expect(response.status, `${report} ${bad}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body.error).toMatchObject({ code: "invalid_request", details: { issues: [{ path: "query.cursor" }] } });
    }
    // Times outside the years Postgres and ISO 8601 share are a 400 naming the parameter (a 503 before).
    for (const [report, parameter, value] of [
      ["movements", "from", "0000-01-01T00:00:00Z"],
      ["movements", "to", "0000-06-01T00:00:00Z"],
      ["movements", "from", "0001-01-01T00:30:00+01:00"],
      ["reservations", "from", "0000-01-01T00:00:00Z"],
      ["reservations", "to", "9999-12-31T23:00:00-05:00"],
    ]) {
      const response = await api("GET", `/v1/reports/${report}?${parameter}=${encodeURIComponent(value!)}`, { token: ADMIN });
      expect(response.status, `${report} ${parameter}=${value}: ${JSON.stringify(response.body)}`).toBe(400);
      expect(response.body.error).toMatchObject({ code: "invalid_request", details: { issues: [{ path: `query.${parameter}` }] } });
    }
    const earliest = await api("GET", `/v1/reports/movements?storeId=${storeA}&from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z`, { token: ADMIN });
    expect(earliest.status).toBe(200);
    expect(earliest.body.items).toHaveLength(all.body.items.length);
    // A well-formed key that matches no row is a page like any other.
    const late = await api("GET", `/v1/reports/movements?cursor=${encode(["1970-01-01 00:00:00+00", "x"])}`, { token: ADMIN });
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ items: [], next: null });
  });

  it("carries levels past 2^31 (relative changes are always applied) into every report, and reconciliation agrees", async () => {
    const storeId = unique("big");
    await putStore(storeId, "oceania");
    await allocate(storeId, "bulk", { onHand: 100_000_000, channels: { online: { quota: 100_000_000, weight: 1 } } });
    for (let i = 0; i < 22; i++) {
      const response = await api("POST", `/v1/stores/${storeId}/skus/bulk/adjustments`, { token: ADMIN, body: { delta: 100_000_000, reason: "receive", channel: "online" } });
      expect(response.status).toBe(200);
    }
    const onHand = 2_300_000_000; // past 2^31 − 1, Postgres' integer
    expect((await readCell(storeId, "bulk")).onHand).toBe(onHand);
    const stock = await eventually(
      () => api("GET", `/v1/reports/stock?storeId=${storeId}`, { token: ADMIN }),
      (response) => response.body.items?.[0]?.onHand === onHand,
      20_000,
    );
    expect(stock.body.items[0]).toMatchObject({ storeId, sku: "bulk", onHand, version: 23 });
    const moves = await api("GET", `/v1/reports/movements?storeId=${storeId}&limit=1`, { token: ADMIN });
    expect(moves.body.items[0]).toMatchObject({ onHandBefore: onHand - 100_000_000, onHandAfter: onHand, delta: 100_000_000 });
    const usage = await api("GET", `/v1/reports/channel-usage?storeId=${storeId}`, { token: ADMIN });
    expect(usage.status).toBe(200);
    expect(usage.body.items).toEqual([expect.objectContaining({ channel: "online", quota: 100_000_000, free: onHand, used: 0, cells: 1 })]);
    const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
    expect(run.body).toMatchObject({ clean: true, cellsChecked: 1, differences: [] });
  });

  it("shows queue lag when the reporting database is behind the cells", async () => {
    const { storeA } = await twoRegions();
    // Pretend the reports missed bread's last change and both of dates' (its allocation came before bread's hold).
    const behind = { bread: 1, dates: 2 };
    for (const [sku, missed] of Object.entries(behind)) {
      await withReportingDb(env, (db) => db.update(cells).set({ version: sql`${cells.version} - ${missed}` }).where(and(eq(cells.storeId, storeA), eq(cells.sku, sku))));
    }
    // The oldest of the missed changes, as the store's feed has them.
    const feed = await api("GET", `/v1/stores/${storeA}/changes?after=0&limit=100`, { token: ADMIN });
    const versions = Object.fromEntries(await Promise.all(Object.keys(behind).map(async (sku) => [sku, (await readCell(storeA, sku)).version])));
    const missedChanges = (feed.body.changes as Array<{ sku: string; version: number; at: string }>).filter(
      (change) => change.sku in behind && change.version > versions[change.sku]! - behind[change.sku as keyof typeof behind],
    );
    expect(missedChanges).toHaveLength(3);
    const oldest = missedChanges.map((change) => change.at).sort()[0];
    const admin = await api("GET", `/v1/reports/queue-lag?storeId=${storeA}`, { token: ADMIN });
    expect(admin.body.items).toEqual([expect.objectContaining({ storeId: storeA, laggingSkus: 2, oldestUnappliedAt: oldest })]);
    expect(typeof admin.body.deadLetters).toBe("number");
  });
});

describe("admin reconciliation input", () => {
  it("refuses a store named twice (400 naming the repeat), recording no run, as a reservation refuses an item twice", async () => {
    const storeId = unique("twice");
    await putStore(storeId, "oceania");
    await allocate(storeId, "apples", { onHand: 3 });
    const response = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId, storeId], repair: true } });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.error).toMatchObject({ code: "invalid_request", details: { issues: [expect.objectContaining({ path: "json.storeIds.1" })] } });
    const runs = await api("GET", `/v1/reports/reconciliation?storeId=${storeId}`, { token: ADMIN });
    expect(runs.status).toBe(200);
    expect(runs.body.items).toEqual([]);
  });

  it("answers 404 naming stores that do not exist, recording no run; reports of such a store are a 404 too", async () => {
    const storeId = unique("real");
    await putStore(storeId, "oceania");
    const ghost = unique("ghost");
    const response = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId, ghost] } });
    expect(response.status, JSON.stringify(response.body)).toBe(404);
    expect(response.body.error).toMatchObject({ code: "not_found", details: { storeIds: [ghost] } });
    expect((await api("GET", `/v1/reports/reconciliation?storeId=${storeId}`, { token: ADMIN })).body.items).toEqual([]);
    for (const report of ["stock", "movements", "channel-usage", "reservations", "oversells", "queue-lag", "reconciliation"]) {
      const answer = await api("GET", `/v1/reports/${report}?storeId=${ghost}`, { token: ADMIN });
      expect([answer.status, answer.body.error?.message], report).toEqual([404, `no store ${ghost}`]);
    }
    expect((await api("GET", `/v1/oversells?storeId=${ghost}`, { token: ADMIN })).status).toBe(404);
  });

  it("refuses filters a report cannot apply (dead letters: no store or region; reconciliation runs: no region) instead of ignoring them", async () => {
    const storeId = unique("real");
    await putStore(storeId, "oceania");
    for (const [report, parameter] of [
      ["dead-letters", `storeId=${storeId}`],
      ["dead-letters", "region=oceania"],
      ["reconciliation", "region=oceania"],
    ]) {
      const answer = await api("GET", `/v1/reports/${report}?${parameter}`, { token: ADMIN });
      expect([answer.status, answer.body.error?.code], `${report}?${parameter}`).toEqual([400, "invalid_request"]);
    }
    expect((await api("GET", "/v1/reports/dead-letters?limit=5", { token: ADMIN })).status).toBe(200);
    expect((await api("GET", `/v1/reports/reconciliation?storeId=${storeId}`, { token: ADMIN })).status).toBe(200);
  });
});

describe("reconciliation report", () => {
  it("pages the runs newest first with its cursors, each run once, the last page without one", async () => {
    const storeId = unique("runs");
    await putStore(storeId, "oceania");
    await allocate(storeId, "apples", { onHand: 3 });
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await api("POST", "/v1/admin/reconcile", { token: ADMIN, body: { storeIds: [storeId] } });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      runIds.push(run.body.runId);
    }
    const all = await api("GET", `/v1/reports/reconciliation?storeId=${storeId}&limit=1000`, { token: ADMIN });
    expect(all.body.next).toBeNull();
    expect([...all.body.items.map((run: { id: string }) => run.id)].sort()).toEqual([...runIds].sort());

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<{ id: string; storeId: string }>; next: string | null } } = await api(
        "GET",
        `/v1/reports/reconciliation?storeId=${storeId}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { token: ADMIN },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((run) => run.id));
      cursor = page.body.next;
      expect(seen.length).toBeLessThan(10);
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((run: { id: string }) => run.id));

    // As CSV, the next page's cursor is in x-next-cursor.
    const csv = await api("GET", `/v1/reports/reconciliation?storeId=${storeId}&limit=2&format=csv`, { token: ADMIN });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("x-next-cursor")).toBeTruthy();
  });
});

describe("channel usage and queue lag reports", () => {
  /** Every page of a report, following `next`; each page's rows. */
  async function walk(path: string, limit: number) {
    const pages: Array<Array<Record<string, unknown>>> = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Array<Record<string, unknown>>; next: string | null; deadLetters?: number } } = await api(
        "GET",
        `${path}${path.includes("?") ? "&" : "?"}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        { token: ADMIN },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(limit);
      pages.push(page.body.items);
      cursor = page.body.next;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return pages;
  }

  it("page by (store, channel) and by store, like the other reports: each row once, the last page without a cursor", async () => {
    const { regionA, storeA } = await twoRegions();
    // Three channels with quotas at one store: three rows of channel usage.
    await allocate(storeA, "eggs", { onHand: 30, channels: { pos: { quota: 5, weight: 1 }, online: { quota: 5, weight: 1 }, app: { quota: 5, weight: 1 } } });
    await eventually(
      () => api("GET", `/v1/reports/channel-usage?storeId=${storeA}`, { token: ADMIN }),
      (answer) => answer.body.items?.length === 3,
      20_000,
    );
    const usageKey = (row: Record<string, unknown>) => `${row.storeId}/${row.channel}`;
    const storeUsage = await walk(`/v1/reports/channel-usage?storeId=${storeA}`, 1);
    expect(storeUsage.flat().map(usageKey)).toEqual([`${storeA}/app`, `${storeA}/online`, `${storeA}/pos`]);

    const regionUsage = (await api("GET", `/v1/reports/channel-usage?region=${regionA}&limit=1000`, { token: ADMIN })).body;
    expect(regionUsage.next).toBeNull();
    const pagedUsage = await walk(`/v1/reports/channel-usage?region=${regionA}`, 2);
    expect(pagedUsage.flat().map(usageKey)).toEqual(regionUsage.items.map(usageKey));
    expect(pagedUsage.flat()).toEqual(regionUsage.items);

    // Queue lag: a row per store of the region, in store order, each once.
    const regionLag = (await api("GET", `/v1/reports/queue-lag?region=${regionA}&limit=1000`, { token: ADMIN })).body;
    expect(regionLag.next).toBeNull();
    expect(typeof regionLag.deadLetters).toBe("number");
    const lagStores = regionLag.items.map((row: { storeId: string }) => row.storeId);
    expect(lagStores).toContain(storeA);
    expect(new Set(lagStores).size).toBe(lagStores.length);
    const pagedLag = await walk(`/v1/reports/queue-lag?region=${regionA}`, 1);
    expect(pagedLag.flat().map((row) => row.storeId)).toEqual(lagStores);
    expect(pagedLag.length).toBeGreaterThanOrEqual(lagStores.length);

    // The stores come from the Directory: one whose store row never reached Postgres (its
    // reports are behind) is listed all the same, with its lag.
    const behind = unique("sbehind");
    await putStore(behind, regionA);
    await allocate(behind, "figs", { onHand: 2 });
    await eventually(() => withReportingDb(env, (db) => db.select().from(stores).where(eq(stores.storeId, behind))), (rows) => rows.length === 1, 20_000);
    await withReportingDb(env, (db) => db.delete(stores).where(eq(stores.storeId, behind)));
    const withBehind = (await api("GET", `/v1/reports/queue-lag?region=${regionA}&limit=1000`, { token: ADMIN })).body;
    expect(withBehind.items.map((row: { storeId: string }) => row.storeId)).toContain(behind);

    // As CSV the next page's cursor is in x-next-cursor.
    const csv = await api("GET", `/v1/reports/channel-usage?storeId=${storeA}&limit=1&format=csv`, { token: ADMIN });
    expect(csv.headers.get("x-next-cursor")).toBeTruthy();
  });
});
