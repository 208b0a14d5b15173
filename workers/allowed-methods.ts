import { TrieRouter } from "hono/router/trie-router";

/**
 * The methods the app answers on a path, from its routes: what tells a `405` (with `Allow`)
 * from a `404`. Middleware (`ALL`) and catch-all paths (the static files' `*`) say nothing
 * about a path, so they are left out. The same router kind as the app's (TrieRouter).
 */
export function allowedMethods(routes: ReadonlyArray<{ method: string; path: string }>): (path: string) => string[] {
  const router = new TrieRouter<string>();
  for (const { method, path } of routes) if (method !== "ALL" && !path.includes("*")) router.add("ALL", path, method);
  return (path) => [...new Set(router.match("ALL", path)[0].map(([method]) => method))];
}
