import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import type { OversellCause, OversellRecord } from "./storage/oversell-records";
import { nowIso } from "./clock";
import { migrate } from "./storage/migrate";
import { QueueOutbox } from "./storage/queue-outbox";
import type { StorePlacement } from "./core";
import { storeWebhooksStub } from "./stubs";

/** A placement notice that could not be handed on is tried again this long after. */
const NOTICE_RETRY_MS = 5_000;

export interface StoreRecord {
  storeId: string;
  name: string;
  region: string;
  /** Other regions this store also serves. */
  covers: string[];
  timezone: string;
  priority: number;
  updatedAt: string;
}

export const DEFAULT_STORE_PRIORITY = 100;

export type OversellStatus = "open" | "resolved";

/** An oversell as managers see it: the cell's record, plus the store's region and the human resolution. */
export interface Oversell {
  id: string;
  storeId: string;
  sku: string;
  region: string | null;
  shortfall: number;
  causes: OversellCause[];
  openedAt: string;
  /** When the cell's counts became healthy again (the record stays open until a person resolves it). */
  healedAt: string | null;
  status: OversellStatus;
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
}

export interface OversellQuery {
  regions?: string[];
  storeId?: string;
  status?: OversellStatus;
  limit: number;
  /** Continue after this id (ids order by store, SKU, and the cell's version). */
  after?: string;
}

/**
 * The store directory: one object for the whole chain. Stores change rarely and are
 * read through a short cache in the Worker, so one object is plenty.
 */
