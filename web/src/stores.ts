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
