import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The reporting database: written only by the queue consumer (idempotently, by event id)
 * and by reconciliation; read by the reports API and the dashboard. The stock cells stay
 * the authority; this is their history and a snapshot that follows them.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "string" });

export const stores = pgTable("stores", {
  storeId: text("store_id").primaryKey(),
  name: text("name").notNull(),
  region: text("region").notNull(),
  timezone: text("timezone").notNull(),
  priority: integer("priority").notNull(),
  updatedAt: ts("updated_at").notNull(),
});

/**
 * The latest level of every cell, replaced only by a newer version. Levels are bigint: a
 * relative change is always applied (DOMAIN.md), so on hand can pass 2^31 (or go that far
 * below 0), and a level the reports cannot store would stop the cell's events for good.
 */
export const cells = pgTable(
  "cells",
  {
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    onHand: bigint("on_hand", { mode: "number" }).notNull(),
    reserved: bigint("reserved", { mode: "number" }).notNull(),
    soldOut: boolean("sold_out").notNull(),
    oversold: boolean("oversold").notNull(),
    shared: bigint("shared", { mode: "number" }).notNull(),
    free: jsonb("free").$type<Record<string, number>>().notNull(),
    quotas: jsonb("quotas").$type<Record<string, number>>().notNull(),
    /** Units shipped out by transfers and not yet received or cancelled; units on their way here. */
    inTransit: bigint("in_transit", { mode: "number" }).notNull().default(0),
    incoming: bigint("incoming", { mode: "number" }).notNull().default(0),
    updatedAt: ts("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.storeId, table.sku] }), index("cells_low_stock").on(table.storeId, table.onHand)],
);

/** The ledger: every change of every cell, exactly once. */
export const movements = pgTable(
  "movements",
  {
    eventId: text("event_id").primaryKey(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    kind: text("kind").notNull(),
    at: ts("at").notNull(),
    effectiveAt: ts("effective_at").notNull(),
    qty: integer("qty"),
    delta: bigint("delta", { mode: "number" }),
    channel: text("channel"),
    reason: text("reason"),
    reservationId: text("reservation_id"),
    /** The return, transfer or import the movement belongs to. */
    reference: text("reference"),
    sourceEventId: text("source_event_id"),
    onHandBefore: bigint("on_hand_before", { mode: "number" }).notNull(),
    onHandAfter: bigint("on_hand_after", { mode: "number" }).notNull(),
    reservedBefore: bigint("reserved_before", { mode: "number" }).notNull(),
    reservedAfter: bigint("reserved_after", { mode: "number" }).notNull(),
    appliedAt: ts("applied_at").notNull().default(sql`now()`),
  },
  (table) => [
    index("movements_by_cell").on(table.storeId, table.sku, table.seq),
    // Partial: most movements (sales, holds) have no reference, and a full index cost every insert an entry.
    // text_pattern_ops: the movements report finds a transfer's attempts by prefix (`LIKE 'transfer:T1#%'`).
    index("movements_by_reference").on(table.reference.op("text_pattern_ops")).where(sql`${table.reference} IS NOT NULL`),
    // The reference filter also finds a reservation's movements (the ledger's Reference column shows its id); partial like the reference's.
    // A POS event's movement is found by its source_event_id within one store, with no index of its own: nearly every
    // movement of the reporting flush is a till's, and one more index entry each would slow the flush (issue 6).
    index("movements_by_reservation").on(table.reservationId).where(sql`${table.reservationId} IS NOT NULL`),
    index("movements_by_store_time").on(table.storeId, table.at, table.eventId),
    index("movements_by_time").on(table.at, table.eventId),
  ],
);

/** One row per reservation and cell, from the cells' hold / confirm / release / expire events (status `abandoned`: an attempt that never became the reservation). */
export const reservations = pgTable(
  "reservations",
  {
    reservationId: text("reservation_id").notNull(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    /** The reservation's attempt the row follows (a refused or cut-off attempt is tried again under the next). */
    attempt: integer("attempt").notNull().default(0),
    channel: text("channel"),
    qty: integer("qty").notNull(),
    status: text("status").notNull(),
    createdAt: ts("created_at"),
    expiresAt: ts("expires_at"),
    endedAt: ts("ended_at"),
  },
  (table) => [
    primaryKey({ columns: [table.reservationId, table.storeId, table.sku] }),
    index("reservations_by_status").on(table.status, table.endedAt),
    index("reservations_by_store").on(table.storeId, table.status),
  ],
);

export const oversells = pgTable(
  "oversells",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    shortfall: bigint("shortfall", { mode: "number" }).notNull(),
    openedAt: ts("opened_at").notNull(),
    healedAt: ts("healed_at"),
    causes: jsonb("causes").$type<string[]>().notNull(),
  },
  (table) => [index("oversells_by_store").on(table.storeId, table.openedAt)],
);

/** Queue messages that kept failing, kept for a person to look at. */
export const deadLetters = pgTable("dead_letters", {
  id: text("id").primaryKey(),
  queue: text("queue").notNull(),
  body: jsonb("body").notNull(),
  attempts: integer("attempts").notNull(),
  receivedAt: ts("received_at").notNull().default(sql`now()`),
});

export const reconciliationRuns = pgTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    startedAt: ts("started_at").notNull(),
    finishedAt: ts("finished_at").notNull(),
    trigger: text("trigger").notNull(),
    /** The one store a run covered (the cron runs one per store); null for a run over several. */
    storeId: text("store_id"),
    cellsChecked: integer("cells_checked").notNull(),
    differences: integer("differences").notNull(),
    clean: boolean("clean").notNull(),
  },
  // Newest first, for the chain and for one store (the cron adds a run per store every 15 minutes).
  (table) => [index("reconciliation_runs_by_time").on(table.startedAt), index("reconciliation_runs_by_store").on(table.storeId, table.startedAt)],
);

export const reconciliationDifferences = pgTable(
  "reconciliation_differences",
  {
    runId: text("run_id").notNull(),
    storeId: text("store_id").notNull(),
    sku: text("sku").notNull(),
    kind: text("kind").notNull(),
    expected: text("expected"),
    actual: text("actual"),
    details: jsonb("details"),
  },
  (table) => [index("differences_by_run").on(table.runId)],
);
