import { shortfall } from "./state";
import type { CellState } from "./types";

/** What a change did to the cell's oversell: opened one, made it worse, or healed it. */
export type OversellTransition = "opened" | "worsened" | "healed";

export function oversellTransition(before: CellState, after: CellState): OversellTransition | undefined {
  const was = shortfall(before);
  const now = shortfall(after);
  if (was === 0 && now > 0) return "opened";
  if (was > 0 && now === 0) return "healed";
  if (now > was) return "worsened";
  return undefined;
}
