export function parentOf(pid: number): number | undefined;
export function launchers(): number[];
export function watchLaunchers(onGone: () => void, periodMs?: number): () => void;
