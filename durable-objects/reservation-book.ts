import {
  ABANDONED_REASON,
  STEP_TARGET,
  decideTransition,
  forgetAt,
  holdIdOf,
  holdWaves,
  RecentShortages,
  isExpired,
  isStep,
  publicStatus,
  sameRequest,
  shortageOf,
  shortageOfRefusal,
  type CellCommand,
  type DomainError,
  type HeldItem,
  type PublicStatus,
  type ReservationRecord,
  type ReservationRequest,
  type Shortage,
  type StepPhase,
} from "./core";
import { cellName, type CellAvailability, type CellKey, type CellReply } from "./stock-cell";
import { clockOffsetMs, now as clockNow } from "./clock";

/** How long an unfinished step waits before the alarm drives it to its end. */
const RECOVERY_DELAY_MS = 10_000;
/** Recovery times are rounded up to this step, so the reservations of one moment share one alarm time. */
const RECOVERY_STEP_MS = 5_000;

/** When an unfinished step is picked up if nothing finishes it first (10–15 s from now). */
export function recoveryTime(): number {
  return Math.ceil((Date.now() + RECOVERY_DELAY_MS) / RECOVERY_STEP_MS) * RECOVERY_STEP_MS;
}

export interface ReservationView {
  reservationId: string;
  status: PublicStatus;
  /** The store the service picked, when the request named none. */
  storeId?: string;
  channel: string;
  expiresAt: string;
  createdAt: string;
  items: HeldItem[];
}

/** A hold a cell keeps for a reservation, to be checked against that reservation's record. */
export interface UnownedHoldCandidate extends CellKey {
  reservationId: string;
  holdId: string;
}

export type ReservationReply =
  | { ok: true; created: boolean; reservation: ReservationView }
  | { ok: false; error: DomainError };

function viewOf(record: ReservationRecord): ReservationView {
  return {
    reservationId: record.reservationId,
    status: publicStatus(record.phase)!,
    ...(record.chosenStoreId ? { storeId: record.chosenStoreId } : {}),
    channel: record.channel,
    expiresAt: record.expiresAt,
    createdAt: record.createdAt,
    items: record.held,
  };
}

/** How many more attempt numbers a creation tries when its hold id is already used (see holdFresh). */
const MAX_EXTRA_ATTEMPTS = 8;

/** One attempt to hold a request's items at one candidate store (any store named on the items when none). */
function attemptRecord(request: ReservationRequest, candidate: string | undefined, attempt: number): ReservationRecord {
  const now = clockNow();
  return {
    reservationId: request.reservationId,
    channel: request.channel,
    ttlSeconds: request.ttlSeconds,
    requested: request.items,
    items: request.items.map((item) => ({ storeId: candidate ?? item.storeId!, sku: item.sku, qty: item.qty })),
    ...(candidate ? { chosenStoreId: candidate } : {}),
    phase: "holding",
    attempt,
    expiresAt: new Date(now + request.ttlSeconds * 1000).toISOString(),
    createdAt: new Date(now).toISOString(),
    updatedAt: new Date(now).toISOString(),
    held: [],
  };
}

/** What `hold` answers when a cell had already ended this attempt's hold: the attempt is over. */
const ATTEMPT_ENDED = Symbol("attempt ended");

const notFound = (reservationId: string): ReservationReply => ({
  ok: false,
  error: { code: "not_found", message: `no reservation ${reservationId}` },
});

/**
 * What follows a write: cells are called (the write is durable before they are), or only
 * the answer goes out (the output gate holds it until the write is durable).
 */
export type Next = "cells" | "answer";

/** Sends one command to one cell. */
type CallCell = (key: CellKey, command: CellCommand) => Promise<CellReply>;
/** Writes a reservation's record and when its alarm is due (null: none). */
type SaveRecord = (record: ReservationRecord, alarmAt: number | null, next: Next) => Promise<void>;

/**
 * One reservation (one order): all-or-nothing over any number of stock cells, with its
 * time to live kept by an alarm. A creation is written down once, when every cell held
 * (before that nothing was answered, and a restart halfway leaves holds that no record
 * owns: the client's retry takes them as its own, or `sweep` releases them). Every later
 * step is written down before the cells are called, so a restart halfway is finished by
 * the alarm (or by the next call). The Reservation object it lives in runs one call per
 * reservation at a time.
 */
export class ReservationBook {
  constructor(
    private record: ReservationRecord | undefined,
    private readonly callCell: CallCell,
    private readonly write: SaveRecord,
    /** Deletes the record: it settled longer ago than it is remembered. */
    private readonly forget: () => void,
    /** The shard's memory of cells that refused a hold lately (holdWaves). */
    private readonly shortages: RecentShortages,
    /** What a cell offers a channel now (a read: no hold). */
    private readonly readAvailability: (key: CellKey, channel: string) => Promise<CellAvailability>,
  ) {}

