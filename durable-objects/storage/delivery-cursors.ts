import { deliveredUpTo, saveDeliveryCursor } from "./cell-tables";

/**
 * How far each destination of a cell's outbox has taken it, kept in memory and written to
 * SQLite lazily: with the cell's next commit, or by the delivery's timer. A cursor that is
 * behind after a restart only makes the outbox send some changes again, which every
 * receiver ignores; the changes themselves were durable before they were sent. Writing
 * each round's cursors at once cost a commit (an fsync) per delivery.
 */
export class DeliveryCursors {
  private readonly values = new Map<string, number>();
  private readonly unsaved = new Set<string>();
  private rewinds = 0;

  constructor(private readonly sql: SqlStorage) {}

  get(destination: string): number {
    let seq = this.values.get(destination);
    if (seq === undefined) this.values.set(destination, (seq = deliveredUpTo(this.sql, destination)));
    return seq;
  }

  /** Taken before a send: `advance` is refused if a rewind came in meanwhile. */
  get generation(): number {
    return this.rewinds;
  }

  /** After a send of the rows up to `seq` that began at `generation`. */
  advance(destination: string, seq: number, generation: number): void {
    if (generation !== this.rewinds || seq <= this.get(destination)) return;
    this.values.set(destination, seq);
    this.unsaved.add(destination);
  }

  /** Moves a cursor back so everything after `seq` is sent again; written at once. */
  rewind(destination: string, seq: number): void {
    // Even when the cursor is not past `seq` yet: a send in flight would carry it past.
    this.rewinds += 1;
    if (seq >= this.get(destination)) return;
    this.values.set(destination, seq);
    saveDeliveryCursor(this.sql, destination, seq);
    this.unsaved.delete(destination);
  }

  get dirty(): boolean {
    return this.unsaved.size > 0;
  }

  /**
   * Writes the cursors that moved, inside the caller's transaction, and answers a function
   * to call once that transaction succeeded (a rolled-back one leaves them to be written again).
   */
  write(): () => void {
    // Every commit of the cell asks, also when no cursor moved since the last one.
    if (this.unsaved.size === 0) return nothingWritten;
    const written = [...this.unsaved];
    for (const destination of written) saveDeliveryCursor(this.sql, destination, this.values.get(destination)!);
    return () => {
      for (const destination of written) this.unsaved.delete(destination);
    };
  }
}

const nothingWritten = () => undefined;
