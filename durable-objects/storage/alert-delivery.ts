import type { Env } from "../../workers/env";
import type { Alert } from "../core";
import { directoryStub, webhooksStub } from "../stubs";
import { deliveredUpTo, markDelivered } from "./cell-tables";

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
  async deliver(storeId: string, last: number): Promise<number | undefined> {
    if (!this.env.WEBHOOKS) return undefined;
    let from = deliveredUpTo(this.sql, ALERTS);
    if (from >= last) return undefined;
    while (from < last) {
      const rows = this.sql
        .exec<{ seq: number; event: string }>(`SELECT seq, event FROM outbox WHERE seq > ? AND seq <= ? AND event LIKE '%"alerts":%' ORDER BY seq LIMIT ?`, from, last, PAGE)
        .toArray();
      const alerts = rows.flatMap((row) => (JSON.parse(row.event) as { alerts?: Alert[] }).alerts ?? []);
      if (alerts.length > 0) {
        this.region ??= (await directoryStub(this.env).getStore(storeId))?.region ?? null;
        if (this.region) await webhooksStub(this.env, this.region).receive(alerts);
      }
      from = rows.length === PAGE ? rows.at(-1)!.seq : last;
    }
    return from;
  }

  /** Records how far the alerts went (inside the caller's transaction). */
  record(seq: number): void {
    markDelivered(this.sql, ALERTS, seq);
  }
}
