import { mapConcurrently } from "./concurrency";
import { countSetting } from "./env";

/**
 * At most `perSecond` starts a second, across everything that shares one pace, after a first
 * `burst` that starts at once (a pace idle long enough has its burst again): each `take`
 * waits for its own slot, one after another. Calls over many cells (the cron's and an admin's
 * reconciliation and sweep, exports, imports and other operations) share one per isolate
 * (`cellSweepPace`), and the store hubs' creations of staged cells another
 * (durable-objects/store-hub.ts): locally every object runs in one workerd process, whose
 * SQLite may use 512 MiB in all (workerd's hard heap limit), about 230 KB per open cell; each
 * object opened stays open 10–20 s, and about 2,300 open at once ran SQLite out of memory.
 */
export class Pace {
  private nextAt = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<unknown> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    private readonly burst = 1,
  ) {}

  /** Waits for the next slot; a call that costs more than most takes `slots` of them. */
  async take(slots = 1): Promise<void> {
    const now = this.now();
    const interval = 1000 / this.perSecond;
    // The slots run `burst - 1` intervals behind now at most: that many start at once.
    const at = Math.max(now - (this.burst - 1) * interval, this.nextAt);
    this.nextAt = at + interval * slots;
    if (at > now) await this.sleep(at - now);
  }
}

const paces = new Map<string, Pace>();

/** The isolate's one pace of this name (made at the rate first asked for): every caller in the isolate shares it. */
export function isolatePace(name: string, perSecond: number, burst = 1): Pace {
  let pace = paces.get(name);
  if (!pace) paces.set(name, (pace = new Pace(perSecond, undefined, undefined, burst)));
  return pace;
}

/**
 * Cell calls a sweep over cells starts per second in this isolate, by default
 * (CRON_CELLS_PER_SECOND): the cron's reconciliation and sweep may call every cell of a page,
 * and unpaced, a 20,000-SKU store's pages opened about 3,000 objects within seconds in the
 * local workerd, whose SQLite then failed everything with SQLITE_NOMEM (README, Reliability);
 * an admin's unpaged reconciliation did the same from about 3,000 cells (a probe, session 45).
 * Paced, read-only cells close after about 10 s: 50 a second kept about 270 open; 100 lets
 * 20,000 SKUs (one call each) through in under 4 of the cron's 15 minutes.
 */
const CELL_SWEEP_PER_SECOND = 100;
/** Calls that start at once first: a store of a few hundred cells (the bench's repair of 200) is not slowed at all. */
const CELL_SWEEP_BURST = 500;

/**
 * Slots of the pace a write to a cell takes: a cell written stays open about twice as long as
 * one read (its delivery cursors are written 10 s after its delivery), so writes start at half
 * the rate of reads (a probe, session 48: a re-import of 3,000 existing cells at the reads'
 * rate had about 2,550 databases open at once, at the edge of SQLite's memory).
 */
const CELL_WRITE_SLOTS = 2;

/**
 * The isolate's one pace for calls over many cells: the cron's, and an admin's reconciliation
 * and sweep, a store export's reads, an operation's (import, transfer, return) writes.
 */
export function cellSweepPace(env: { CRON_CELLS_PER_SECOND?: string | undefined }): Pace {
  return isolatePace("cell sweeps", countSetting(env.CRON_CELLS_PER_SECOND, CELL_SWEEP_PER_SECOND), CELL_SWEEP_BURST);
}

/**
 * `call` on each of the keys, `concurrency` at a time (32 by default), each started at the
 * isolate's pace for calls over many cells (a call that writes its cell as two: `writes`);
 * answers in the keys' order.
 */
export function sweepCells<K, T>(
  env: { CRON_CELLS_PER_SECOND?: string | undefined },
  keys: readonly K[],
  call: (key: K) => Promise<T>,
  { concurrency = 32, writes = false }: { concurrency?: number; writes?: boolean } = {},
): Promise<T[]> {
  const pace = cellSweepPace(env);
  return mapConcurrently(keys, concurrency, async (key) => {
    await pace.take(writes ? CELL_WRITE_SLOTS : 1);
    return call(key);
  });
}
