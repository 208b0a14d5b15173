import type { InventoryMessage } from "../../workers/reporting/messages";

/**
 * A small outbox for objects whose changes are rare (the directory): a message is written
 * in the same transaction as the change, sent after it, and deleted once the queue took it.
 * A failed send retries from the object's alarm.
 */
export class QueueOutbox {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly queue: Queue<InventoryMessage> | undefined,
  ) {
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS queue_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
  }

  /** Call inside the change's transaction (or with no await in between). */
  add(message: InventoryMessage): void {
    if (this.queue) this.ctx.storage.sql.exec("INSERT INTO queue_outbox (body) VALUES (?)", JSON.stringify(message));
  }

  async flush(): Promise<void> {
    if (!this.queue) return;
    const rows = this.ctx.storage.sql.exec<{ seq: number; body: string }>("SELECT seq, body FROM queue_outbox ORDER BY seq LIMIT 100").toArray();
    if (rows.length === 0) return;
    try {
      await this.queue.sendBatch(rows.map((row) => ({ body: JSON.parse(row.body) as InventoryMessage, contentType: "json" as const })));
      this.ctx.storage.sql.exec("DELETE FROM queue_outbox WHERE seq <= ?", rows.at(-1)!.seq);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "queue outbox send failed", error: String(error) }));
      await this.ctx.storage.setAlarm(Date.now() + 5_000);
    }
  }
}
