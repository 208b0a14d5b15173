import type { Env } from "../../workers/env";
import type { CellState } from "../core";
import { historyCutoffs, nextAttemptAt, viewOf } from "../core";
import { now } from "../clock";
import { directoryStub, hubStub } from "../stubs";
import { EMPTY_OUTBOX_PAGE, OUTBOX_RETENTION_MS, firstOutboxSeq, lastOutboxSeq, outboxPages, pruneOutbox } from "./cell-tables";
import { forgetHistory } from "./cell-history";
import { DeliveryCursors } from "./delivery-cursors";
import { markOversellDelivered, undeliveredOversells } from "./oversell-records";
import { AlertDelivery } from "./alert-delivery";

const HUB = "hub";
const QUEUE = "queue";
const PAGE = 500;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;
/**
 * Cursors that moved are written this long after a delivery if no commit of the cell carried
 * them first (env `CURSOR_SAVE_MS` overrides it). A cursor that is behind after a restart
 * only makes the outbox send some changes again, which every receiver ignores; written
 * sooner, a cell that takes a change every few seconds (1,000 cells under load) paid a
 * second commit for nearly every change.
 */
const SAVE_CURSORS_AFTER_MS = 10_000;
/** How long after a commit its guard alarm looks at the outbox, whatever became of the delivery (see guard; env DELIVERY_GUARD_MS). */
const GUARD_AFTER_MS = 30_000;
/** How often a busy cell forgets old history (forgetHistory); sooner while whole batches wait. */
const FORGET_HISTORY_EVERY_MS = 10 * 60_000;

/**
 * Hands a cell's committed changes on, at least once and in order: every outbox row to
 * the store's hub (levels, changes feed, live push) and, through the hub (which sends what
 * its cells deliver together as one batch), to the reporting queue; every oversell record
 * to the chain's directory. A cursor advances only after a send succeeded (and is written
 * lazily, see DeliveryCursors); a failure retries from the cell's alarm with exponential
 * backoff and jitter. Receivers ignore repeats.
 */
export class OutboxDelivery {
  private running: Promise<void> | undefined;
  private wanted = false;
  private failures = 0;
  private saving: ReturnType<typeof setTimeout> | undefined;
  /** When history may next be forgotten: at once after a start, since the object may be old. */
  private forgetHistoryAt = 0;
  /** When the alarm this object last set fires (memory only: after a restart the next commit sets one). */
  private alarmAt: number | undefined;

