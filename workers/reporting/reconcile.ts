import { and, eq, inArray, sql } from "drizzle-orm";
import type { CellKey, CellView } from "../../durable-objects/stock-cell";
import { cellStub, hubStub } from "../../durable-objects/stubs";
import { cells, movements, reconciliationDifferences, reconciliationRuns } from "../../schema/db/tables";
import type { z } from "@hono/zod-openapi";
import type { ReconciliationDifference } from "../../schema/report-rows";
import type { ReconcileResult } from "../../schema/service";
import { mapConcurrently } from "../concurrency";
import { ApiError } from "../errors";
import type { Env } from "../env";
import { groupBy } from "../group-by";
import { cellKeysOf, storeIdsOf } from "../stores";
import { sweepCells } from "../pace";
import { withReportingDb, type ReportingDb } from "./db";
import { keysToRead, type MustRead } from "./screen";

/** What a run found wrong with one cell's reports, and a run's answer: as the API declares them (schema/service.ts). */
export type Difference = z.output<typeof ReconciliationDifference>;
export type DifferenceKind = Difference["kind"];
export type ReconciliationResult = Omit<z.output<typeof ReconcileResult>, "next">;

/** Differences a resend of the cell's outbox can mend (the consumer ignores what it already has). */
const REPAIRABLE: ReadonlySet<DifferenceKind> = new Set(["snapshot_missing", "snapshot_behind", "ledger_gap"]);

/**
 * Compares every cell of the given stores (all stores when none are named) with the
 * reporting database: the snapshot row (same version, same counts) and the ledger
 * (one movement per version, and the movements' on-hand deltas adding up to on-hand).
 * Records the run and each difference; a clean run is recorded as clean.
 */
export interface ReconcileOptions {
  storeIds?: string[];
  /**
   * With one store named: only these of its SKUs (a page of the cron's maintenance, which
   * walks a large store a page at a time). Snapshot rows of SKUs the store's hub does not
   * know are looked for on the `last` page.
   */
  page?: { skus: string[]; last: boolean };
  trigger: string;
  /** Ask every cell with a repairable difference to send its retained outbox again. */
  repair?: boolean;
  /**
   * How the cells are read (each cell's view, null for a SKU never allocated): by default one
   * `read` per cell; the cron's maintenance reads them at its pace and keeps their holds for
   * its sweep, so each cell gets one call from the cron (workers/maintenance.ts).
   */
  readCells?: (keys: CellKey[]) => Promise<Array<CellView | null>>;
  /**
   * A screened run (the cron's): the stores' hubs' levels are compared with the reporting
   * side first, and only the cells whose level differs, that have none, or that `screen`
   * names are read; the others count as checked at their level (workers/reporting/screen.ts).
   * Without it, every cell is read (an admin's run).
   */
  screen?: MustRead;
}

/** Every cell read, at the isolate's pace for sweeps over cells (an admin's run of thousands of cells, locally). */
function readEachCell(env: Env, keys: CellKey[]): Promise<Array<CellView | null>> {
  return sweepCells(env, keys, async (key) => (await cellStub(env, key).read(key)) as CellView | null);
}

export function reconcile(env: Env, options: ReconcileOptions): Promise<ReconciliationResult> {
  return withReportingDb(env, (db) => reconcileWith(db, env, options));
}

type Snapshot = typeof cells.$inferSelect;
interface Ledger {
  storeId: string;
  sku: string;
  count: number;
  maxSeq: number;
  onHand: number;
}

/** The reporting side of the given stores (or of some SKUs of them): each cell's snapshot row and its ledger's sums (the two queries side by side). */
async function reportedState(db: ReportingDb, storeIds: string[], skus?: string[]): Promise<[Snapshot[], Ledger[]]> {
  if (storeIds.length === 0 || skus?.length === 0) return [[], []];
  return Promise.all([
    db.select().from(cells).where(and(inArray(cells.storeId, storeIds), skus ? inArray(cells.sku, skus) : undefined)),
    db
      .select({
        storeId: movements.storeId,
        sku: movements.sku,
        count: sql<number>`count(*)::int`,
        // bigint (levels pass 2^31), which the driver gives as text: back to numbers here.
        maxSeq: sql<number>`max(${movements.seq})`.mapWith(Number),
        onHand: sql<number>`coalesce(sum(${movements.onHandAfter} - ${movements.onHandBefore}), 0)::bigint`.mapWith(Number),
      })
      .from(movements)
      .where(and(inArray(movements.storeId, storeIds), skus ? inArray(movements.sku, skus) : undefined))
      .groupBy(movements.storeId, movements.sku),
  ]);
}

