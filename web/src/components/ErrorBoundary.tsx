import type { ComponentChildren } from "preact";
import { useErrorBoundary } from "preact/hooks";
import { ErrorNote } from "./ErrorNote";

/**
 * A part of the page that fails to draw says so, with a retry, instead of taking the page
 * around it down with it (an error thrown while rendering unmounts everything up to the
 * nearest boundary, and without one the whole app goes blank).
 */
export function ErrorBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  return error ? <ErrorNote error={error} onRetry={reset} /> : <>{children}</>;
}
