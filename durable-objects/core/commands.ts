import { allocate, type AllocationRequest } from "./allocation";
import { confirm, hold, release, type HoldRequest } from "./holds";
import { applyOperation, type CellOp, type OpCommand, type OpLookup } from "./operations";
import { oversellTransition, type OversellTransition } from "./oversell";
import { adjust, isBefore, setOnHand, setSoldOut, type AdjustRequest } from "./stock-changes";
import type { CellChange, CellState, DomainError, Hold, ReleaseReason } from "./types";

/** Everything that can change a stock cell. The Durable Object only ever calls `applyCommand`. */
export type CellCommand =
  | ({ type: "allocate" } & AllocationRequest)
  | ({ type: "hold" } & HoldRequest)
  | { type: "confirm"; holdId: string }
  | { type: "release"; holdId: string; reason: ReleaseReason }
  | ({ type: "adjust" } & AdjustRequest)
  | { type: "set"; onHand: number; eventId?: string; reason?: string }
  | { type: "soldOut"; value: boolean }
  | OpCommand;

export type CommandResult =
  | {
      ok: true;
      state: CellState;
      /** The hold as it is after the command (hold commands only). */
      hold?: Hold;
      /** The ledger entry; absent when the command changed nothing (an idempotent repeat). */
      change?: CellChange;
      oversell?: OversellTransition;
      /** The operation record to save (returns, imports, transfers). */
      op?: CellOp;
      /** The state moved without a ledger entry (a decision's time), and must be saved. */
      saved?: true;
    }
  | { ok: false; error: DomainError };

/** Holds are looked up lazily: the hot path never loads more than the one it needs. */
export type HoldLookup = (holdId: string) => Hold | undefined;

function requireAllocated(state: CellState): DomainError | undefined {
  return state.allocated ? undefined : { code: "not_found", message: `${state.storeId}/${state.sku} has not been allocated` };
}

function withOversell(before: CellState, result: CommandResult): CommandResult {
  if (!result.ok || !result.change) return result;
  const transition = oversellTransition(before, result.state);
  return transition ? { ...result, oversell: transition } : result;
}

export function applyCommand(state: CellState, findHold: HoldLookup, command: CellCommand, now: string, findOp: OpLookup = () => undefined): CommandResult {
  switch (command.type) {
    case "allocate":
      return withOversell(state, allocate(state, command, now));
    case "hold":
      return hold(state, findHold(command.holdId), command, now);
    case "confirm":
      return confirm(state, findHold(command.holdId), command.holdId, now);
    case "release":
      return withOversell(state, release(state, findHold(command.holdId), command.holdId, command.reason, now));
    case "adjust": {
      const notAllocated = requireAllocated(state);
      if (notAllocated) return { ok: false, error: notAllocated };
      return withOversell(state, { ok: true, ...adjust(state, command, now) });
    }
    case "set": {
      const notAllocated = requireAllocated(state);
      if (notAllocated) return { ok: false, error: notAllocated };
      return withOversell(state, { ok: true, ...setOnHand(state, command.onHand, now, command.eventId, command.reason) });
    }
    case "soldOut": {
      const notAllocated = requireAllocated(state);
      if (notAllocated) return { ok: false, error: notAllocated };
      return decideSoldOut(state, command.value, now);
    }
    default:
      return withOversell(state, applyOperation(state, findOp, command, now));
  }
}

/**
 * A manager's sold-out decision, at server time (DOMAIN.md: the latest decision wins). One
 * dated later stands: a till's event whose clock runs ahead, within the skew the replay
 * allows; a different value is then a conflict, the same one changes nothing. Otherwise it is
 * recorded (setSoldOut), its time too when the flag does not move.
 */
function decideSoldOut(state: CellState, value: boolean, now: string): CommandResult {
  if (isBefore(now, "", state.soldOutAt, state.soldOutBy)) {
    if (state.soldOut === value) return { ok: true, state };
    const by = state.soldOutBy ? ` by event ${state.soldOutBy}` : "";
    return {
      ok: false,
      error: {
        code: "conflict",
        message: `a later decision stands: ${state.soldOut ? "sold out" : "not sold out"} at ${state.soldOutAt}${by}; decide again after that time`,
        details: { soldOut: state.soldOut, decidedAt: state.soldOutAt, ...(state.soldOutBy ? { eventId: state.soldOutBy } : {}) },
      },
    };
  }
  const applied = setSoldOut(state, value, now);
  return applied.change ? { ok: true, ...applied } : { ok: true, state: applied.state, saved: true };
}