/** What a snapshot row keeps of a cell: its version and every count. */
const ROW_COUNTS = ["version", "onHand", "reserved", "soldOut", "oversold", "shared", "free", "quotas", "inTransit", "incoming"] as const;
type RowCounts = Pick<Snapshot, (typeof ROW_COUNTS)[number]>;

/** The cell's view as a snapshot row holds it (the row's own shape). */
function rowCountsOf(cell: CellView): RowCounts {
  return {
    version: cell.version,
    onHand: cell.onHand,
    reserved: cell.reserved,
    soldOut: cell.soldOut,
    oversold: cell.oversold,
    shared: cell.free.shared,
    free: cell.free.channels,
    quotas: Object.fromEntries(Object.entries(cell.channels).map(([name, channel]) => [name, channel.quota])),
    inTransit: cell.inTransit,
    incoming: cell.incoming,
  };
}

/** A count with a map's keys in order, so two of the same content compare (and print) alike as JSON. */
const inOrder = (value: RowCounts[keyof RowCounts]) =>
  typeof value === "object" ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1))) : value;

/** A cell's key as one text, for maps. */
const key = (storeId: string, sku: string) => `${storeId}\u0000${sku}`;

/** A snapshot row with no cell behind it (`details.version`: the row's, which its repair removes it at). */
function unknownCell(row: Pick<Snapshot, "storeId" | "sku" | "version">): Difference {
  return { storeId: row.storeId, sku: row.sku, kind: "unknown_cell", expected: null, actual: `version ${row.version}`, details: { version: row.version } };
}

/** Where the reporting side differs from the cells (the authority). */
function differencesOf(truth: CellView[], snapshots: Snapshot[], ledgers: Ledger[]): Difference[] {
  const snapshotOf = new Map(snapshots.map((row) => [key(row.storeId, row.sku), row]));
  const ledgerOf = new Map(ledgers.map((row) => [key(row.storeId, row.sku), row]));
  const differences: Difference[] = [];

  for (const cell of truth) {
    const at = { storeId: cell.storeId, sku: cell.sku };
    const snapshot = snapshotOf.get(key(cell.storeId, cell.sku));
    snapshotOf.delete(key(cell.storeId, cell.sku));
    if (!snapshot) {
      differences.push({ ...at, kind: "snapshot_missing", expected: `version ${cell.version}`, actual: null });
      continue;
    }
    if (snapshot.version < cell.version) {
      differences.push({ ...at, kind: "snapshot_behind", expected: `version ${cell.version}`, actual: `version ${snapshot.version}` });
    } else {
      // Every count the row holds (a version ahead of the cell's is wrong too): those that differ, as the cell has them and as the row does.
      const expected = rowCountsOf(cell);
      const differing = ROW_COUNTS.filter((name) => JSON.stringify(inOrder(expected[name])) !== JSON.stringify(inOrder(snapshot[name])));
      if (differing.length > 0) {
        const pick = (counts: RowCounts) => JSON.stringify(Object.fromEntries(differing.map((name) => [name, inOrder(counts[name])])));
        differences.push({ ...at, kind: "snapshot_mismatch", expected: pick(expected), actual: pick(snapshot), details: { version: cell.version } });
      }
    }
    const ledger = ledgerOf.get(key(cell.storeId, cell.sku));
    if (!ledger || ledger.count !== cell.version) {
      differences.push({
        ...at,
        kind: "ledger_gap",
        expected: `${cell.version} movements`,
        actual: `${ledger?.count ?? 0} movements`,
        details: { lastSeq: ledger?.maxSeq ?? null },
      });
    } else if (ledger.onHand !== cell.onHand) {
      differences.push({ ...at, kind: "ledger_mismatch", expected: `on hand ${cell.onHand}`, actual: `movements add up to ${ledger.onHand}` });
    }
  }
  // Snapshot rows with no cell behind them.
  for (const orphan of snapshotOf.values()) differences.push(unknownCell(orphan));
  return differences;
}

