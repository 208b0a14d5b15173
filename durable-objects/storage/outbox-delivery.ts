import type { Env } from "../../workers/env";
import type { CellState } from "../core";
import { nextAttemptAt, viewOf } from "../core";
import { directoryStub, hubStub } from "../stubs";
import { OUTBOX_RETENTION_MS, deliveredUpTo, firstOutboxSeq, lastOutboxSeq, markDelivered, outboxPages, pruneOutbox, rewindDelivery, type CellEvent } from "./cell-tables";
import { markOversellDelivered, undeliveredOversells } from "./oversell-records";
import { AlertDelivery } from "./alert-delivery";

const HUB = "hub";
const QUEUE = "queue";
const PAGE = 500;
/** Events packed into one queue message (well under the 128 KB message limit). */
const EVENTS_PER_MESSAGE = 100;

/** What the cells put on the "inventory-events" queue. */
export interface CellEventsMessage {
  kind: "cell-events";
  events: CellEvent[];
}
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

/**
 * Hands a cell's committed changes on, at least once and in order: every outbox row to
 * the store's hub (levels, changes feed, live push) and to the reporting queue (many
 * events per message), and every oversell record to the chain's directory. A cursor advances only after a send succeeded; a failure retries
 * from the cell's alarm with exponential backoff and jitter. Receivers ignore repeats.
 */
export class OutboxDelivery {
  private running: Promise<void> | undefined;
  private wanted = false;
  private failures = 0;

  private readonly alerts: AlertDelivery;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly currentState: () => CellState | undefined,
  ) {
    this.alerts = new AlertDelivery(ctx.storage.sql, env);
  }

  /** Asks for a delivery after a commit; one runs at a time and picks up whatever is new. */
  soon(): void {
    this.wanted = true;
    this.running ??= this.loop();
  }

  /** Runs a delivery now (from the alarm) and waits for it. */
  async run(): Promise<void> {
    this.soon();
    await this.running;
  }

  async resumeIfBehind(): Promise<void> {
    const state = this.currentState();
    if (!state) return;
    const last = lastOutboxSeq(this.ctx.storage.sql);
    const behind =
      last > deliveredUpTo(this.ctx.storage.sql, HUB) ||
      (this.env.INVENTORY_EVENTS !== undefined && last > deliveredUpTo(this.ctx.storage.sql, QUEUE)) ||
      undeliveredOversells(this.ctx.storage.sql, state.storeId, state.sku).length > 0 ||
      this.alerts.behind(last);
    if (behind) await this.ctx.storage.setAlarm(Date.now());
  }

  /**
   * Sends every retained outbox row to the reporting queue again (reconciliation's repair,
   * for events a queue lost). Rows older than the outbox's retention are gone: the answer
   * says from which version on the resend covers.
   */
  resendToReports(): { resentFrom: number | null } {
    const first = firstOutboxSeq(this.ctx.storage.sql);
    if (first === null || !this.env.INVENTORY_EVENTS) return { resentFrom: null };
    rewindDelivery(this.ctx.storage.sql, QUEUE, first - 1);
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
      await this.ctx.storage.setAlarm(retryAt);
    } finally {
      this.running = undefined;
    }
  }

  /**
   * One round per page: the hub and the queue are sent to side by side, then the oversells
   * and the alerts, and every cursor that moved is written in one commit (each write after
   * an await would otherwise be a commit of its own).
   */
  private async deliverAll(): Promise<void> {
    const sql = this.ctx.storage.sql;
    const state = this.currentState();
    if (!state) return;
    const queue = this.env.INVENTORY_EVENTS;
    for (;;) {
      const pages = outboxPages(sql, PAGE);
      const toHub = pages(deliveredUpTo(sql, HUB));
      const toQueue = queue ? pages(deliveredUpTo(sql, QUEUE)) : [];
      const oversells = undeliveredOversells(sql, state.storeId, state.sku);
      const last = lastOutboxSeq(sql);
      const [hub, reports, directory, alerts] = await Promise.allSettled([
        toHub.length > 0 ? hubStub(this.env, state.storeId).receive(toHub, viewOf(this.currentState()!)) : undefined,
        queue && toQueue.length > 0 ? queue.sendBatch(messagesOf(toQueue)) : undefined,
        oversells.length > 0 ? directoryStub(this.env).upsertOversells(oversells) : undefined,
        // Threshold events to the region's webhooks (see alert-delivery.ts).
        this.alerts.deliver(state.storeId, last, pages),
      ]);
      this.ctx.storage.transactionSync(() => {
        if (toHub.length > 0 && hub.status === "fulfilled") markDelivered(sql, HUB, toHub.at(-1)!.seq);
        if (toQueue.length > 0 && reports.status === "fulfilled") markDelivered(sql, QUEUE, toQueue.at(-1)!.seq);
        if (directory.status === "fulfilled") for (const record of oversells) markOversellDelivered(sql, record.id, record.rev);
        if (alerts.status === "fulfilled" && alerts.value !== undefined) this.alerts.record(alerts.value);
        // Only what every destination has may go, by the cursors as stored: they are read
        // back because a resend to the reports may have rewound the queue's during the sends.
        const everywhere = Math.min(deliveredUpTo(sql, HUB), queue ? deliveredUpTo(sql, QUEUE) : Number.MAX_SAFE_INTEGER, this.alerts.cursor());
        pruneOutbox(sql, everywhere, new Date(Date.now() - OUTBOX_RETENTION_MS).toISOString());
      });
      for (const sent of [hub, reports, directory, alerts]) if (sent.status === "rejected") throw sent.reason;
      // A full page means more may wait; otherwise this round caught up.
      if (toHub.length < PAGE && toQueue.length < PAGE) return;
    }
  }
}

function messagesOf(events: CellEvent[]): MessageSendRequest<CellEventsMessage>[] {
  const messages: MessageSendRequest<CellEventsMessage>[] = [];
  for (let i = 0; i < events.length; i += EVENTS_PER_MESSAGE) {
    messages.push({ body: { kind: "cell-events", events: events.slice(i, i + EVENTS_PER_MESSAGE) }, contentType: "json" });
  }
  return messages;
}
