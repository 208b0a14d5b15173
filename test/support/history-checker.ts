import { applyCommand, cloneCell, freeTotal, type CellCommand, type CellState, type Hold } from "../../durable-objects/core";

/**
 * A linearizability checker for the history of ONE stock cell (Wing & Gong's search with
 * Lowe's memoization of visited configurations): concurrent clients record each operation
 * with its start, end and result; the checker looks for an order of the operations that
 *   - respects real time (A ended before B started ⇒ A comes before B),
 *   - gives every operation its recorded result when applied one by one to the pure core,
 *   - ends in the state read from the cell afterwards.
 * If none exists, the history is not one the sequential cell could have produced.
 *
 * An operation whose outcome is unknown (the client crashed or timed out: `result` and
 * `end` absent) may take effect at any moment after its start, or never.
 * Pure TypeScript: usable from Node, workerd tests and a crash test at a large size.
 */

export type HistoryOp =
  | { kind: "reserve"; reservationId: string; channel: string; qty: number; start: number; end?: number; result?: OpResult }
  | { kind: "confirm" | "release"; reservationId: string; start: number; end?: number; result?: OpResult };

export interface OpResult {
  ok: boolean;
  /** When recorded, the model's error code must match (insufficient_stock, conflict, not_found). */
  code?: string;
  /** When recorded (reserve), the buckets the units came from must match. */
  fromChannel?: number;
  fromShared?: number;
}

/** What is compared at the end: the cell's counts, buckets and version. */
export interface CellObservation {
  onHand: number;
  reserved: number;
  shared: number;
  free: Record<string, number>;
  version: number;
}

export interface CheckInput {
  /** The cell before the first operation (e.g. the core's allocation of the same request). */
  initial: CellState;
  history: HistoryOp[];
  /** The cell as read after every operation ended. */
  final?: CellObservation;
  /**
   * Compare the final counts and buckets but not the version: for histories where the
   * service may commit steps no client recorded (a crashed creation that its recovery
   * alarm held and then released leaves the counts as they were, but bumps the version).
   */
  ignoreVersion?: boolean;
  /** Give up (inconclusive) after visiting this many configurations. */
  maxConfigurations?: number;
}

export type CheckResult =
  | { ok: true; order: number[]; configurations: number }
  | { ok: false; inconclusive?: boolean; reason: string; configurations: number };

export function observe(state: CellState): CellObservation {
  const free: Record<string, number> = {};
  for (const name of Object.keys(state.channels).sort()) free[name] = state.channels[name]!.free;
  return { onHand: state.onHand, reserved: state.reserved, shared: state.shared, free, version: state.version };
}

const NOW = "1970-01-01T00:00:00.000Z";
const FAR = "9999-12-31T00:00:00.000Z";

/** The model: the core's cell and the holds its adapter keeps (hold id = reservation id). */
interface Model {
  state: CellState;
  holds: Map<string, Hold>;
}

function commandOf(op: HistoryOp): CellCommand {
  switch (op.kind) {
    case "reserve":
      return { type: "hold", holdId: op.reservationId, reservationId: op.reservationId, channel: op.channel, qty: op.qty, expiresAt: FAR };
    case "confirm":
      return { type: "confirm", holdId: op.reservationId };
    case "release":
      return { type: "release", holdId: op.reservationId, reason: "released" };
  }
}

/** Applies `op` to the model; undefined when the model's result differs from the recorded one. */
function step(model: Model, op: HistoryOp): Model | undefined {
  const result = applyCommand(model.state, (id) => model.holds.get(id), commandOf(op), NOW);
  const recorded = op.result;
  if (recorded) {
    if (recorded.ok !== result.ok) return undefined;
    if (!result.ok && recorded.code !== undefined && recorded.code !== result.error.code) return undefined;
    if (result.ok && op.kind === "reserve" && result.hold) {
      if (recorded.fromChannel !== undefined && recorded.fromChannel !== result.hold.fromChannel) return undefined;
      if (recorded.fromShared !== undefined && recorded.fromShared !== result.hold.fromShared) return undefined;
    }
  }
  if (!result.ok || !result.change) return model; // failed or idempotent: nothing changed
  const holds = new Map(model.holds);
  if (result.hold) holds.set(result.hold.holdId, result.hold);
  return { state: result.state, holds };
}

