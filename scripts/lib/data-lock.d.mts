export const DATA_LOCK_STALE_MS: number;
/** Resolves to the lock's release, or null when another process holds the folder. */
export function lockDataDir(dataDir: string): Promise<(() => Promise<void>) | null>;
