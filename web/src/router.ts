// The route of the address bar, kept current as the hash changes.
import { useEffect, useState } from "preact/hooks";
import { parseRoute, type Route } from "./routes";

export { href, parseRoute, type Route } from "./routes";

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
