import { DurableObject } from "cloudflare:workers";
import type { Env } from "../workers/env";
import { cellStub } from "./stubs";
import { RecentShortages, SETTLED_PHASES, type CellCommand, type ReservationRecord, type ReservationRequest } from "./core";
import { cellName, type CellKey, type CellReply } from "./stock-cell";
import { GroupedCalls } from "./grouped-calls";
import { migrate } from "./storage/migrate";
import { TurnBatch } from "./turn-batch";
import { ReservationBook, recoveryTime, type Next, type ReservationReply, type UnownedHoldCandidate } from "./reservation-book";

/** The due time of a row the migrations mark due at once: 1 ms after the epoch (setAlarm refuses 0). */
export const DUE_AT_ONCE = 1;

/** One reservation's row as the shard writes it: its record, when its alarm is due, and what comes next. */
interface RecordWrite {
  reservationId: string;
  record: ReservationRecord;
  due: number | null;
  next: Next;
}

/**
 * The home of many reservations, chosen by a hash of the reservation id (`reservationStub`,
 * one of RESERVATION_SHARDS long-lived objects: creating an object per order costs a new
 * SQLite file, about 13 fsyncs on local disk): each reservation
 * is a row (its record and when its alarm is due) and the object's one alarm is set to the
 * earliest due row. Calls for one reservation run one at a time; different reservations
 * run side by side.
 */