  private readonly cursors: DeliveryCursors;
  private readonly alerts: AlertDelivery;
  private readonly saveCursorsAfterMs: number;
  private readonly guardAfterMs: number;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly currentState: () => CellState | undefined,
  ) {
    this.cursors = new DeliveryCursors(ctx.storage.sql);
    this.alerts = new AlertDelivery(this.cursors, env);
    this.saveCursorsAfterMs = Number(env.CURSOR_SAVE_MS ?? SAVE_CURSORS_AFTER_MS);
    this.guardAfterMs = Number(env.DELIVERY_GUARD_MS ?? GUARD_AFTER_MS);
  }

  /**
   * Writes the cursors that moved, inside the caller's transaction (a commit of the cell
   * carries them); call the returned function once that transaction has succeeded.
   */
  writeCursors(): () => void {
    return this.cursors.write();
  }

  /**
   * Call in the turn of a commit that wrote outbox rows: unless an alarm already waits, one is
   * set a little ahead, written with the commit. The delivery right after the commit runs in
   * memory; if the process dies first (a deploy, a crash, Ctrl-C locally), the alarm wakes the
   * cell after the restart and it delivers. Without it an idle cell kept such rows until its
   * next request, and its hub, the reports and the cron's screened reconciliation stayed
   * behind it, in step with each other. A busy cell writes one alarm per GUARD_AFTER_MS.
   */
  guard(): void {
    const at = Date.now();
    if (this.alarmAt !== undefined && this.alarmAt > at) return;
    void this.setAlarm(at + this.guardAfterMs);
  }

  private setAlarm(at: number): Promise<void> {
    this.alarmAt = at;
    return this.ctx.storage.setAlarm(at);
  }

  /**
   * With every change delivered everywhere and the cursors saved, the guard alarm has nothing
   * left to do: deleted, so it does not wake the cell again 30 s after its last commit (locally,
   * where every object shares one process's SQLite memory, a large import's cells would
   * otherwise open twice; on Cloudflare it spares each an alarm run). The next commit sets one.
   */
  private dropGuardIfDelivered(): void {
    const state = this.currentState();
    if (this.alarmAt === undefined || this.running || !state || this.behind(state)) return;
    this.alarmAt = undefined;
    void this.ctx.storage.deleteAlarm();
  }

  /** Asks for a delivery after a commit; one runs at a time and picks up whatever is new. */
  soon(): void {
    this.wanted = true;
    this.running ??= this.loop();
  }

  /** Runs a delivery now (from the alarm, which has fired: none waits now) and waits for it. */
  async run(): Promise<void> {
    this.alarmAt = undefined;
    this.soon();
    await this.running;
  }

  async resumeIfBehind(): Promise<void> {
    const state = this.currentState();
    if (state && this.behind(state)) await this.setAlarm(Date.now());
  }

  /** Whether a destination has not taken every change yet (by the cursors in memory). */
  private behind(state: CellState): boolean {
    const sql = this.ctx.storage.sql;
    const last = lastOutboxSeq(sql);
    return (
      last > this.cursors.get(HUB) ||
      (this.env.INVENTORY_EVENTS !== undefined && last > this.cursors.get(QUEUE)) ||
      undeliveredOversells(sql, state.storeId, state.sku).length > 0 ||
      this.alerts.behind(last)
    );
  }

  /**
   * Sends every retained outbox row to the reporting queue again (reconciliation's repair,
   * for events a queue lost). Rows older than the outbox's retention are gone: the answer
   * says from which version on the resend covers.
   */
  resendToReports(): { resentFrom: number | null } {
    const first = firstOutboxSeq(this.ctx.storage.sql);
    if (first === null || !this.env.INVENTORY_EVENTS) return { resentFrom: null };
    this.cursors.rewind(QUEUE, first - 1);
    this.soon();
    return { resentFrom: first };
  }

  private async loop(): Promise<void> {
    try {
      while (this.wanted) {
        this.wanted = false;
        await this.deliverAll();
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const now = Date.now();
      const retryAt = nextAttemptAt(now, this.failures, Math.random(), BASE_DELAY_MS, MAX_DELAY_MS);
      console.warn(JSON.stringify({ msg: "outbox delivery failed", failures: this.failures, retryInMs: retryAt - now, error: String(error) }));
      await this.setAlarm(retryAt);
    } finally {
      this.running = undefined;
    }
  }

  /**
   * One round per page: the hub, the queue, the directory (oversells) and the webhooks
   * (alerts) are sent to side by side; the cursors move in memory and are written later
   * (see saveCursorsSoon), so a round commits nothing unless it delivered oversell records.
   */
  private async deliverAll(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const state = this.currentState();
    if (!state) return;
    const queue = this.env.INVENTORY_EVENTS;
    try {
      for (;;) {
        const generation = this.cursors.generation;
        const pages = outboxPages(sql, PAGE);
        const toHub = pages(this.cursors.get(HUB));
        const toQueue = queue ? pages(this.cursors.get(QUEUE)) : EMPTY_OUTBOX_PAGE;
        const oversells = undeliveredOversells(sql, state.storeId, state.sku);
        const last = lastOutboxSeq(sql);
        const [hub, directory, alerts] = await Promise.allSettled([
          toHub.length > 0 || toQueue.length > 0 ? hubStub(this.env, state.storeId).receive(toHub.lines, viewOf(this.currentState()!), toQueue.lines) : undefined,
          oversells.length > 0 ? directoryStub(this.env).upsertOversells(oversells) : undefined,
          // Threshold events to the region's webhooks (see alert-delivery.ts).
          this.alerts.deliver(state.storeId, last, pages),
        ]);
        // No receipt: the hub was not called (nothing to send) or its call failed (thrown below).
        const receipt = hub.status === "fulfilled" ? hub.value : undefined;
        const unreported = toQueue.lastSeq !== undefined && receipt?.reported === false;
        if (receipt && toHub.lastSeq !== undefined) this.cursors.advance(HUB, toHub.lastSeq, generation);
        if (receipt && toQueue.lastSeq !== undefined && !unreported) this.cursors.advance(QUEUE, toQueue.lastSeq, generation);
        if (oversells.length > 0 && directory.status === "fulfilled") {
          this.ctx.storage.transactionSync(() => {
            for (const record of oversells) markOversellDelivered(sql, record.id, record.rev);
          });
        }
        for (const sent of [hub, directory, alerts]) if (sent.status === "rejected") throw sent.reason;
        if (unreported) throw new Error("the store hub could not send to the reporting queue");
        // A full page means more may wait; otherwise this round caught up.
        if (toHub.length < PAGE && toQueue.length < PAGE) return;
      }
    } finally {
      this.saveCursorsSoon();
    }
  }

  /**
   * Writes the cursors a while after a delivery, unless a commit of the cell carried them
   * first (see StockCell.flush), deletes the outbox rows every destination has taken once
   * they are old enough, and now and then forgets the history no rule reads any more.
   */
  private saveCursorsSoon(): void {
    this.saving ??= setTimeout(() => {
      this.saving = undefined;
      const sql = this.ctx.storage.sql;
      const saved = this.ctx.storage.transactionSync(() => {
        const saved = this.cursors.write();
        const everywhere = Math.min(this.cursors.get(HUB), this.env.INVENTORY_EVENTS ? this.cursors.get(QUEUE) : Number.MAX_SAFE_INTEGER, this.alerts.cursor());
        // The service clock stamps outbox rows and history, so it also says when they are old.
        const at = now();
        pruneOutbox(sql, everywhere, new Date(at - OUTBOX_RETENTION_MS).toISOString());
        if (at >= this.forgetHistoryAt) {
          const more = forgetHistory(sql, historyCutoffs(at));
          this.forgetHistoryAt = more ? 0 : at + FORGET_HISTORY_EVERY_MS;
        }
        return saved;
      });
      saved();
      this.dropGuardIfDelivered();
    }, this.saveCursorsAfterMs);
  }
}
