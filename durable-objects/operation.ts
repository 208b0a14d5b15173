import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import { withRetries, type CellCommand, type DomainError } from "./core";
import type { CellReply } from "./stock-cell";
import type { StageAnswer, StageLine } from "./store-hub";
import { cellStub, hubStub } from "./stubs";
import { sweepCells } from "../workers/pace";
import { groupBy } from "../workers/group-by";
import { nowIso } from "./clock";
import { migrate } from "./storage/migrate";

/** How long an interrupted operation waits before its alarm finishes it. */
const RECOVERY_DELAY_MS = 10_000;
/** Import lines sent to a store's hub in one call (one commit there). */
const STAGE_CHUNK = 2_000;

interface PendingRow extends Record<string, SqlStorageValue> {
  idx: number;
  store_id: string;
  sku: string;
  command: string;
  hint: string | null;
}

/** An item for a cell, its command parsed once. */
interface CellItem {
  row: PendingRow;
  command: CellCommand;
}

export interface OperationItem {
  storeId: string;
  sku: string;
  command: CellCommand;
  /** Where the cell should live if this creates it (its store's region). */
  locationHint?: DurableObjectLocationHint;
}

export interface OperationRequest {
  /** What was asked, as a stable text: the same id with another fingerprint is a conflict. */
  fingerprint: string;
  items: OperationItem[];
  /** Cells called at once. */
  concurrency: number;
  /** Anything the caller wants back on a repeat (counts, skipped lines …). */
  summary?: Record<string, unknown>;
}