export class Reservation extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly tails = new Map<string, Promise<unknown>>();
  /** The alarm time last set (undefined: unknown, e.g. after the alarm fired). */
  private alarmAt: number | null | undefined;
  /** Cells that refused this shard's holds lately: asked first by the orders that touch them. */
  private readonly shortages = new RecentShortages();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    migrate(this.sql, [
      `CREATE TABLE IF NOT EXISTS reservations (id TEXT PRIMARY KEY, record TEXT NOT NULL, due INTEGER);
       CREATE INDEX IF NOT EXISTS reservations_due ON reservations (due) WHERE due IS NOT NULL;`,
      // Records settled before settled ones were forgotten had no due time: due at once, the
      // alarm gives each its forgetting time (ReservationBook.due), or forgets it.
      `UPDATE reservations SET due = ${DUE_AT_ONCE}
       WHERE due IS NULL AND json_extract(record, '$.phase') IN (${SETTLED_PHASES.map((phase) => `'${phase}'`).join(", ")})`,
      // The step above first wrote 0, which made the object's next setAlarm throw.
      `UPDATE reservations SET due = ${DUE_AT_ONCE} WHERE due = 0`,
    ]);
  }

  create(request: ReservationRequest): Promise<ReservationReply> {
    return this.with(request.reservationId, (book) => book.create(request));
  }

  get(reservationId: string): Promise<ReservationReply> {
    return this.with(reservationId, (book) => book.get(reservationId));
  }

  confirm(reservationId: string): Promise<ReservationReply> {
    return this.with(reservationId, (book) => book.confirm(reservationId));
  }

  release(reservationId: string): Promise<ReservationReply> {
    return this.with(reservationId, (book) => book.release(reservationId));
  }

  /** Each hold found in a cell (see ReservationBook.sweep); a hold that could not be checked waits for the next sweep. */
  async sweep(holds: UnownedHoldCandidate[]): Promise<{ kept: number; released: number; failed: number }> {
    const verdicts = await Promise.allSettled(holds.map((hold) => this.with(hold.reservationId, (book) => book.sweep(hold.holdId, { storeId: hold.storeId, sku: hold.sku }))));
    const count = { kept: 0, released: 0, failed: 0 };
    verdicts.forEach((verdict, index) => {
      if (verdict.status === "fulfilled") count[verdict.value] += 1;
      else {
        count.failed += 1;
        console.warn(JSON.stringify({ msg: "hold sweep failed; the next sweep tries again", holdId: holds[index]!.holdId, error: String(verdict.reason) }));
      }
    });
    return count;
  }

  /** Settles every reservation whose time came (expiry, or recovery of an interrupted step). */
  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    const due = this.sql.exec<{ id: string }>("SELECT id FROM reservations WHERE due IS NOT NULL AND due <= ? ORDER BY due LIMIT 500", Date.now()).toArray();
    await Promise.all(
      due.map(({ id }) =>
        this.with(id, (book) => book.due()).then(
          // A row still due after its step (there should be none) waits instead of looping.
          () => void this.sql.exec("UPDATE reservations SET due = ? WHERE id = ? AND due <= ?", recoveryTime(), id, Date.now()),
          (error: unknown) => {
            // Try this one again later; the others go on.
            console.warn(JSON.stringify({ msg: "reservation step failed; retrying", reservationId: id, error: String(error) }));
            this.sql.exec("UPDATE reservations SET due = ? WHERE id = ?", recoveryTime(), id);
          },
        ),
      ),
    );
    // Rows were moved above without a save: the next alarm time comes from the table.
    this.alarmAt = undefined;
    await this.reschedule();
  }

  /** The calls of one turn to one cell go as one call: a hot cell's holds from this shard (see GroupedCalls). */
  private readonly cellCalls = new GroupedCalls<CellKey, CellCommand, CellReply>(cellName, (key, commands) =>
    cellStub(this.env, key).executeMany(key, commands),
  );

  private with<T>(reservationId: string, work: (book: ReservationBook) => Promise<T>): Promise<T> {
    const start = () => work(this.bookFor(reservationId));
    const run = (this.tails.get(reservationId) ?? Promise.resolve()).then(start, start);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(reservationId, tail);
    void tail.then(() => {
      if (this.tails.get(reservationId) === tail) this.tails.delete(reservationId);
    });
    return run;
  }

  private bookFor(reservationId: string): ReservationBook {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM reservations WHERE id = ?", reservationId).toArray()[0];
    const record = row ? (JSON.parse(row.record) as ReservationRecord) : undefined;
    return new ReservationBook(
      record,
      (key, command) => this.cellCalls.call(key, command),
      (written, alarmAt, next) => this.save(reservationId, written, alarmAt, next),
      () => void this.sql.exec("DELETE FROM reservations WHERE id = ?", reservationId),
      this.shortages,
      (key, channel) => cellStub(this.env, key).availability({ storeId: key.storeId, sku: key.sku }, channel),
    );
  }

  /**
   * Writes the row and its alarm, with the others of its moment (recordWrites). Before cells
   * are called both are durable first; before an answer only, the output gate holds the
   * answer until they are.
   */
  private save(reservationId: string, record: ReservationRecord, due: number | null, next: Next): Promise<void> {
    return this.recordWrites.add({ reservationId, record, due, next });
  }

  /**
   * Records written together: the calls resumed in the same moment (a cell answers many
   * holds at once, and each reply resumes its call in a turn of its own) write in one
   * transaction, so they share one commit. Written one by one, each was a commit of its own:
   * an fsync per reservation, serial on a local workerd's one thread (README, step 42).
   */
  private readonly recordWrites = new TurnBatch<RecordWrite, void>(async (writes) => {
    this.ctx.storage.transactionSync(() => writes.forEach((write) => this.write(write)));
    const dues = writes.flatMap((write) => (write.due === null ? [] : [write.due]));
    await this.reschedule(dues.length > 0 ? Math.min(...dues) : null);
    if (writes.some((write) => write.next === "cells")) await this.ctx.storage.sync();
    return writes.map(() => undefined);
  });

  private write({ reservationId, record, due }: RecordWrite): void {
    this.sql.exec(
      "INSERT INTO reservations (id, record, due) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET record = excluded.record, due = excluded.due",
      reservationId, JSON.stringify(record), due,
    );
  }

  /**
   * Keeps the object's alarm no later than the earliest due reservation. After a batch of writes
   * (`due`: the earliest row just written) it only ever moves earlier, without a query: an alarm that finds
   * nothing due sets the next one, which is cheaper than moving the alarm (a durable write
   * of its own) twice per reservation. When the alarm time is unknown (the alarm fired, or
   * the object started) it is set from the table.
   */
  private async reschedule(due: number | null = null): Promise<void> {
    if (this.alarmAt === undefined) {
      const next = this.sql.exec<{ due: number | null }>("SELECT MIN(due) AS due FROM reservations WHERE due IS NOT NULL").one().due;
      this.alarmAt = next;
      if (next === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(next);
      return;
    }
    if (due === null || (this.alarmAt !== null && due >= this.alarmAt)) return;
    this.alarmAt = due;
    await this.ctx.storage.setAlarm(due);
  }
}
