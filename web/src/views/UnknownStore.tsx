import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { api, isInventoryApiError } from "../api";
import { unknownStoreTitle } from "../page-title";
import { href, type Route } from "../router";
import { useAsync } from "../use-async";

/**
 * An address naming a store the API does not know (a typo, an old link): one sentence and a way
 * back, as UnknownRegion does for a region. Its other calls answer 403 for such a store (a store
 * outside a token's scope is refused whether or not it exists), which read as the token's fault.
 */
export function UnknownStore({ storeId, back }: { storeId: string; back?: { route: Route; label: string } | undefined }) {
  // The route's title ("Store nope-99") was set before the answer said there is no such store;
  // the next route sets its own again.
  useEffect(() => {
    document.title = unknownStoreTitle(storeId);
  }, [storeId]);
  return (
    <div class="panel" data-testid="unknown-store">
      <h1>There is no store “{storeId}”</h1>
      <p>
        No store has this id: the address may have a typo, or come from an old link.{" "}
        {back && (
          <>
            <a href={href(back.route)}>{back.label}</a>
            {" · "}
          </>
        )}
        <a href={href({ view: "overview" })}>Go to the overview</a>
      </p>
    </div>
  );
}

/** Whether the public store record says this store does not exist (404), as opposed to any other failure. */
export const isUnknownStore = (error: unknown): boolean => isInventoryApiError(error, "not_found");

/** The view, unless the public store record says its store does not exist: then UnknownStore instead. */
export function KnownStore({ storeId, back, children }: { storeId: string | undefined; back: { route: Route; label: string }; children: ComponentChildren }) {
  const store = useAsync(() => (storeId ? api.getStore(storeId) : Promise.resolve(null)), [storeId]);
  if (storeId && store.status === "error" && isUnknownStore(store.error)) return <UnknownStore storeId={storeId} back={back} />;
  return <>{children}</>;
}
