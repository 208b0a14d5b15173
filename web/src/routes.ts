// Hash routes (#/overview/eu-central, #/store/berlin-01, #/oversells[/store][?region=eu-central], #/movements[/store]): the
// Worker serves one index.html and needs no fallback rule for deep links. Pure (no Preact), so
// Node tests it; router.ts follows the address bar.
export type Route =
  | { view: "overview"; region?: string }
  | { view: "store"; storeId: string }
  | { view: "oversells"; storeId?: string; region?: string }
  | { view: "movements"; storeId?: string }
  | { view: "not-found" };

/** A part of the hash decoded, or null when its escapes are malformed ("%", "%E0"), where decodeURIComponent throws. */
function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  // href encodes "?" inside ids, so a bare one starts the oversells' region filter.
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const parts = path.split("/").map(decodePart);
  // A hand-edited or mangled address names nothing: say so rather than guess (or throw and blank the page).
  if (parts.includes(null)) return { view: "not-found" };
  const [view, id] = parts as string[];
  if (view === "not-found") return { view };
  if (view === "store" && id) return { view: "store", storeId: id };
  if (view === "oversells") {
    const region = new URLSearchParams(search).get("region");
    return { view, ...(id ? { storeId: id } : {}), ...(region ? { region } : {}) };
  }
  if (view === "movements") return id ? { view, storeId: id } : { view };
  if (view === "" || view === "overview") return id ? { view: "overview", region: id } : { view: "overview" };
  // Any other address (a typo, #/store without its id) names no page: say so, not show the overview as if it were.
  return { view: "not-found" };
}

export function href(route: Route): string {
  switch (route.view) {
    case "overview":
      return route.region ? `#/overview/${encodeURIComponent(route.region)}` : "#/overview";
    case "store":
      return `#/store/${encodeURIComponent(route.storeId)}`;
    case "not-found":
      return "#/not-found";
    case "oversells": {
      const path = route.storeId ? `#/oversells/${encodeURIComponent(route.storeId)}` : "#/oversells";
      return route.region ? `${path}?${new URLSearchParams({ region: route.region })}` : path;
    }
    default:
      return route.storeId ? `#/${route.view}/${encodeURIComponent(route.storeId)}` : `#/${route.view}`;
  }
}
