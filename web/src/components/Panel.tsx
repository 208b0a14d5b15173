import type { ComponentChildren } from "preact";
import type { AsyncState } from "../use-async";
import { ErrorBoundary } from "./ErrorBoundary";
import { ErrorNote } from "./ErrorNote";

interface PanelProps<T> {
  title: string;
  state: AsyncState<T> & { reload?: () => void };
  /** True when the loaded data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  actions?: ComponentChildren;
  class?: string;
  /** The panel's own words for an error it knows better (e.g. a filter refused): replaces the generic note. */
  explainError?: (error: unknown) => ComponentChildren | undefined;
  /** False when the same failure is already announced elsewhere on the page: shown, not announced again. */
  announceError?: boolean;
  children: (data: T) => ComponentChildren;
}

// A sentence is a paragraph; anything richer (a list, an error) brings its own blocks.
const emptyState = (empty: ComponentChildren) =>
  typeof empty === "string" || empty === undefined ? <p class="muted empty">{empty ?? "Nothing to show."}</p> : <div class="empty">{empty}</div>;

/** A titled panel with its loading, empty and error states; the last data stays visible while reloading. */
export function Panel<T>({ title, state, isEmpty, empty, actions, children, class: className, explainError, announceError = true }: PanelProps<T>) {
  const id = `panel-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return (
    <section class={`panel ${className ?? ""}`} aria-labelledby={id} aria-busy={state.status === "loading"} data-panel={title}>
      <header class="panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      <ErrorBoundary>
        {state.status === "error" && (explainError?.(state.error) ?? <ErrorNote error={state.error} announce={announceError} {...(state.reload ? { onRetry: state.reload } : {})} />)}
        {state.status === "loading" && state.data === undefined && (
          <p class="muted loading" role="status">
            Loading…
          </p>
        )}
        {state.data !== undefined && (isEmpty?.(state.data) ? emptyState(empty) : children(state.data))}
      </ErrorBoundary>
    </section>
  );
}
