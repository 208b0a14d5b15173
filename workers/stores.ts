import type { StoreRecord } from "../durable-objects/directory";
import { directoryStub } from "../durable-objects/stubs";
import type { Env } from "./env";
import { ApiError } from "./errors";

/** Store records change rarely: an isolate may answer from memory for this long. */
const STORE_CACHE_MS = 10_000;
const cache = new Map<string, { store: StoreRecord | null; at: number }>();

export const directory = directoryStub;

export async function findStore(env: Pick<Env, "DIRECTORY">, storeId: string): Promise<StoreRecord | null> {
  const hit = cache.get(storeId);
  if (hit && Date.now() - hit.at < STORE_CACHE_MS) return hit.store;
  const store = await directory(env).getStore(storeId);
  remember(storeId, store);
  return store;
}

export async function requireStore(env: Pick<Env, "DIRECTORY">, storeId: string): Promise<StoreRecord> {
  const store = await findStore(env, storeId);
  if (!store) throw new ApiError("not_found", `no store ${storeId}`);
  return store;
}

export function remember(storeId: string, store: StoreRecord | null): void {
  cache.set(storeId, { store, at: Date.now() });
}