export interface ItemOutcome {
  ok: boolean;
  version?: number;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export type OperationReply =
  | { ok: true; created: boolean; outcomes: ItemOutcome[]; completedAt: string; summary?: Record<string, unknown> }
  | { ok: false; error: DomainError };

interface RecordRow extends Record<string, SqlStorageValue> {
  fingerprint: string;
  phase: string;
  summary: string | null;
  completed_at: string | null;
}

const otherContent = (phase: string): DomainError => ({ code: "conflict", message: "this id was already used with other content", details: { status: phase } });

/**
 * One multi-cell operation (a return, an import) applied exactly once: the request and its
 * items are written down before any cell is called, each cell dedupes by the operation's
 * id, and the alarm finishes an operation a restart interrupted. A repeat with the same
 * content answers what the first call answered; other content is a conflict.
 */
export class Operation extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, [
      `CREATE TABLE IF NOT EXISTS operation (id INTEGER PRIMARY KEY CHECK (id = 1), fingerprint TEXT NOT NULL, phase TEXT NOT NULL,
         summary TEXT, created_at TEXT NOT NULL, completed_at TEXT);
       CREATE TABLE IF NOT EXISTS items (idx INTEGER PRIMARY KEY, store_id TEXT NOT NULL, sku TEXT NOT NULL, command TEXT NOT NULL, outcome TEXT);`,
      "ALTER TABLE items ADD COLUMN hint TEXT",
    ]);
  }

  run(request: OperationRequest): Promise<OperationReply> {
    return this.serialized(async () => {
      const existing = this.record();
      if (existing && existing.fingerprint !== request.fingerprint) return { ok: false, error: otherContent(existing.phase) };
      const created = !existing;
      if (!existing) {
        const now = nowIso();
        this.ctx.storage.transactionSync(() => {
          this.sql.exec(
            "INSERT INTO operation (id, fingerprint, phase, summary, created_at) VALUES (1, ?, 'applying', ?, ?)",
            request.fingerprint, request.summary ? JSON.stringify(request.summary) : null, now,
          );
          request.items.forEach((item, index) =>
            this.sql.exec(
              "INSERT INTO items (idx, store_id, sku, command, hint) VALUES (?, ?, ?, ?, ?)",
              index, item.storeId, item.sku, JSON.stringify(item.command), item.locationHint ?? null,
            ),
          );
        });
        await this.ctx.storage.setAlarm(Date.now() + RECOVERY_DELAY_MS);
        await this.ctx.storage.sync();
      }
      try {
        await this.finish(request.concurrency);
      } catch (error) {
        // The items left are retried by the alarm; the caller learns the outcome by repeating.
        const left = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM items WHERE outcome IS NULL").one().n;
        console.warn(JSON.stringify({ msg: "operation items not applied yet", pending: left, error: String(error) }));
        return {
          ok: false,
          error: {
            code: "unavailable",
            message: `${left} of ${request.items.length} items could not be applied yet; they are retried in the background: repeat the same request for the outcome`,
            details: { pending: left, retryAfterSeconds: RECOVERY_DELAY_MS / 1000 },
          },
        };
      }
      return this.reply(created);
    });
  }

  /**
   * The conflict `run` would answer for other content, when this id is used already; null
   * when it is free (a caller whose request cannot be this id's asks before refusing it otherwise).
   */
  usedBefore(): DomainError | null {
    const existing = this.record();
    return existing ? otherContent(existing.phase) : null;
  }

  override async alarm(): Promise<void> {
    await this.serialized(async () => {
      if (this.record()?.phase === "applying") await this.finish(16);
    });
  }

  private record(): RecordRow | undefined {
    return this.sql.exec<RecordRow>("SELECT fingerprint, phase, summary, completed_at FROM operation WHERE id = 1").toArray()[0];
  }

  /** Applies every item without an outcome yet; a failed call leaves the item for the alarm to retry. */
  private async finish(concurrency: number): Promise<void> {
    const rows = this.sql.exec<PendingRow>("SELECT idx, store_id, sku, command, hint FROM items WHERE outcome IS NULL ORDER BY idx").toArray();
    // Outcomes are kept in memory and written once at the end: a write between calls would
    // hold every further call behind the output gate until it is durable. A restart before
    // the end re-applies every item, which the cells and hubs answer as repeats.
    const outcomes: Array<{ idx: number; outcome: ItemOutcome }> = [];
    const staging = await this.stageImports(rows, outcomes);
    let failure = staging.failure;
    // Locally every object shares one process's SQLite memory: a large re-import into cells
    // that exist opens them at the isolate's pace for calls over many cells (workers/pace.ts).
    await sweepCells(this.env, staging.forCells, async ({ row, command }) => {
      const key = { storeId: row.store_id, sku: row.sku };
      const hint = (row.hint ?? undefined) as DurableObjectLocationHint | undefined;
      try {
        // Each item is applied once per operation id, so a call that failed may be repeated
        // (a fresh stub each time: one that threw may be broken).
        const reply = (await withRetries(() => cellStub(this.env, key, hint).execute(key, command))) as CellReply;
        const outcome: ItemOutcome = reply.ok
          ? { ok: true, ...(reply.cell ? { version: reply.cell.version } : {}) }
          : { ok: false, error: reply.error };
        outcomes.push({ idx: row.idx, outcome });
      } catch (error) {
        failure ??= error;
      }
    }, { concurrency: Math.max(1, concurrency), writes: true });
    this.ctx.storage.transactionSync(() => {
      for (const { idx, outcome } of outcomes) this.sql.exec("UPDATE items SET outcome = ? WHERE idx = ?", JSON.stringify(outcome), idx);
    });
    if (failure !== undefined) {
      await this.ctx.storage.setAlarm(Date.now() + RECOVERY_DELAY_MS);
      throw failure;
    }
    if (this.record()?.phase === "applying") {
      this.sql.exec("UPDATE operation SET phase = 'done', completed_at = ? WHERE id = 1", nowIso());
      await this.ctx.storage.deleteAlarm();
    }
  }

  /**
   * Import lines for SKUs that have no cell yet are staged in their store's hub, many lines
   * per commit, instead of creating one object per line (see StoreHub.stage); the lines the
   * hubs hand back, and every other item, go to the cells. Lines of a hub that fails stay
   * pending, as a failed cell call does.
   */
  private async stageImports(rows: PendingRow[], outcomes: Array<{ idx: number; outcome: ItemOutcome }>): Promise<{ forCells: CellItem[]; failure: unknown }> {
    const forCells: CellItem[] = [];
    const lines: Array<{ row: PendingRow; line: StageLine }> = [];
    for (const row of rows) {
      const command = JSON.parse(row.command) as CellCommand;
      if (command.type !== "import") forCells.push({ row, command });
      else lines.push({ row, line: { sku: row.sku, command, ...(row.hint ? { locationHint: row.hint as DurableObjectLocationHint } : {}) } });
    }
    const byStore = groupBy(lines, ({ row }) => row.store_id);
    let failure: unknown;
    for (const [storeId, items] of byStore) {
      for (let start = 0; start < items.length; start += STAGE_CHUNK) {
        const chunk = items.slice(start, start + STAGE_CHUNK);
        try {
          const answers = (await withRetries(() => hubStub(this.env, storeId).stage(storeId, chunk.map((item) => item.line)))) as StageAnswer[];
          answers.forEach((outcome, index) => {
            const { row, line } = chunk[index]!;
            if (outcome === null) forCells.push({ row, command: line.command });
            else outcomes.push({ idx: row.idx, outcome });
          });
        } catch (error) {
          failure ??= error;
        }
      }
    }
    return { forCells, failure };
  }

  private reply(created: boolean): OperationReply {
    const record = this.record()!;
    const outcomes = this.sql
      .exec<{ outcome: string | null }>("SELECT outcome FROM items ORDER BY idx")
      .toArray()
      .map((row) => JSON.parse(row.outcome ?? '{"ok":false}') as ItemOutcome);
    return {
      ok: true,
      created,
      outcomes,
      completedAt: record.completed_at ?? nowIso(),
      ...(record.summary ? { summary: JSON.parse(record.summary) as Record<string, unknown> } : {}),
    };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