  create(request: ReservationRequest): Promise<ReservationReply> {
    return this.serialized(async () => {
      // An abandoned attempt is finished first; the same id may then be tried afresh.
      if (this.record?.phase === "abandoning") await this.settle(this.record);
      const existing = this.record;
      if (existing && existing.phase !== "failed") {
        if (!sameRequest(existing, request)) {
          return {
            ok: false,
            error: {
              code: "conflict",
              message: `reservation ${request.reservationId} already exists with other content`,
              details: { status: publicStatus(existing.phase) ?? "pending" },
            },
          };
        }
        // A retry of a creation that was cut off before it answered: finish holding (holds are
        // idempotent); this is the first answer the client gets, so it is the creation.
        if (existing.phase === "holding") {
          const reply = await this.hold(existing, true);
          // Unless a cell had already ended this attempt's hold (it expired meanwhile): then
          // the attempt is abandoned and the retry is a fresh attempt below.
          if (reply !== ATTEMPT_ENDED) return reply;
        } else {
          await this.settle(existing);
          return { ok: true, created: false, reservation: viewOf(this.record!) };
        }
      }

      // With a store named on every item there is one candidate; otherwise the service
      // tries the region's stores in priority order until one can hold the whole order.
      const candidates: Array<string | undefined> = request.candidates ?? [undefined];
      const shortagesByStore: Array<{ storeId: string; shortages: unknown }> = [];
      let attempt = existing?.attempt ?? 0;
      for (const candidate of candidates) {
        const tried = await this.holdFresh(request, candidate, attempt + 1);
        attempt = tried.attempt;
        const reply = tried.reply;
        if (reply.ok || !candidate || reply.error.code !== "insufficient_stock") return reply;
        shortagesByStore.push({ storeId: candidate, shortages: reply.error.details?.shortages ?? [] });
      }
      return {
        ok: false,
        error: {
          code: "insufficient_stock",
          message: candidates.length
            ? `none of the ${candidates.length} stores tried for the region (its first by priority) can fulfil the whole order`
            : "no store serves this region",
          details: { candidates: shortagesByStore, shortages: shortagesByStore.flatMap((entry) => entry.shortages as unknown[]) },
        },
      };
    });
  }

  /**
   * Holds the request at one candidate under the first attempt number from `attempt` on
   * whose hold id is unused. A fresh attempt meets its hold id used only when an earlier
   * attempt was never recorded (its answer was lost): that hold ended, or holds other
   * content; the next number is a fresh hold id.
   */
  private async holdFresh(request: ReservationRequest, candidate: string | undefined, attempt: number): Promise<{ reply: ReservationReply; attempt: number }> {
    for (const last = attempt + MAX_EXTRA_ATTEMPTS; attempt <= last; attempt++) {
      const reply = await this.hold(attemptRecord(request, candidate, attempt), true);
      if (reply !== ATTEMPT_ENDED) return { reply, attempt };
    }
    throw new Error(`reservation ${request.reservationId}: ${MAX_EXTRA_ATTEMPTS + 1} fresh attempts found their hold ids used`);
  }

  get(reservationId: string): Promise<ReservationReply> {
    return this.serialized(async () => {
      if (!this.record || this.record.phase === "failed") return notFound(reservationId);
      await this.settle(this.record);
      const record = this.record;
      if (record.phase === "failed") return notFound(reservationId);
      return { ok: true, created: false, reservation: viewOf(record) };
    });
  }

  confirm(reservationId: string): Promise<ReservationReply> {
    return this.transition(reservationId, "confirm");
  }

  release(reservationId: string): Promise<ReservationReply> {
    return this.transition(reservationId, "release");
  }

  /**
   * A hold of this reservation found in a cell: kept when the record owns it (and settled,
   * like any read), released when no record does: it is left from an attempt whose answer
   * was lost. Calls for one reservation run one at a time, so a creation still holding
   * cannot be swept: the sweep waits for its end, and its record.
   */
  sweep(holdId: string, cell: CellKey): Promise<"kept" | "released"> {
    return this.serialized(async () => {
      const record = this.record;
      if (record && record.phase !== "failed" && holdIdOf(record) === holdId) {
        await this.settle(record);
        // A creation never answered (a `holding` record, written before creations were written
        // once, or one cut off while `abandoning` it) is abandoned by settling: its hold went
        // back as an unowned one would.
        return this.record?.phase === "failed" ? "released" : "kept";
      }
      await this.releaseHold(holdId, [cell]);
      return "released";
    });
  }