/**
 * A paged run's `unknown_cell`s: snapshot rows of the store whose SKU its hub does not know
 * (rows read first, then the hub's list, as above: a cell created meanwhile is listed).
 */
async function snapshotsWithoutCell(db: ReportingDb, env: Env, storeId: string): Promise<Difference[]> {
  const rows = await db.select({ storeId: cells.storeId, sku: cells.sku, version: cells.version }).from(cells).where(eq(cells.storeId, storeId));
  const known = new Set(await hubStub(env, storeId).skus());
  return rows.filter((row) => !known.has(row.sku)).map(unknownCell);
}

/** The levels the stores' hubs have of these cells (one hub call per store), by key. */
async function hubLevels(env: Env, keys: CellKey[]): Promise<Map<string, CellView>> {
  const levels = new Map<string, CellView>();
  await mapConcurrently([...groupBy(keys, (cell) => cell.storeId)], 8, async ([storeId, storeKeys]) => {
    for (const [sku, level] of await hubStub(env, storeId).levelsOf(storeKeys.map((cell) => cell.sku))) levels.set(key(storeId, sku), level as CellView);
  });
  return levels;
}

/**
 * A screened run's view of the cells: each cell's hub level, compared with the reporting side;
 * the cells it must read (see `keysToRead`) read, their answers taking the place of their levels.
 */
async function screenedRead(
  env: Env,
  keys: CellKey[],
  snapshots: Snapshot[],
  ledgers: Ledger[],
  mustRead: MustRead,
  readCells: (keys: CellKey[]) => Promise<Array<CellView | null>>,
): Promise<Array<CellView | null>> {
  const levels = await hubLevels(env, keys);
  // Snapshot rows without a level are the cells without one, read anyway (unknown_cell is found from the cells read).
  const differing = new Set(differencesOf([...levels.values()], snapshots, ledgers).filter((found) => found.kind !== "unknown_cell").map((found) => key(found.storeId, found.sku)));
  const levelOf = ({ storeId, sku }: CellKey) => levels.get(key(storeId, sku));
  const toRead = keysToRead(keys, levelOf, ({ storeId, sku }) => differing.has(key(storeId, sku)), mustRead);
  const answers = await readCells(toRead);
  const read = new Map(toRead.map(({ storeId, sku }, index) => [key(storeId, sku), answers[index] ?? null]));
  return keys.map((cell) => (read.has(key(cell.storeId, cell.sku)) ? read.get(key(cell.storeId, cell.sku))! : levelOf(cell)!));
}

/** Runs the stock side of a run (hubs, cells); its failure is a 503 that says so (`then`: what became of the run). */
async function stockSide<T>(work: () => Promise<T>, then = "nothing was recorded"): Promise<T> {
  try {
    return await work();
  } catch (error) {
    console.warn(JSON.stringify({ msg: "reconciliation could not reach the stock cells", error: String(error) }));
    throw new ApiError("unavailable", `the stock cells could not all be reached right now (the reporting database is not the cause); ${then}; try again`, { cause: "stock" });
  }
}

