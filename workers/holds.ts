import { now } from "../durable-objects/clock";
import { cellStub, reservationShardOf, reservationShardStub } from "../durable-objects/stubs";
import type { UnownedHoldCandidate } from "../durable-objects/reservation-book";
import type { CellHold, CellKey } from "../durable-objects/stock-cell";
import { mapConcurrently } from "./concurrency";
import { sweepCells } from "./pace";
import type { Env } from "./env";
import { cellKeysOf, storeIdsOf } from "./stores";

/** A hold and the cell it keeps units in. */
export type HeldHold = CellKey & CellHold;

/** Every cell of the chain, and how many stores it has. */
async function chainCells(env: Env): Promise<{ stores: number; cells: CellKey[] }> {
  const storeIds = await storeIdsOf(env);
  return { stores: storeIds.length, cells: await cellKeysOf(env, storeIds) };
}

/** Every hold keeping units in any cell of the chain. */
export async function heldHolds(env: Env): Promise<{ stores: number; cells: number; holds: HeldHold[] }> {
  const { stores, cells } = await chainCells(env);
  return { stores, cells: cells.length, holds: await holdsIn(env, cells) };
}

/** The holds keeping units in the given cells (each call started at the isolate's pace for sweeps over cells). */
async function holdsIn(env: Env, cells: CellKey[]): Promise<HeldHold[]> {
  return (await sweepCells(env, cells, async (key) => (await cellStub(env, key).holds(key)).map((hold) => ({ ...key, ...hold })))).flat();
}

/** The cron's sweep leaves holds younger than this (their creation may be under way; checking them is harmless, only wasted). */
export const SWEEP_AGE_MS = 60_000;

export interface SweepResult {
  cellsChecked: number;
  holdsChecked: number;
  released: number;
  /** Holds that could not be checked now (a cell or object unreachable): the next sweep tries again. */
  failed: number;
}

/**
 * Releases the holds no reservation record owns: a creation writes its record only once
 * every cell held, so a restart in between (its answer lost) leaves holds behind unless
 * the client retries. Each hold is checked by the reservation's own object, which runs
 * one call per reservation at a time, so a creation under way is never swept. Holds
 * younger than `olderThanMs` are left for the next sweep (the cron's, every 15 minutes).
 * The given cells (a page of a store, from the cron's maintenance, its calls at the cron's
 * pace), or every cell of the chain.
 */
export async function sweepUnownedHolds(env: Env, olderThanMs: number, only?: CellKey[]): Promise<SweepResult> {
  const cells = only ?? (await chainCells(env)).cells;
  return { cellsChecked: cells.length, ...(await sweepHolds(env, await holdsIn(env, cells), olderThanMs)) };
}

/** The sweep of holds already listed (local mode's tick lists them once for its two jobs). */
export async function sweepHolds(env: Env, holds: HeldHold[], olderThanMs: number): Promise<Omit<SweepResult, "cellsChecked">> {
  // Holds are stamped on the service clock (local mode can move it).
  const before = now() - olderThanMs;
  const byShard = new Map<number, UnownedHoldCandidate[]>();
  for (const hold of holds) {
    if (Date.parse(hold.createdAt) > before) continue;
    const shard = reservationShardOf(hold.reservationId);
    const list = byShard.get(shard) ?? [];
    list.push(hold);
    byShard.set(shard, list);
  }
  const verdicts = await mapConcurrently([...byShard], 8, ([shard, list]) => reservationShardStub(env, shard).sweep(list));
  const total = (key: "kept" | "released" | "failed") => verdicts.reduce((sum, verdict) => sum + verdict[key], 0);
  return { holdsChecked: total("kept") + total("released") + total("failed"), released: total("released"), failed: total("failed") };
}
