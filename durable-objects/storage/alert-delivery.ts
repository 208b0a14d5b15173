import type { Env } from "../../workers/env";
import type { Alert } from "../core";
import { directoryStub, webhooksStub } from "../stubs";
import type { OutboxPages } from "./cell-tables";
import type { DeliveryCursors } from "./delivery-cursors";

export const ALERTS = "alerts";

/**
 * Hands the threshold events in a cell's outbox to its region's Webhooks object, at least
 * once and in order (the webhooks dedupe by event id). It reads the outbox through the
 * delivery round's pages, so the rows the hub and the queue were sent from are read once;
 * the cursor moves past rows without alerts. The region is asked of the directory once.
 */
export class AlertDelivery {
  private region: string | null | undefined;

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
    this.region ??= (await directoryStub(this.env).getStore(storeId))?.region ?? null;
    if (this.region) await webhooksStub(this.env, this.region).receive(alerts);
  }
}
