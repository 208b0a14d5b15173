import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import { signatureHeader } from "../workers/webhooks/sign";
import { DELIVERY_HEADERS, DELIVERY_LIMITS, DELIVERY_USER_AGENT, RETRY_BASE_MS, SEND_TIMEOUT_MS, isNewerPlacement, matches, nextAttemptAt, pickSendable, shouldGiveUp, webhookIdFor, type Alert, type StorePlacement } from "./core";
import { migrate } from "./storage/migrate";
import { directoryStub, webhooksStub } from "./stubs";

export interface WebhookInput {
  url: string;
  events: string[];
  secret: string;
  region: string;
  storeId?: string;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  region: string;
  storeId: string | null;
  createdAt: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface DeliveryView {
  deliveryId: string;
  webhookId: string;
  eventId: string;
  type: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

interface HookRow extends Record<string, SqlStorageValue> {
  id: string;
  url: string;
  events: string;
  secret: string;
  region: string;
  store_id: string | null;
  created_at: string;
}

interface DeliveryRow extends Record<string, SqlStorageValue> {
  id: number;
  webhook_id: string;
  event_id: string;
  type: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_at: number | null;
  delivered_at: string | null;
  created_at: string;
}

/** A send in flight is leased for its timeout and this much more. */
const LEASE_MARGIN_MS = 5_000;

function hookView(row: HookRow): WebhookView {
  return { id: row.id, url: row.url, events: JSON.parse(row.events) as string[], region: row.region, storeId: row.store_id, createdAt: row.created_at };
}

function deliveryView(row: DeliveryRow): DeliveryView {
  return {
    deliveryId: `d${row.id}`,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    type: row.type,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.last_status,
    lastError: row.last_error,
    nextAttemptAt: row.status === "pending" && row.next_at !== null ? new Date(row.next_at).toISOString() : null,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
  };
}

/**
 * Webhook subscriptions and the delivery of the cells' threshold events to them. One object
 * per region (`receive`: its whole-region subscriptions) and one per store that has store
 * subscriptions (`receiveForStore`: its own, then everything on to the store's current
 * region's object). Each (webhook, event id) is delivered at most once successfully (a
 * repeated event is ignored), signed with the webhook's secret, retried with exponential
 * backoff from the alarm for up to a day, and logged.
 */
export class Webhooks extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  /** Sends in flight, by delivery id (a replay waits for one of its delivery). */
  private readonly sending = new Map<number, { webhookId: string; done: Promise<void> }>();
  /** Webhooks whose last attempt failed: one send at a time (memory only; a restart starts them healthy). */
  private readonly failing = new Set<string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, [
      `CREATE TABLE IF NOT EXISTS hooks (id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, secret TEXT NOT NULL,
         region TEXT NOT NULL, store_id TEXT, created_at TEXT NOT NULL);
       CREATE TABLE IF NOT EXISTS deliveries (id INTEGER PRIMARY KEY AUTOINCREMENT, webhook_id TEXT NOT NULL, event_id TEXT NOT NULL,
         type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
         last_status INTEGER, last_error TEXT, next_at INTEGER, delivered_at TEXT, created_at TEXT NOT NULL,
         UNIQUE (webhook_id, event_id));
       CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at);
       CREATE INDEX IF NOT EXISTS deliveries_by_hook ON deliveries (webhook_id, id);`,
      // A store's object: the store's region as the directory last said (see setPlacement).
      `CREATE TABLE IF NOT EXISTS placement (id INTEGER PRIMARY KEY CHECK (id = 1), store_id TEXT NOT NULL, region TEXT NOT NULL, rev INTEGER NOT NULL);`,
    ]);
  }

  register(input: WebhookInput): WebhookView {
    const hex = crypto.randomUUID().replace(/-/g, "");
    const id = webhookIdFor(input.storeId ? { kind: "store", storeId: input.storeId } : { kind: "region", region: input.region }, hex);
    // Real time: subscriptions are listed in the order they were made, and local mode's clock may be set back.
    const createdAt = new Date().toISOString();
    this.sql.exec(
      "INSERT INTO hooks (id, url, events, secret, region, store_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      id, input.url, JSON.stringify(input.events), input.secret, input.region, input.storeId ?? null, createdAt,
    );
    return hookView(this.sql.exec<HookRow>("SELECT * FROM hooks WHERE id = ?", id).one());
  }

  list(): WebhookView[] {
    return this.sql.exec<HookRow>("SELECT * FROM hooks ORDER BY created_at, id").toArray().map(hookView);
  }

  get(id: string): WebhookView | null {
    const row = this.sql.exec<HookRow>("SELECT * FROM hooks WHERE id = ?", id).toArray()[0];
    return row ? hookView(row) : null;
  }

  /** Removes the webhook and its pending deliveries (the log of past ones goes with it). */
  remove(id: string): boolean {
    const found = this.get(id) !== null;
    this.sql.exec("DELETE FROM deliveries WHERE webhook_id = ?", id);
    this.sql.exec("DELETE FROM hooks WHERE id = ?", id);
    return found;
  }

  deliveries(id: string, limit: number, before?: number): DeliveryView[] {
    return this.sql
      .exec<DeliveryRow>("SELECT * FROM deliveries WHERE webhook_id = ? AND id < ? ORDER BY id DESC LIMIT ?", id, before ?? Number.MAX_SAFE_INTEGER, limit)
      .toArray()
      .map(deliveryView);
  }

  /**
   * Sends one delivery again now, whatever its status; the answer is the delivery after the
   * attempt (null if the webhook was deleted meanwhile). A send of it already in flight (the
   * alarm's retry) finishes first, so the two never overwrite each other's outcome.
   */
  async replay(id: string, deliveryId: string): Promise<DeliveryView | null> {
    const number = Number(/^d(\d+)$/.exec(deliveryId)?.[1] ?? NaN);
    const find = () => this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE id = ? AND webhook_id = ?", number, id).toArray()[0];
    if (!find()) return null;
    await this.sending.get(number)?.done;
    const row = find();
    if (!row) return null;
    await this.start(row);
    const after = find();
    return after ? deliveryView(after) : null;
  }

  /** From the cells' outboxes (at least once): one delivery per matching webhook and event id; repeats are ignored. */
  async receive(alerts: Alert[]): Promise<number> {
    const hooks = this.sql.exec<HookRow>("SELECT * FROM hooks").toArray();
    let added = 0;
    const now = Date.now();
    for (const alert of alerts) {
      for (const hook of hooks) {
        if (!matches({ events: JSON.parse(hook.events) as string[], storeId: hook.store_id }, alert)) continue;
        const cursor = this.sql.exec(
          `INSERT INTO deliveries (webhook_id, event_id, type, payload, status, next_at, created_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)
           ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING id`,
          hook.id, alert.id, alert.type, JSON.stringify(alert), now, new Date(now).toISOString(),
        );
        added += cursor.toArray().length;
      }
    }
    if (added > 0) await this.pump();
    return added;
  }

  /**
   * A store's object, from its cells' outboxes (at least once): deliveries for the store's
   * own subscriptions, then the same events to the store's current region's object. The
   * cell moves its cursor only when both took them; a repeat is ignored by both.
   */
  async receiveForStore(storeId: string, alerts: Alert[]): Promise<number> {
    const added = await this.receive(alerts);
    const placement = await this.placement(storeId);
    return added + (placement ? await webhooksStub(this.env, placement.region).receive(alerts) : 0);
  }

  /** The store's region: as last noticed, or asked of the directory once (a store that never moved). */
  private async placement(storeId: string): Promise<StorePlacement | null> {
    const known = this.knownPlacement();
    if (known) return known;
    const asked = await directoryStub(this.env).storePlacement(storeId);
    if (asked) this.setPlacement(storeId, asked);
    return this.knownPlacement() ?? asked;
  }

  private knownPlacement(): StorePlacement | null {
    return this.sql.exec<{ region: string; rev: number }>("SELECT region, rev FROM placement WHERE id = 1").toArray()[0] ?? null;
  }

  /** The directory's notice of the store's region (after a move; repeated until taken), or its answer: a later revision wins. */
  setPlacement(storeId: string, placement: StorePlacement): void {
    if (!isNewerPlacement(this.knownPlacement(), placement)) return;
    this.sql.exec(
      "INSERT INTO placement (id, store_id, region, rev) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET region = excluded.region, rev = excluded.rev",
      storeId, placement.region, placement.rev,
    );
  }

  override async alarm(): Promise<void> {
    await this.pump();
    // The runtime retries an alarm that throws; one that returns with sends in flight could
    // see the object evicted under them.
    while (this.sending.size > 0) await Promise.race([...this.sending.values()].map((send) => send.done));
  }

  /**
   * Starts the due deliveries the lanes allow (see core/delivery-lanes.ts), then sets the alarm
   * for the next one due. Runs again whenever a send ends, so a slow receiver holds up only its
   * own lane, never the object's other receivers.
   */
  private async pump(): Promise<void> {
    // Runs after every send: only the ids of the first few due per webhook, payloads only of those picked.
    const due = this.sql
      .exec<{ id: number; webhookId: string }>(
        `SELECT id, webhook_id AS webhookId FROM (
           SELECT id, webhook_id, next_at, ROW_NUMBER() OVER (PARTITION BY webhook_id ORDER BY next_at, id) AS lane_position
           FROM deliveries WHERE status = 'pending' AND next_at <= ?)
         WHERE lane_position <= ? ORDER BY next_at, id LIMIT 500`,
        Date.now(), DELIVERY_LIMITS.perWebhook,
      )
      .toArray()
      .filter((row) => !this.sending.has(row.id));
    const inFlight = [...this.sending.values()].map((send) => send.webhookId);
    for (const { id } of pickSendable(due, inFlight, this.failing)) {
      void this.start(this.sql.exec<DeliveryRow>("SELECT * FROM deliveries WHERE id = ?", id).one());
    }
    await this.scheduleNext();
  }

  /** One attempt of `row`, known as in flight until it ends; then the lanes move on. */
  private start(row: DeliveryRow): Promise<void> {
    // Leased until the send must have ended: a restart meanwhile finds it due again then.
    this.sql.exec("UPDATE deliveries SET next_at = ? WHERE id = ? AND status = 'pending'", Date.now() + SEND_TIMEOUT_MS + LEASE_MARGIN_MS, row.id);
    const done = this.attempt(row)
      .catch((error: unknown) => console.error(JSON.stringify({ msg: "webhook attempt failed to record", deliveryId: row.id, error: String(error) })))
      .finally(() => {
        this.sending.delete(row.id);
        void this.pump().catch((error: unknown) => console.error(JSON.stringify({ msg: "webhook delivery run failed", error: String(error) })));
      });
    this.sending.set(row.id, { webhookId: row.webhook_id, done });
    return done;
  }

  private async scheduleNext(): Promise<void> {
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(next_at) AS at FROM deliveries WHERE status = 'pending'").one();
    if (row.at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.max(Date.now(), row.at));
  }

  /** One signed POST; 2xx is delivered, anything else (or no answer) is retried later or given up. */
  private async attempt(row: DeliveryRow): Promise<void> {
    const hook = this.sql.exec<HookRow>("SELECT * FROM hooks WHERE id = ?", row.webhook_id).toArray()[0];
    if (!hook) return;
    const attempts = row.attempts + 1;
    const timestamp = Math.floor(Date.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(hook.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": DELIVERY_USER_AGENT,
          [DELIVERY_HEADERS.event]: row.type,
          [DELIVERY_HEADERS.eventId]: row.event_id,
          [DELIVERY_HEADERS.webhook]: hook.id,
          [DELIVERY_HEADERS.delivery]: `d${row.id}`,
          [DELIVERY_HEADERS.signature]: await signatureHeader(hook.secret, row.payload, timestamp),
        },
        body: row.payload,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
        redirect: "manual",
      });
      status = response.status;
      await response.body?.cancel();
      if (status < 200 || status >= 300) error = `HTTP ${status}`;
    } catch (cause) {
      error = String(cause).slice(0, 500);
    }
    const now = Date.now();
    if (error === null) {
      this.failing.delete(hook.id);
      // The first delivery's time stays: a replay of a delivered event does not move it.
      this.sql.exec(
        `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, next_at = NULL,
           delivered_at = COALESCE(delivered_at, ?) WHERE id = ?`,
        status, new Date(now).toISOString(), row.id,
      );
      return;
    }
    this.failing.add(hook.id);
    const retryAt = nextAttemptAt(now, attempts, Math.random(), Number(this.env.WEBHOOK_RETRY_BASE_MS ?? RETRY_BASE_MS));
    const giveUp = shouldGiveUp(Date.parse(row.created_at), retryAt);
    // A delivered event stays delivered when a replay of it fails.
    this.sql.exec(
      `UPDATE deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?,
         status = CASE WHEN status = 'delivered' THEN 'delivered' ELSE ? END,
         next_at = CASE WHEN status = 'delivered' THEN NULL ELSE ? END
       WHERE id = ?`,
      status, error, giveUp ? "failed" : "pending", giveUp ? null : retryAt, row.id,
    );
  }
}
