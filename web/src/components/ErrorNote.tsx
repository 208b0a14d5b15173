import { plainWords } from "../plain-errors";

/** An error in plain words, with the API's message and a retry when there is one. */
export function ErrorNote({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { summary, detail } = plainWords(error);
  return (
    <div class="error" role="alert">
      <strong>{summary}</strong>
      {detail && <span class="error-detail"> {detail}</span>}
      {onRetry && (
        <button type="button" class="link" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
