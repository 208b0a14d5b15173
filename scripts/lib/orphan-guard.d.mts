export function guardAgainstOrphans(pids: number[], folder: string): { release(): void };
