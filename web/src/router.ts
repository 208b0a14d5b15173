// Hash routes (#/overview/eu-central, #/store/berlin-01, #/oversells[/store], #/movements[/store]): the
// Worker serves one index.html and needs no fallback rule for deep links.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { view: "overview"; region?: string }
  | { view: "store"; storeId: string }
  | { view: "oversells"; storeId?: string }
  | { view: "movements"; storeId?: string };

export function parseRoute(hash: string): Route {
  const [view, id] = hash.replace(/^#\/?/, "").split("/").map((part) => decodeURIComponent(part));
  if (view === "store" && id) return { view: "store", storeId: id };
  if (view === "oversells" || view === "movements") return id ? { view, storeId: id } : { view };
  return id ? { view: "overview", region: id } : { view: "overview" };
}

export function href(route: Route): string {
  switch (route.view) {
    case "overview":
      return route.region ? `#/overview/${encodeURIComponent(route.region)}` : "#/overview";
    case "store":
      return `#/store/${encodeURIComponent(route.storeId)}`;
    default:
      return route.storeId ? `#/${route.view}/${encodeURIComponent(route.storeId)}` : `#/${route.view}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
