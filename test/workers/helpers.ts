import { SELF, createExecutionContext, createMessageBatch, env, evictDurableObject, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { and, asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import { holdIdOf, type ReservationRecord } from "../../durable-objects/core";
import type { StockCell } from "../../durable-objects/stock-cell";
import type { StoreHub } from "../../durable-objects/store-hub";
import { cellStub, hubStub, reservationStub } from "../../durable-objects/stubs";
import type { CellEvent } from "../../durable-objects/storage/cell-tables";
import { cells, movements } from "../../schema/db/tables";
import worker from "../../workers/index";
import { withReportingDb } from "../../workers/reporting/db";
import type { InventoryMessage } from "../../workers/reporting/messages";
import { TEST_ADMIN_TOKEN } from "../constants";

export const ADMIN = TEST_ADMIN_TOKEN;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the Worker and always consumes the body (the test integration needs that). */
export async function api<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string | Uint8Array; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await SELF.fetch(`http://inventory.test${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** A name no other test uses: storage is shared within a test file. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

/** A minted token: its scope, and who holds it (`name`) if given. */
export async function mint(role: string, scope: { regions?: string[]; stores?: string[]; name?: string } = {}): Promise<string> {
  const response = await api("POST", "/v1/admin/tokens", { token: ADMIN, body: { role, ...scope } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.token;
}

export async function putStore(storeId: string, region = "eu-central", extra: Record<string, unknown> = {}) {
  const response = await api("PUT", `/v1/stores/${storeId}`, {
    token: ADMIN,
    body: { name: `Store ${storeId}`, region, timezone: "Europe/Berlin", ...extra },
  });
  expect([200, 201]).toContain(response.status);
  return response.body;
}

export interface AllocationBody {
  onHand: number;
  channels?: Record<string, { quota: number; weight: number }>;
  sharedPolicy?: "first-come" | "weighted";
}

export async function allocate(storeId: string, sku: string, allocation: AllocationBody) {
  const response = await api("PUT", `/v1/stores/${storeId}/skus/${sku}`, { token: ADMIN, body: allocation });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

export async function readCell(storeId: string, sku: string) {
  const response = await api("GET", `/v1/stores/${storeId}/skus/${sku}`, { token: ADMIN });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** A fresh store with one allocated cell: POS 40, online 30 of 100, a shared pool of 30. */
export async function freshCell(allocation: AllocationBody = { onHand: 100, channels: { pos: { quota: 40, weight: 1 }, online: { quota: 30, weight: 1 } } }) {
  const storeId = unique("store");
  const sku = unique("sku");
  await putStore(storeId);
  await allocate(storeId, sku, allocation);
  return { storeId, sku };
}

/** Takes one unit out as damaged (an adjustment: one change, one outbox event). */
export async function damage(storeId: string, sku: string) {
  const response = await api("POST", `/v1/stores/${storeId}/skus/${sku}/adjustments`, { token: ADMIN, body: { delta: -1, reason: "damage" } });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** The store's changes feed from the start (up to 100 changes). */
export async function feedChanges(storeId: string): Promise<Array<{ cursor: number; sku: string; version: number }>> {
  const response = await api("GET", `/v1/stores/${storeId}/changes?after=0&limit=100`, { token: ADMIN });
  return response.body.changes;
}

/**
 * Puts `sendBatch` in front of a store hub's reporting queue (the hub sends what its cells
 * deliver); `forward` hands messages on to the real queue. Call inside runInDurableObject.
 */
export function interceptHubQueue(
  hub: StoreHub,
  sendBatch: (messages: MessageSendRequest<InventoryMessage>[], forward: (messages: MessageSendRequest<InventoryMessage>[]) => Promise<unknown>) => Promise<unknown>,
): void {
  const target = hub as unknown as { env: typeof env };
  const real = env.INVENTORY_EVENTS!;
  const intercepted = {
    send: (...args) => real.send(...args),
    sendBatch: (messages, options) => sendBatch([...messages], (forwarded) => real.sendBatch(forwarded, options)),
  } as Queue<InventoryMessage>;
  target.env = { ...target.env, INVENTORY_EVENTS: intercepted };
}

export function reserve(body: Record<string, unknown>, token = ADMIN) {
  return api("POST", "/v1/reservations", { token, body });
}

/**
 * Waits for something the service does after answering (delivery to the hub, the oversell
 * index). The bound is for a stuck test, not a speed limit: it is usually met in
 * milliseconds, but a slow CI host (twice this machine's times) with a retry's backoff in
 * between can take seconds.
 */
export async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
    last = await probe();
  }
  return last;
}

/** ISO time `minutes` from now (negative: in the past). */
export function minutesFromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

export function sendEvents(storeId: string, events: unknown[], token = ADMIN) {
  return api("POST", `/v1/stores/${storeId}/events`, { token, body: { events } });
}

/** Injects a fault into the reporting database's proxy: {down: true}, {delayMs}, {failEvery}, or {} to heal. */
export async function databaseFaults(faults: Record<string, unknown>): Promise<void> {
  const { env } = await import("cloudflare:test");
  const response = await fetch(env.FAULTS_URL, { method: "POST", body: JSON.stringify(faults) });
  await response.text();
  expect(response.status).toBe(200);
}

/**
 * Leaves a hold no reservation record owns in a cell: the hold command a creation's first
 * attempt sends, as if the creation had been cut off before it wrote its record.
 */
export async function holdWithoutRecord(key: { storeId: string; sku: string }, reservationId: string, qty: number, attempt = 1) {
  const reply = await cellStub(env, key).execute(key, {
    type: "hold",
    holdId: holdIdOf({ reservationId, attempt }),
    reservationId,
    channel: "online",
    qty,
    expiresAt: new Date(Date.now() + 900_000).toISOString(),
  });
  expect(reply.ok).toBe(true);
}

/** Moves the service's clock (local mode) by `advanceSeconds`, or back to real time with `{ offsetSeconds: 0 }`. */
export async function setClock(body: { advanceSeconds: number } | { offsetSeconds: number }) {
  const response = await api("POST", "/v1/admin/local/clock", { token: ADMIN, body });
  expect(response.status).toBe(200);
}

/** Runs `work` on a cell's own storage. Synchronous work cannot interleave with the cell's own timers. */
export function onCell<T>(storeId: string, sku: string, work: (sql: SqlStorage, storage: DurableObjectStorage) => T | Promise<T>): Promise<T> {
  return runInDurableObject(cellStub(env, { storeId, sku }), (_instance: StockCell, state) => work(state.storage.sql, state.storage));
}

/**
 * Has a settled reservation's shard forget it, as it does 30 days after it settled: time
 * cannot be faked inside workerd, so the record is aged by `settledDaysAgo` and made due,
 * and the shard restarts and runs its alarm.
 */
export function ageSettledReservation(reservationId: string, settledDaysAgo: number): Promise<void> {
  const updatedAt = new Date(Date.now() - settledDaysAgo * 86_400_000).toISOString();
  return runShardAlarmAfter(reservationId, (sql) => patchReservationRow(sql, reservationId, { updatedAt }, Date.now() - 1));
}

/** Rewrites a reservation's row in its shard (`sql`): fields of its record, and when it is due. */
export function patchReservationRow(sql: SqlStorage, reservationId: string, patch: Partial<ReservationRecord>, due: number | null): void {
  const record = JSON.parse(sql.exec<{ record: string }>("SELECT record FROM reservations WHERE id = ?", reservationId).one().record) as ReservationRecord;
  sql.exec("UPDATE reservations SET record = ?, due = ? WHERE id = ?", JSON.stringify({ ...record, ...patch }), due, reservationId);
}

/**
 * Changes the rows of a reservation's shard as time would (`change`: time cannot be faked
 * inside workerd), restarts the shard and runs its alarm, which must run. The alarm is
 * scheduled ahead (`runDurableObjectAlarm` runs it at once whatever its time): one set in
 * the past also fires by itself, and the eviction could cut it off before its writes commit.
 */
export async function runShardAlarmAfter(reservationId: string, change: (sql: SqlStorage) => void): Promise<void> {
  const stub = reservationStub(env, reservationId);
  await runInDurableObject(stub, async (_instance, state) => {
    change(state.storage.sql);
    await state.storage.setAlarm(Date.now() + 60_000);
  });
  await evictDurableObject(stub);
  expect(await runDurableObjectAlarm(stub)).toBe(true);
}

/**
 * A cell's change as its outbox sends it, made up for the consumer's tests: a receipt of one
 * unit that leaves `onHand` on hand, the `seq`-th change, `seq` seconds into a fixed minute.
 */
export function receiptEvent(storeId: string, sku: string, seq: number, onHand = seq): CellEvent {
  return {
    eventId: `${storeId}/${sku}/${seq}`,
    storeId,
    sku,
    seq,
    kind: "adjust",
    at: new Date(Date.UTC(2026, 10, 24, 10, 0, seq)).toISOString(),
    delta: 1,
    reason: "receive",
    onHandBefore: onHand - 1,
    onHandAfter: onHand,
    reservedBefore: 0,
    reservedAfter: 0,
    after: { onHand, reserved: 0, soldOut: false, shared: onHand, free: {}, quotas: {} },
  };
}

/** Hands these messages to the Worker's queue consumer as one batch of `queue`; answers what it acked and retried. */
export async function deliver(queue: string, bodies: InventoryMessage[]) {
  const batch = createMessageBatch<InventoryMessage>(
    queue,
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Runs `work` against the reporting database the Worker writes to. */
export const reportingQuery = <T>(work: Parameters<typeof withReportingDb<T>>[1]) => withReportingDb(env, work);

/**
 * The cell's movements in the reporting database, once it holds every change (one per version)
 * and the cell's snapshot row is at its version: the snapshot is a batch's last write, so
 * every other row of the cell's batches (reservations, oversells) is in too.
 */
export async function settledMovements(storeId: string, sku: string, timeoutMs = 30_000) {
  const cell = await readCell(storeId, sku);
  const [rows] = await eventually(
    () =>
      Promise.all([
        reportingQuery((db) => db.select().from(movements).where(and(eq(movements.storeId, storeId), eq(movements.sku, sku))).orderBy(asc(movements.seq))),
        reportingQuery((db) => db.select({ version: cells.version }).from(cells).where(and(eq(cells.storeId, storeId), eq(cells.sku, sku)))),
      ]),
    ([rows, snapshot]) => rows.length === cell.version && snapshot[0]?.version === cell.version,
    timeoutMs,
  );
  return rows;
}

/**
 * Waits until these stores' hubs have created every staged cell (a large import's): the
 * hub's alarm goes on after the test that imported, and a test file's teardown would cut
 * its calls off (unhandled errors in the run).
 */
export async function stagedCellsCreated(storeIds: Iterable<string>, timeoutMs = 180_000): Promise<void> {
  for (const storeId of storeIds) {
    await eventually(
      () => runInDurableObject(hubStub(env, storeId), (_instance: StoreHub, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM cells WHERE staged IS NOT NULL").one().n),
      (left) => left === 0,
      timeoutMs,
    );
  }
}

