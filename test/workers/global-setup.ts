/** Stops the reporting database vitest.workers.config.ts started, so the run can exit. */
export async function teardown(): Promise<void> {
  const database = (globalThis as { __inventoryDatabase?: { stop(): Promise<void> } }).__inventoryDatabase;
  await database?.stop();
}