async function reconcileWith(db: ReportingDb, env: Env, options: ReconcileOptions): Promise<ReconciliationResult> {
  // Real time: runs are listed newest first, and local mode's clock may be set back.
  const startedAt = new Date().toISOString();
  const storeIds = await storeIdsOf(env, options.storeIds);
  const page = options.page;
  if (page && storeIds.length !== 1) throw new Error("a page of SKUs is reconciled for one store");

  // The reporting side first, then the cells: a change reaches Postgres only after its cell
  // committed it, so a cell read afterwards is never behind the rows just read, and traffic
  // during the run shows as a lag (repairable), never as a mismatch. The cells are listed
  // afterwards too: a cell is known to its hub before its first change can reach Postgres,
  // so a cell created during the run is never a snapshot row without a cell (unknown_cell).
  const [snapshots, ledgers] = await reportedState(db, storeIds, page?.skus);
  // The authority: every cell's current state, read from the cells themselves. A cell or hub
  // that fails here is not the reporting database's fault, and is not answered as if it were.
  const read = await stockSide(async () => {
    const keys = page ? page.skus.map((sku) => ({ storeId: storeIds[0]!, sku })) : await cellKeysOf(env, storeIds);
    const readCells = options.readCells ?? ((some: CellKey[]) => readEachCell(env, some));
    return options.screen ? screenedRead(env, keys, snapshots, ledgers, options.screen, readCells) : readCells(keys);
  });
  const truth = read.filter((cell): cell is CellView => cell !== null);
  const differences = differencesOf(truth, snapshots, ledgers);
  if (page?.last) differences.push(...(await snapshotsWithoutCell(db, env, storeIds[0]!)));

  const runId = crypto.randomUUID();
  const finishedAt = new Date().toISOString();
  await db.insert(reconciliationRuns).values({
    id: runId,
    startedAt,
    finishedAt,
    trigger: options.trigger,
    storeId: storeIds.length === 1 ? storeIds[0]! : null,
    cellsChecked: truth.length,
    differences: differences.length,
    clean: differences.length === 0,
  });
  if (differences.length > 0) {
    await db.insert(reconciliationDifferences).values(differences.map((difference) => ({ runId, ...difference, details: difference.details ?? null })));
  }
  const result: ReconciliationResult = { runId, trigger: options.trigger, startedAt, finishedAt, cellsChecked: truth.length, clean: differences.length === 0, differences };
  if (options.repair) {
    const resent = await stockSide(() => repair(env, differences), `the run ${runId} was recorded, its repair not sent`);
    result.repairs = [...resent, ...(await repairSnapshots(db, differences, truth, snapshots))];
  }
  return result;
}

/**
 * What a resend cannot mend, because the consumer takes a snapshot only from a newer version:
 * a row that differs from its cell at the same version, or is ahead of it, is set to the
 * cell's counts; a row with no cell behind it is removed. Each only while the row is as the
 * run read it (its version), so a newer level the consumer wrote meanwhile is kept.
 */
async function repairSnapshots(db: ReportingDb, differences: Difference[], truth: CellView[], snapshots: Snapshot[]): Promise<NonNullable<ReconciliationResult["repairs"]>> {
  const cellOf = new Map(truth.map((cell) => [key(cell.storeId, cell.sku), cell]));
  const rowOf = new Map(snapshots.map((row) => [key(row.storeId, row.sku), row]));
  const repairs: NonNullable<ReconciliationResult["repairs"]> = [];
  for (const { storeId, sku, kind, details } of differences) {
    const cell = cellOf.get(key(storeId, sku));
    const row = rowOf.get(key(storeId, sku));
    const at = and(eq(cells.storeId, storeId), eq(cells.sku, sku));
    if (kind === "snapshot_mismatch" && cell && row) {
      const set = await db
        .update(cells)
        .set({ ...rowCountsOf(cell), updatedAt: cell.updatedAt })
        .where(and(at, eq(cells.version, row.version)))
        .returning({ sku: cells.sku });
      if (set.length > 0) repairs.push({ storeId, sku, snapshot: "set" });
    } else if (kind === "unknown_cell" && typeof details?.version === "number") {
      const removed = await db.delete(cells).where(and(at, eq(cells.version, details.version))).returning({ sku: cells.sku });
      if (removed.length > 0) repairs.push({ storeId, sku, snapshot: "removed" });
    }
  }
  return repairs;
}

async function repair(env: Env, differences: Difference[]) {
  const seen = new Set<string>();
  const cellsToResend = differences.filter((difference) => {
    const name = `${difference.storeId}\u0000${difference.sku}`;
    if (!REPAIRABLE.has(difference.kind) || seen.has(name)) return false;
    seen.add(name);
    return true;
  });
  return mapConcurrently(cellsToResend, 16, async ({ storeId, sku }) => ({
    storeId,
    sku,
    ...(await cellStub(env, { storeId, sku }).resendToReports({ storeId, sku })),
  }));
}