function keyOf(done: bigint, model: Model): string {
  const holds = [...model.holds.values()].map((h) => `${h.holdId}:${h.status}:${h.fromChannel}`).sort().join(",");
  return `${done.toString(36)}|${JSON.stringify(observe(model.state))}|${holds}`;
}

function sameObservation(a: CellObservation, b: CellObservation, ignoreVersion = false): boolean {
  if (ignoreVersion) return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Necessary conditions, checked first because they explain a failure plainly. */
function unitCount(input: CheckInput): string | undefined {
  const granted = new Map<string, number>();
  let grantedUnits = 0;
  let returnedUnits = 0;
  for (const op of input.history) {
    if (op.kind === "reserve" && op.result?.ok) {
      granted.set(op.reservationId, op.qty);
      grantedUnits += op.qty;
    }
  }
  const released = new Set<string>();
  for (const op of input.history) {
    // A release whose outcome is unknown may have given its units back: count it, so the
    // condition stays necessary (a history it refuses is impossible whatever happened).
    if (op.kind === "release" && (op.result === undefined || op.result.ok) && granted.has(op.reservationId) && !released.has(op.reservationId)) {
      released.add(op.reservationId);
      returnedUnits += granted.get(op.reservationId)!;
    }
  }
  const free = freeTotal(input.initial);
  if (grantedUnits - returnedUnits > free) {
    return `more units granted than existed: ${grantedUnits} granted, ${returnedUnits} released, ${free} free at the start`;
  }
  return undefined;
}

export function checkHistory(input: CheckInput): CheckResult {
  const ops = input.history;
  if (ops.length > 1000) throw new Error("checkHistory: at most 1000 operations per cell");
  for (const op of ops) {
    if ((op.end === undefined) !== (op.result === undefined)) throw new Error("an operation has an end exactly when it has a result");
    if (op.end !== undefined && op.end < op.start) throw new Error("an operation ended before it started");
  }
  const overGrant = unitCount(input);
  if (overGrant) return { ok: false, reason: overGrant, configurations: 0 };

  const maxConfigurations = input.maxConfigurations ?? 2_000_000;
  const all = (1n << BigInt(ops.length)) - 1n;
  const bit = ops.map((_, i) => 1n << BigInt(i));
  // Try ops that ended first first: the cell most likely committed them first.
  const byEnd = ops.map((_, i) => i).sort((a, b) => (ops[a]!.end ?? Infinity) - (ops[b]!.end ?? Infinity) || ops[a]!.start - ops[b]!.start);
  const unknown = ops.reduce((mask, op, i) => (op.result ? mask : mask | bit[i]!), 0n);
  const seen = new Set<string>();
  const order: number[] = [];
  let configurations = 0;
  let exhausted = false;
  let closestFinal: CellObservation | undefined;

  const initial: Model = { state: cloneCell(input.initial), holds: new Map() };

  function search(done: bigint, model: Model): boolean {
    // Done when every operation with a known result is placed; unknown ones may never have happened.
    if ((done | unknown) === all) {
      const final = observe(model.state);
      if (!input.final || sameObservation(final, input.final, input.ignoreVersion)) return true;
      closestFinal = final;
    }
    const key = keyOf(done, model);
    if (seen.has(key)) return false;
    seen.add(key);
    if (++configurations > maxConfigurations) {
      exhausted = true;
      return false;
    }
    // Real time: the next op must have started before every pending known op ended.
    let horizon = Infinity;
    for (let i = 0; i < ops.length; i++) if (!(done & bit[i]!) && ops[i]!.end !== undefined) horizon = Math.min(horizon, ops[i]!.end!);
    for (const i of byEnd) {
      if (done & bit[i]!) continue;
      const op = ops[i]!;
      if (op.start > horizon) continue;
      const next = step(model, op);
      if (!next) continue;
      order.push(i);
      if (search(done | bit[i]!, next)) return true;
      order.pop();
      if (exhausted) return false;
    }
    return false;
  }

  if (search(0n, initial)) return { ok: true, order: [...order], configurations };
  if (exhausted) return { ok: false, inconclusive: true, reason: `gave up after ${maxConfigurations} configurations`, configurations };
  const reason = closestFinal
    ? `every real-time order that reproduces the results ends elsewhere than the cell: e.g. ${JSON.stringify(closestFinal)} vs ${JSON.stringify(input.final)}`
    : "no order consistent with real time gives every operation its recorded result";
  return { ok: false, reason, configurations };
}
