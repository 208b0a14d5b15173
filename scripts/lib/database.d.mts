export interface StartedDatabase {
  databaseUrl: string;
  wsProxy: string;
  proxyPort: number;
  kind: string;
  stop(): Promise<void>;
}
export function startDatabase(options?: { databaseUrl?: string; dataDir?: string; host?: string; proxyPort?: number; pgPort?: number; migrationsFolder?: string }): Promise<StartedDatabase>;
export function migrateUrl(url: string, migrationsFolder?: string): Promise<void>;