export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly outbox: QueueOutbox;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.outbox = new QueueOutbox(ctx, env.INVENTORY_EVENTS);
    migrate(this.sql, [
      `CREATE TABLE IF NOT EXISTS stores (
      store_id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL, timezone TEXT NOT NULL,
      priority INTEGER NOT NULL, updated_at TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS stores_by_region ON stores (region, priority, store_id);
      CREATE TABLE IF NOT EXISTS oversells (
        id TEXT PRIMARY KEY, store_id TEXT NOT NULL, sku TEXT NOT NULL, shortfall INTEGER NOT NULL,
        causes TEXT NOT NULL, opened_at TEXT NOT NULL, healed_at TEXT, rev INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'open', resolved_at TEXT, resolved_by TEXT, note TEXT);
      CREATE INDEX IF NOT EXISTS oversells_by_store ON oversells (store_id, status);`,
      `ALTER TABLE stores ADD COLUMN covers TEXT NOT NULL DEFAULT '[]'`,
      // Each change of a store's region counts up region_rev and leaves a notice for the
      // store's webhooks object until it took it; webhooks = 1 once a store subscription was registered.
      `ALTER TABLE stores ADD COLUMN region_rev INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE stores ADD COLUMN webhooks INTEGER NOT NULL DEFAULT 0;
       CREATE TABLE IF NOT EXISTS placement_notices (store_id TEXT PRIMARY KEY, region TEXT NOT NULL, rev INTEGER NOT NULL);`,
      // The listing is newest first (opened_at, then id, both descending).
      `CREATE INDEX IF NOT EXISTS oversells_newest ON oversells (opened_at, id);`,
    ]);
  }

  /**
   * Creates or changes a store. A change of region also leaves a notice for the store's
   * webhooks object in the same commit, with the alarm that retries it; it is handed on
   * before the answer when it can be (so the store's next events go to the new region).
   */
  async putStore(store: Omit<StoreRecord, "updatedAt">): Promise<{ store: StoreRecord; created: boolean }> {
    const before = this.storePlacement(store.storeId);
    const created = !before;
    const moved = before !== null && before.region !== store.region;
    // Real time, not the service clock: the reports keep the store row with the later
    // updatedAt, and local mode's clock may be set back (to real time) after moving ahead.
    const record: StoreRecord = { ...store, updatedAt: new Date().toISOString() };
    this.ctx.storage.transactionSync(() => {
      this.outbox.add({ kind: "stores", stores: [record] });
      this.sql.exec(
        `INSERT INTO stores (store_id, name, region, covers, timezone, priority, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (store_id) DO UPDATE SET name = excluded.name, region = excluded.region, covers = excluded.covers,
           timezone = excluded.timezone, priority = excluded.priority, updated_at = excluded.updated_at,
           region_rev = stores.region_rev + (stores.region <> excluded.region)`,
        record.storeId, record.name, record.region, JSON.stringify(record.covers), record.timezone, record.priority, record.updatedAt,
      );
      if (moved) {
        this.sql.exec(
          `INSERT INTO placement_notices (store_id, region, rev) VALUES (?, ?, ?)
           ON CONFLICT (store_id) DO UPDATE SET region = excluded.region, rev = excluded.rev`,
          record.storeId, record.region, before.rev + 1,
        );
      }
    });
    // Set with the notice (no await in between): a crash before it is handed on leaves the alarm to do it.
    if (moved) await this.ctx.storage.setAlarm(Date.now() + NOTICE_RETRY_MS);
    await Promise.all([this.outbox.flush(), this.sendPlacementNotices()]);
    return { store: record, created };
  }

  override async alarm(): Promise<void> {
    await Promise.all([this.outbox.flush(), this.sendPlacementNotices()]);
  }

  /** The store's region and how many times it changed (its webhooks object keeps the latest it heard). */
  storePlacement(storeId: string): StorePlacement | null {
    return this.sql.exec<{ region: string; rev: number }>("SELECT region, region_rev AS rev FROM stores WHERE store_id = ?", storeId).toArray()[0] ?? null;
  }

  /**
   * Hands each pending notice to its store's webhooks object; a notice is deleted once taken
   * (unless a newer one replaced it meanwhile), and what fails is tried again from the alarm.
   * Repeats are harmless: the object keeps only a later revision.
   */
  private async sendPlacementNotices(): Promise<void> {
    const notices = this.sql.exec<{ store_id: string; region: string; rev: number }>("SELECT store_id, region, rev FROM placement_notices").toArray();
    let failed = false;
    await Promise.all(notices.map(async (notice) => {
      try {
        await storeWebhooksStub(this.env, notice.store_id).setPlacement(notice.store_id, { region: notice.region, rev: notice.rev });
        this.sql.exec("DELETE FROM placement_notices WHERE store_id = ? AND rev = ?", notice.store_id, notice.rev);
      } catch (error) {
        failed = true;
        console.warn(JSON.stringify({ msg: "store placement notice not taken", storeId: notice.store_id, error: String(error) }));
      }
    }));
    if (failed) await this.ctx.storage.setAlarm(Date.now() + NOTICE_RETRY_MS);
  }

  /** Before a store subscription is registered: listing a region's webhooks asks only the stores marked here. */
  markStoreWebhooks(storeId: string): void {
    this.sql.exec("UPDATE stores SET webhooks = 1 WHERE store_id = ?", storeId);
  }

  /** The stores of these regions that may have store subscriptions (marked once, never unmarked). */
  storesWithWebhooks(regions: string[]): Array<{ storeId: string; region: string }> {
    return this.sql
      .exec<{ store_id: string; region: string }>(
        `SELECT store_id, region FROM stores WHERE webhooks = 1 AND region IN (${regions.map(() => "?").join(", ")}) ORDER BY store_id`,
        ...regions,
      )
      .toArray()
      .map((row) => ({ storeId: row.store_id, region: row.region }));
  }

  getStore(storeId: string): StoreRecord | null {
    return this.rows("SELECT * FROM stores WHERE store_id = ?", storeId)[0] ?? null;
  }

  /** The stores that serve a region's shoppers: their own region or one they cover, by priority. */
  storesCovering(region: string): StoreRecord[] {
    return this.rows(
      `SELECT * FROM stores WHERE region = ? OR EXISTS (SELECT 1 FROM json_each(stores.covers) WHERE value = ?)
       ORDER BY priority, store_id`,
      region,
      region,
    );
  }

  listStores(region?: string): StoreRecord[] {
    return region
      ? this.rows("SELECT * FROM stores WHERE region = ? ORDER BY priority, store_id", region)
      : this.rows("SELECT * FROM stores ORDER BY region, priority, store_id");
  }

  /**
   * From the cells (at least once, maybe out of order): a newer revision replaces an older one.
   * A revision with a new cause (the cell got worse) opens a resolved record again: the person
   * who resolved it has not seen that cause. Healing alone does not.
   */
  upsertOversells(records: OversellRecord[]): void {
    for (const record of records) {
      this.sql.exec(
        `INSERT INTO oversells (id, store_id, sku, shortfall, causes, opened_at, healed_at, rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET shortfall = excluded.shortfall, causes = excluded.causes,
           healed_at = excluded.healed_at, rev = excluded.rev,
           status = CASE WHEN ${GOT_WORSE} THEN 'open' ELSE status END,
           resolved_at = CASE WHEN ${GOT_WORSE} THEN NULL ELSE resolved_at END,
           resolved_by = CASE WHEN ${GOT_WORSE} THEN NULL ELSE resolved_by END,
           note = CASE WHEN ${GOT_WORSE} THEN NULL ELSE note END
         WHERE excluded.rev > oversells.rev`,
        record.id, record.storeId, record.sku, record.shortfall, JSON.stringify(record.causes), record.openedAt, record.healedAt, record.rev,
      );
    }
  }

  /**
   * A page of records, newest first (by when the oversell opened, then by id); null when
   * `after` is no record of this listing's stores (a cursor no page gave: records are never
   * deleted and never change when they opened, and a status may change between pages, so the
   * status filter does not count).
   */
  listOversells(query: OversellQuery): Oversell[] | null {
    const where: string[] = [];
    const bindings: (string | number)[] = [];
    if (query.regions) {
      where.push(`s.region IN (${query.regions.map(() => "?").join(", ")})`);
      bindings.push(...query.regions);
    }
    if (query.storeId) where.push("o.store_id = ?"), bindings.push(query.storeId);
    const from = "FROM oversells o LEFT JOIN stores s ON s.store_id = o.store_id";
    if (query.after !== undefined) {
      const atCursor = this.sql
        .exec<{ opened_at: string }>(`SELECT o.opened_at ${from} WHERE ${[...where, "o.id = ?"].join(" AND ")}`, ...bindings, query.after)
        .toArray()[0];
      if (!atCursor) return null;
      where.push("(o.opened_at, o.id) < (?, ?)"), bindings.push(atCursor.opened_at, query.after);
    }
    if (query.status) where.push("o.status = ?"), bindings.push(query.status);
    const sql = `SELECT o.*, s.region ${from} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY o.opened_at DESC, o.id DESC LIMIT ?`;
    return this.sql.exec<OversellRow>(sql, ...bindings, query.limit).toArray().map(oversellOf);
  }

  getOversell(id: string): Oversell | null {
    const row = this.sql.exec<OversellRow>("SELECT o.*, s.region FROM oversells o LEFT JOIN stores s ON s.store_id = o.store_id WHERE o.id = ?", id).toArray()[0];
    return row ? oversellOf(row) : null;
  }

  /** A person closes the record. Resolving twice keeps the first resolution. */
  resolveOversell(id: string, note: string, by: string): Oversell | null {
    this.sql.exec(
      "UPDATE oversells SET status = 'resolved', resolved_at = ?, resolved_by = ?, note = ? WHERE id = ? AND status = 'open'",
      nowIso(), by, note, id,
    );
    return this.getOversell(id);
  }

  private rows(query: string, ...bindings: string[]): StoreRecord[] {
    return this.sql
      .exec<{ store_id: string; name: string; region: string; covers: string; timezone: string; priority: number; updated_at: string }>(query, ...bindings)
      .toArray()
      .map((row) => ({
        storeId: row.store_id,
        name: row.name,
        region: row.region,
        covers: JSON.parse(row.covers) as string[],
        timezone: row.timezone,
        priority: row.priority,
        updatedAt: row.updated_at,
      }));
  }
}

/** An oversell revision that brings a cause the stored one lacks: the cell got worse. */
const GOT_WORSE = "json_array_length(excluded.causes) > json_array_length(oversells.causes)";

interface OversellRow extends Record<string, SqlStorageValue> {
  id: string;
  store_id: string;
  sku: string;
  region: string | null;
  shortfall: number;
  causes: string;
  opened_at: string;
  healed_at: string | null;
  status: string;
  resolved_at: string | null;
  resolved_by: string | null;
  note: string | null;
}

function oversellOf(row: OversellRow): Oversell {
  return {
    id: row.id,
    storeId: row.store_id,
    sku: row.sku,
    region: row.region,
    shortfall: row.shortfall,
    causes: JSON.parse(row.causes) as OversellCause[],
    openedAt: row.opened_at,
    healedAt: row.healed_at,
    status: row.status as OversellStatus,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    note: row.note,
  };
}
