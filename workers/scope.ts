import type { StoreRecord } from "../durable-objects/directory";
import type { Env } from "./env";
import { ApiError } from "./errors";
import type { Principal } from "./auth/principal";
import { findStore, noSuchStore } from "./stores";

/**
 * Loads the store and checks the caller may act on it. A store the caller may not see
 * answers 403 whether or not it exists, so scope never leaks which stores exist.
 */
export async function storeInScope(
  env: Pick<Env, "DIRECTORY">,
  principal: Principal | undefined,
  storeId: string,
  allowed: (principal: Principal, store: StoreRecord) => boolean,
  lookup: (env: Pick<Env, "DIRECTORY">, storeId: string) => Promise<StoreRecord | null> = findStore,
): Promise<StoreRecord> {
  if (!principal) throw new ApiError("unauthorized", "this route needs a bearer token");
  if (principal.role === "store" && !principal.stores.includes(storeId)) {
    throw new ApiError("forbidden", `this token is not scoped to store ${storeId}`);
  }
  // Made only when thrown: an Error captures its stack, too dear for every request in scope.
  const refused = () => new ApiError("forbidden", `this token cannot do this at store ${storeId}`);
  const store = await lookup(env, storeId);
  if (!store) {
    // A manager's scope is regions, and a store that does not exist is in none of them: the
    // same 403 as another region's store, or the answer would tell which ids exist.
    if (principal.role === "manager") throw refused();
    throw noSuchStore(storeId);
  }
  if (!allowed(principal, store)) throw refused();
  return store;
}

/**
 * A record named by its own id (a reservation, a transfer) that the caller may not see
 * answers as a missing one does: 404 with the same message, so an id tells nothing about
 * orders or stores outside the caller's scope.
 */
export async function hiddenOutsideScope(check: Promise<unknown>, missing: () => ApiError): Promise<void> {
  try {
    await check;
  } catch (error) {
    if (error instanceof ApiError && error.code === "forbidden") throw missing();
    throw error;
  }
}
