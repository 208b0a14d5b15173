export interface Runtime {
  url: string;
  pid: number;
  stop(): Promise<void>;
}
/** The workerd binary that miniflare runs (unless MINIFLARE_WORKERD_PATH names another). */
export const WORKERD_BINARY: string;
export function buildWorker(outdir?: string): string;
export function startRuntime(options: {
  storageDir: string;
  port?: number;
  bindings?: Record<string, string>;
  scriptPath?: string;
  queue?: boolean;
  log?: boolean;
  inspectorPort?: number;
  onUnusualOutput?: (line: string) => void;
}): Promise<Runtime>;
export function startTrivialRuntime(options?: { port?: number }): Promise<Runtime>;
