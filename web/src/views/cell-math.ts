import type { Cell } from "../api";

/** Units a cell can still sell: every channel's free bucket plus the shared pool. */
export const freeUnits = (cell: Cell) => cell.free.shared + Object.values(cell.free.channels).reduce((sum, units) => sum + units, 0);
