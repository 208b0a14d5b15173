// The document's title per view, so tabs, history and screen readers say where the reader is.
// Pure (tested in Node); App sets it.
import type { Route } from "./routes";

const APP = "edge-inventory";

/** The title of a route (null: signed out), with the region an overview without one shows. */
export function pageTitle(route: Route | null, region?: string): string {
  const parts: Array<string | undefined> = (() => {
    if (!route) return ["Sign in"];
    switch (route.view) {
      case "overview":
        return ["Overview", route.region ?? region];
      case "store":
        return [`Store ${route.storeId}`];
      case "oversells":
        return ["Oversells", route.storeId ?? route.region];
      case "movements":
        return ["Movements", route.storeId];
      case "not-found":
        return ["Page not found"];
    }
  })();
  return [...parts.filter(Boolean), APP].join(" · ");
}

/** The title while a view says its store does not exist (UnknownStore sets it once it knows). */
export function unknownStoreTitle(storeId: string): string {
  return [`No store ${storeId}`, APP].join(" · ");
}
