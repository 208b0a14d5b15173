import type { StoreRecord } from "../durable-objects/directory";
import type { CellKey } from "../durable-objects/stock-cell";
import { directoryStub, hubStub } from "../durable-objects/stubs";
import { mapConcurrently } from "./concurrency";
import type { Env } from "./env";
import { ApiError } from "./errors";

/** Store records change rarely: an isolate may answer from memory for this long. */
const STORE_CACHE_MS = 10_000;
const cache = new Map<string, { store: StoreRecord | null; at: number }>();

export const directory = directoryStub;

export async function findStore(env: Pick<Env, "DIRECTORY">, storeId: string): Promise<StoreRecord | null> {
  const hit = cache.get(storeId);
  if (hit && Date.now() - hit.at < STORE_CACHE_MS) return hit.store;
  return findStoreNow(env, storeId);
}

/** The directory's record now, past the cache (where a store's region must be current: webhooks). */
export async function findStoreNow(env: Pick<Env, "DIRECTORY">, storeId: string): Promise<StoreRecord | null> {
  const store = await directory(env).getStore(storeId);
  remember(storeId, store);
  return store;
}

export const noSuchStore = (storeId: string): ApiError => new ApiError("not_found", `no store ${storeId}`);

export async function requireStore(env: Pick<Env, "DIRECTORY">, storeId: string): Promise<StoreRecord> {
  const store = await findStore(env, storeId);
  if (!store) throw noSuchStore(storeId);
  return store;
}

/** Every named store exists: one listing of the directory for many ids (404 naming those that do not). */
export async function requireStores(env: Pick<Env, "DIRECTORY">, storeIds: readonly string[]): Promise<void> {
  const known = new Set((await directory(env).listStores()).map((store) => store.storeId));
  const missing = storeIds.filter((storeId) => !known.has(storeId));
  if (missing.length > 0) throw new ApiError("not_found", `no store ${missing.join(", ")}`, { storeIds: missing });
}

export function remember(storeId: string, store: StoreRecord | null): void {
  cache.set(storeId, { store, at: Date.now() });
}

/** The named stores, or every store of the chain when none are named. */
export async function storeIdsOf(env: Pick<Env, "DIRECTORY">, storeIds?: string[]): Promise<string[]> {
  return storeIds ?? (await directory(env).listStores()).map((store) => store.storeId);
}

/** Every cell of the given stores: SKUs from each store's hub. */
export async function cellKeysOf(env: Pick<Env, "STORE_HUB">, storeIds: string[]): Promise<CellKey[]> {
  const perStore = await mapConcurrently(storeIds, 8, async (storeId) => (await hubStub(env, storeId).skus()).map((sku) => ({ storeId, sku })));
  return perStore.flat();
}
