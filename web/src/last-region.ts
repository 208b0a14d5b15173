// The region being looked at: the overview's, or the open store's. The header's "Overview"
// goes back to it, not to the token's first region. Only the session's own regions count
// (a mistyped #/overview/<region> is not one to return to).
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Route } from "./routes";

export function useLastRegion(route: Route, regions: string[]): { region: string | undefined; remember: (region: string) => void } {
  const [region, setRegion] = useState<string | undefined>(undefined);
  const remember = useCallback((next: string) => regions.includes(next) && setRegion(next), [regions]);
  const shown = route.view === "overview" ? route.region : undefined;
  useEffect(() => {
    if (shown) remember(shown);
  }, [shown, remember]);
  return { region, remember };
}
