import { useContext } from "preact/hooks";
import { plainWords, retryCanHelp } from "../plain-errors";
import { StoreTimeZone } from "../store-zone";

/**
 * An error in plain words, with the API's message and a retry when there is one and asking
 * again could help (retryCanHelp). Announced (role=alert) unless `announce` is false: one
 * cause failing several panels is said once.
 */
export function ErrorNote({ error, onRetry, announce = true }: { error: unknown; onRetry?: () => void; announce?: boolean }) {
  // Times in an error (a till's later sold-out decision) read in the store's zone where one is shown.
  const { summary, detail } = plainWords(error, { storeTimeZone: useContext(StoreTimeZone) });
  return (
    <div class="error" role={announce ? "alert" : undefined}>
      <strong>{summary}</strong>
      {detail && <span class="error-detail"> {detail}</span>}
      {onRetry && retryCanHelp(error) && (
        <button type="button" class="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