  /**
   * Expiry when pending; the recovery of any step a restart interrupted; and, for a record
   * settled longer ago than it is remembered, forgetting it.
   */
  async due(): Promise<void> {
    if (!this.record) return;
    const forgetTime = forgetAt(this.record);
    if (forgetTime === null) return this.settle(this.record);
    if (Date.now() >= forgetTime) {
      this.forget();
      this.record = undefined;
      return;
    }
    // Settled, but due early (an alarm ahead of time, or a row from before forgetting):
    // due again when it is to be forgotten.
    await this.save(this.record, forgetTime, "answer");
  }

  private transition(reservationId: string, wanted: "confirm" | "release"): Promise<ReservationReply> {
    return this.serialized(async () => {
      if (this.record) await this.settle(this.record);
      const verdict = decideTransition(this.record, wanted);
      switch (verdict.kind) {
        case "not_found":
          return notFound(reservationId);
        case "conflict":
          return {
            ok: false,
            error: {
              code: "conflict",
              message: `reservation ${reservationId} is ${verdict.status}; it cannot be ${wanted === "confirm" ? "confirmed" : "released"}`,
              details: { status: verdict.status },
            },
          };
        case "start":
          await this.runStep({ ...this.record!, phase: verdict.step });
          break;
        case "done":
          break;
      }
      return { ok: true, created: false, reservation: viewOf(this.record!) };
    });
  }

  /**
   * Brings an unsettled record to a settled phase: an interrupted creation is abandoned
   * (its caller never had an answer), an interrupted step is finished, and a pending
   * reservation past its time to live expires.
   */
  private async settle(record: ReservationRecord): Promise<void> {
    if (record.phase === "holding" || record.phase === "abandoning") {
      await this.abandon(record);
      return;
    }
    const phase = record.phase;
    if (isStep(phase)) await this.runStep({ ...record, phase });
    else if (isExpired(record, clockNow())) await this.runStep({ ...record, phase: "expiring" });
  }

  /**
   * Holds every item, or releases what it held and answers with every shortage. Cells that
   * refused a hold lately are asked first (holdWaves): when one refuses again, no other cell
   * was held for nothing.
   */
  private async hold(record: ReservationRecord, created: boolean): Promise<ReservationReply | typeof ATTEMPT_ENDED> {
    const holdId = holdIdOf(record);
    const items = record.items;
    const heldAt: Array<HeldItem | undefined> = [];
    const shortAt: Array<Shortage | undefined> = [];
    let failure: unknown;
    let ended = false;
    let wavesAsked = 0;
    const waves = holdWaves(items.map((_, index) => index), (index) => this.shortages.has(cellName(items[index]!), Date.now()));
    for (const wave of waves) {
      wavesAsked += 1;
      const replies = await this.callCells(wave.map((index) => items[index]!), (item) => ({
        type: "hold",
        holdId,
        reservationId: record.reservationId,
        channel: record.channel,
        qty: item.qty,
        expiresAt: record.expiresAt,
      }));
      replies.forEach((reply, position) => {
        const index = wave[position]!;
        const item = items[index]!;
        if (reply.status === "rejected") failure ??= reply.reason;
        else if ((reply.value.ok && reply.value.hold && reply.value.hold.status !== "held") || (!reply.value.ok && reply.value.error.code === "conflict")) {
          // This attempt's hold id already ended in the cell, or holds an unrecorded attempt's
          // other content: never count it as held.
          ended = true;
        } else if (reply.value.ok && reply.value.hold) {
          heldAt[index] = { ...item, fromChannel: reply.value.hold.fromChannel, fromShared: reply.value.hold.fromShared };
        } else if (!reply.value.ok && reply.value.error.code === "insufficient_stock") {
          shortAt[index] = shortageOfRefusal(item, reply.value.error.details);
          this.shortages.note(cellName(item), Date.now());
        } else failure ??= new Error(`hold on ${item.storeId}/${item.sku} failed: ${JSON.stringify(reply.value)}`);
      });
      if (ended || failure !== undefined || shortAt.some(Boolean)) break;
    }
    const held = heldAt.filter((item): item is HeldItem => item !== undefined);
    const asked = new Set(waves.slice(0, wavesAsked).flat());
    const askedCells = items.filter((_, index) => asked.has(index));

    if (ended) {
      await this.giveBack(record, askedCells);
      return ATTEMPT_ENDED;
    }
    if (!shortAt.some(Boolean) && failure === undefined) {
      const pending: ReservationRecord = { ...record, phase: "pending", held, updatedAt: new Date().toISOString() };
      // expiresAt is on the service clock; the alarm runs on real time.
      await this.save(pending, Date.parse(record.expiresAt) - clockOffsetMs(), "answer");
      return { ok: true, created, reservation: viewOf(pending) };
    }
    // All or nothing: give back what was held before answering.
    await this.giveBack(record, askedCells);
    if (failure !== undefined) throw failure;
    // Items a later wave never asked for are read instead, so the refusal still names every
    // shortage (a read that fails leaves its item out: the order is refused either way).
    const unasked = items.flatMap((_, index) => (asked.has(index) ? [] : [index]));
    const reads = await Promise.allSettled(unasked.map((index) => this.readAvailability(items[index]!, record.channel)));
    reads.forEach((read, position) => {
      const index = unasked[position]!;
      const item = items[index]!;
      if (read.status === "fulfilled" && read.value.available < item.qty) {
        shortAt[index] = shortageOf(item, read.value.available, read.value.reason);
      }
    });
    const shortages = shortAt.filter((item): item is Shortage => item !== undefined);
    return {
      ok: false,
      error: {
        code: "insufficient_stock",
        message: `not enough stock for ${shortages.length} of ${record.items.length} items`,
        details: { shortages },
      },
    };
  }

