import type { Role } from "../../schema/tokens";

/** A verified caller and the scope its token grants; `name`, who holds the token, if it was minted with one. */
export type Principal = (
  | { role: "admin" }
  | { role: "manager"; regions: string[] }
  | { role: "store"; stores: string[] }
  | { role: "service" }
) & { name?: string };

/** Who did it, as a record says: the token's holder and role ("Anna Weber (manager)"), or the role alone. */
export function actorOf(principal: Principal): string {
  return principal.name ? `${principal.name} (${principal.role})` : principal.role;
}

export type { Role };

/** May this caller read a store's cells and reservations? */
export function canReadStore(principal: Principal, store: { storeId: string; region: string }): boolean {
  switch (principal.role) {
    case "admin":
    case "service":
      return true;
    case "manager":
      return principal.regions.includes(store.region);
    case "store":
      return principal.stores.includes(store.storeId);
  }
}

/** May this caller change a store's allocation (quotas, on-hand)? */
export function canAllocate(principal: Principal, store: { region: string }): boolean {
  return principal.role === "admin" || (principal.role === "manager" && principal.regions.includes(store.region));
}

/** May this caller change a store's stock by hand (adjust, sold-out)? Managers of the region and the store itself. */
export function canChangeStock(principal: Principal, store: { storeId: string; region: string }): boolean {
  return canAllocate(principal, store) || (principal.role === "store" && principal.stores.includes(store.storeId));
}
