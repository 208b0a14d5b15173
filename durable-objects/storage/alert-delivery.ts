import type { Env } from "../../workers/env";
import type { Alert } from "../core";
import { directoryStub, webhooksStub } from "../stubs";
import { deliveredUpTo, markDelivered, type CellEvent } from "./cell-tables";

/** Outbox rows the caller already read: every row after `after`, in order. */
export interface RowsRead {
  after: number;
  events: CellEvent[];
}

export const ALERTS = "alerts";
const PAGE = 500;

/**
 * Hands the threshold events in a cell's outbox to its region's Webhooks object, at least
 * once and in order (the webhooks dedupe by event id). Only rows that carry alerts are
 * read; the cursor moves past the others. The region is asked of the directory once.
 */
export class AlertDelivery {
  private region: string | null | undefined;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
  ) {}

  behind(last: number): boolean {
    return this.env.WEBHOOKS !== undefined && last > deliveredUpTo(this.sql, ALERTS);
  }

  cursor(): number {
    return this.env.WEBHOOKS ? deliveredUpTo(this.sql, ALERTS) : Number.MAX_SAFE_INTEGER;
  }

  /**
   * Sends every alert up to outbox row `last` and answers the cursor to record (undefined:
   * nothing to record). The caller writes it with the other cursors in one commit; after a
   * failure the alerts are sent again, and the webhooks ignore the repeats.
   */
  async deliver(storeId: string, last: number, read?: RowsRead): Promise<number | undefined> {
    if (!this.env.WEBHOOKS) return undefined;
    let from = deliveredUpTo(this.sql, ALERTS);
    if (from >= last) return undefined;
    // The caller has usually just read exactly these rows for the hub: no second read.
    if (read && read.after === from && read.events.at(-1)?.seq === last) {
      await this.send(storeId, read.events.flatMap((event) => event.alerts ?? []));
      return last;
    }
    while (from < last) {
      const rows = this.sql
        .exec<{ seq: number; event: string }>(`SELECT seq, event FROM outbox WHERE seq > ? AND seq <= ? AND event LIKE '%"alerts":%' ORDER BY seq LIMIT ?`, from, last, PAGE)
        .toArray();
      await this.send(storeId, rows.flatMap((row) => (JSON.parse(row.event) as { alerts?: Alert[] }).alerts ?? []));
      from = rows.length === PAGE ? rows.at(-1)!.seq : last;
    }
    return from;
  }

  private async send(storeId: string, alerts: Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    this.region ??= (await directoryStub(this.env).getStore(storeId))?.region ?? null;
    if (this.region) await webhooksStub(this.env, this.region).receive(alerts);
  }

  /** Records how far the alerts went (inside the caller's transaction). */
  record(seq: number): void {
    markDelivered(this.sql, ALERTS, seq);
  }
}