  /**
   * Gives back every hold of this attempt. An attempt on record (a creation cut off by a
   * restart) is abandoned through its durable phases, in every cell; an attempt never written
   * down only releases, in the cells it asked: nothing about it was answered, and a sweep
   * releases what a restart cut off.
   */
  private async giveBack(record: ReservationRecord, asked: CellKey[]): Promise<void> {
    const recorded = this.record !== undefined && this.record.phase !== "failed" && this.record.attempt === record.attempt;
    if (recorded) await this.abandon(record);
    else await this.releaseHold(holdIdOf(record), asked);
  }

  /** Gives back every hold of this attempt; the phase is durable before the first release. */
  private async abandon(record: ReservationRecord): Promise<void> {
    if (this.record?.phase !== "abandoning") await this.save({ ...record, phase: "abandoning" }, recoveryTime(), "cells");
    await this.releaseHold(holdIdOf(record), record.items);
    await this.saveSettled({ ...record, phase: "failed", held: [], updatedAt: new Date().toISOString() });
  }

  /** Runs confirming / releasing / expiring to its end on every cell, then settles the record. */
  private async runStep(record: ReservationRecord & { phase: StepPhase }): Promise<void> {
    if (this.record?.phase !== record.phase) await this.save(record, recoveryTime(), "cells");
    const holdId = holdIdOf(record);
    const command: CellCommand =
      record.phase === "confirming" ? { type: "confirm", holdId } : { type: "release", holdId, reason: record.phase === "expiring" ? "expired" : "released" };
    const replies = await this.callCells(record.held, () => command);
    replies.forEach((reply, index) => {
      if (reply.status === "rejected") throw reply.reason;
      if (!reply.value.ok) {
        const item = record.held[index]!;
        throw new Error(`${record.phase} ${item.storeId}/${item.sku}: ${reply.value.error.code} ${reply.value.error.message}`);
      }
    });
    await this.saveSettled({ ...record, phase: STEP_TARGET[record.phase], updatedAt: new Date().toISOString() });
  }

  /**
   * Gives back an attempt's hold in each of these cells (the attempt never became a
   * reservation: `abandoned`); a cell that never held it has nothing to do.
   */
  private async releaseHold(holdId: string, cells: CellKey[]): Promise<void> {
    const replies = await this.callCells(cells, () => ({ type: "release", holdId, reason: ABANDONED_REASON }));
    for (const reply of replies) {
      if (reply.status === "rejected") throw reply.reason;
      // A hold already confirmed under this id was taken by an earlier use of the id, settled
      // and since forgotten (ids are free again 30 days after they settle): not ours to give back.
      if (!reply.value.ok && reply.value.error.code === "conflict" && reply.value.error.details?.status === "confirmed") continue;
      if (!reply.value.ok && reply.value.error.code !== "not_found") {
        throw new Error(`release of ${holdId} failed: ${reply.value.error.code} ${reply.value.error.message}`);
      }
    }
  }

  private callCells<T extends CellKey>(items: T[], commandFor: (item: T) => CellCommand): Promise<PromiseSettledResult<CellReply>[]> {
    return Promise.allSettled(items.map((item) => this.callCell({ storeId: item.storeId, sku: item.sku }, commandFor(item))));
  }

  private async save(record: ReservationRecord, alarmAt: number | null, next: Next): Promise<void> {
    await this.write(record, alarmAt, next);
    this.record = record;
  }

  /** A settled record is due once more: when it is to be forgotten. */
  private saveSettled(record: ReservationRecord): Promise<void> {
    return this.save(record, forgetAt(record), "answer");
  }

  /** The Reservation object already runs one call per reservation at a time. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}
