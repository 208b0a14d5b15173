import type { Env } from "../../workers/env";
import type { Alert } from "../core";
import { storeWebhooksStub } from "../stubs";
import type { OutboxPages } from "./cell-tables";
import type { DeliveryCursors } from "./delivery-cursors";

export const ALERTS = "alerts";

/**
 * Hands the threshold events in a cell's outbox to its store's Webhooks object, at least
 * once and in order (the webhooks dedupe by event id); that object passes them on to the
 * store's current region's, so a cell never needs to know its store's region (it may
 * change). It reads the outbox through the delivery round's pages, so the rows the hub and
 * the queue were sent from are read once; the cursor moves past rows without alerts.
 */
export class AlertDelivery {
  constructor(
    private readonly cursors: DeliveryCursors,
    private readonly env: Env,
  ) {}

  behind(last: number): boolean {
    return this.env.WEBHOOKS !== undefined && last > this.cursors.get(ALERTS);
  }

  cursor(): number {
    return this.env.WEBHOOKS ? this.cursors.get(ALERTS) : Number.MAX_SAFE_INTEGER;
  }

  /**
   * Sends every alert up to outbox row `last` (a later page may reach past it: those rows
   * are written too) and moves the cursor past them; after a failure the alerts are sent
   * again, and the webhooks ignore the repeats.
   */
  async deliver(storeId: string, last: number, pages: OutboxPages): Promise<void> {
    if (!this.env.WEBHOOKS) return;
    const generation = this.cursors.generation;
    let from = this.cursors.get(ALERTS);
    while (from < last) {
      // Usually the page the hub and the queue were sent from: read once for all three.
      const page = pages(from);
      await this.send(storeId, page.alerts());
      from = page.lastSeq ?? last;
      this.cursors.advance(ALERTS, from, generation);
    }
  }

  private async send(storeId: string, alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await storeWebhooksStub(this.env, storeId).receiveForStore(storeId, alerts);
  }
}
