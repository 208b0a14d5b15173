// The stores a session may look at (for filters and for each store's time zone).
import { api, type Store } from "./api";
import type { Session } from "./session";
import { useAsync } from "./use-async";

export function useSessionStores(session: Session) {
  return useAsync(async () => {
    const { items } = await api.listStores();
    return session.role === "admin" ? items : items.filter((store) => session.regions.includes(store.region));
  }, [session.token]);
}

export const timezoneOf = (stores: Store[] | undefined, storeId: string) => stores?.find((store) => store.storeId === storeId)?.timezone;

/** The stores to choose from once a region is chosen (all of them for "all of mine"): a store of another region would filter to nothing. */
export const storesIn = (stores: Store[] | undefined, region: string): Store[] => (stores ?? []).filter((store) => !region || store.region === region);

/** The chosen store, kept when it is in the newly chosen region (or none is chosen), dropped ("") when not. */
export const storeAfterRegion = (stores: Store[] | undefined, storeId: string, region: string): string =>
  !storeId || !region || !stores || storesIn(stores, region).some((store) => store.storeId === storeId) ? storeId : "";
