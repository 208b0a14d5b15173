export function ensureDashboard(dist: string, build: () => unknown, say?: (line: string) => void): boolean;
export function buildWeb(root: string, dist: string): () => unknown;
