import { canReadStore, type Principal } from "../auth/principal";
import type { Env } from "../env";
import { ApiError } from "../errors";
import { storeInScope } from "../scope";
import { requireStore } from "../stores";

export interface ReportScope {
  /** Regions to keep; undefined means every region (admins). */
  regions?: string[];
  storeId?: string;
}

/** What a caller may see in a report (or the oversell list): a manager only its regions; naming another region, or a store outside them or that does not exist, is a 403 (a store that does not exist is a 404 for an admin). */
export async function reportScope(env: Env, principal: Principal, query: { region?: string | undefined; storeId?: string | undefined }): Promise<ReportScope> {
  const scope: ReportScope = {};
  if (query.storeId) scope.storeId = query.storeId;
  if (principal.role === "admin") {
    if (query.region) scope.regions = [query.region];
    // A report of a store that does not exist is a 404, as everywhere else (not an empty page).
    if (query.storeId) await requireStore(env, query.storeId);
    return scope;
  }
  if (principal.role !== "manager") throw new ApiError("forbidden", "reports are for managers and admins");
  if (query.region && !principal.regions.includes(query.region)) throw new ApiError("forbidden", `this token is not scoped to region ${query.region}`);
  scope.regions = query.region ? [query.region] : principal.regions;
  // The API's one store-scope rule: another region's store, or one that does not exist, is the same 403.
  if (query.storeId) await storeInScope(env, principal, query.storeId, canReadStore);
  return scope;
}
