// API errors in plain words: what happened and what to do, with the API's own message after.
// Imported from the client's errors module, not ./api, so this stays pure (tested in Node).
import { InventoryApiError } from "../../workers/client/errors";
import { formatTime, utcTitle } from "./format";

const WORDS: Record<string, string> = {
  network: "The inventory service could not be reached. Check the connection and try again.",
  unauthorized: "Your sign-in is no longer valid (the token expired or was replaced). Sign out and sign in with a new token.",
  forbidden: "Your token does not give access to this. Ask an admin for a token that covers it.",
  not_found: "This does not exist (or is not visible to your token).",
  invalid_request: "Some of the values were not accepted.",
  malformed_json: "The request could not be read.",
  conflict: "Someone changed this at the same time. Reload and try again.",
  quota_exceeds_stock: "The channel quotas add up to more units than are on hand and not reserved. Lower the quotas or raise on hand.",
  insufficient_stock: "There is not enough stock for that.",
  cursor_expired: "That page is too old to continue from. Start again from the first page.",
  payload_too_large: "That is too much to send at once.",
  rate_limited: "Too many requests just now. Wait a moment and try again.",
  unavailable: "Reports are unavailable right now (the reporting database does not answer). Stock levels in the store view are not affected.",
  precondition_failed: "This SKU changed while you were editing it (a sale, a count or another manager), so nothing was saved.",
};

/**
 * One of `details.issues` as "where: what". The API sends `path` as a dotted string
 * ("query.sku", workers/errors.ts); zod's own shape is an array. Anything else (no path, a
 * bare string, null) still reads as a line: this runs while rendering an error, so it must
 * never throw itself.
 */
export function describeIssue(issue: unknown): string {
  if (typeof issue === "string") return issue;
  if (!issue || typeof issue !== "object") return "";
  const { path, message } = issue as { path?: unknown; message?: unknown };
  const where = Array.isArray(path) ? path.map(String).join(".") : typeof path === "string" || typeof path === "number" ? String(path) : "";
  return `${where || "value"}: ${typeof message === "string" && message ? message : "invalid"}`;
}

function issuesOf(details: unknown): string[] {
  const issues = details && typeof details === "object" ? (details as { issues?: unknown }).issues : undefined;
  return Array.isArray(issues) ? issues.map(describeIssue).filter(Boolean) : [];
}

/**
 * A sold-out PUT refused because a till's decision dated later stands (the cell's 409
 * `conflict`, durable-objects/core/commands.ts: `details.decidedAt`, `soldOut`, `eventId`):
 * keyed on those details, not on the message's words. Undefined for any other conflict.
 */
function laterSoldOutDecision(details: unknown, storeTimeZone: string | undefined): { summary: string; detail: string } | undefined {
  if (!details || typeof details !== "object") return undefined;
  const { decidedAt, soldOut, eventId } = details as { decidedAt?: unknown; soldOut?: unknown; eventId?: unknown };
  if (typeof decidedAt !== "string" || typeof soldOut !== "boolean" || Number.isNaN(new Date(decidedAt).getTime())) return undefined;
  const storeTime = storeTimeZone ? formatTime(decidedAt, storeTimeZone) : undefined;
  const readerTime = formatTime(decidedAt);
  const until = storeTime === undefined ? `${readerTime} your time` : storeTime === readerTime ? `${storeTime} (store time and yours)` : `${storeTime} store time (${readerTime} your time)`;
  const who = typeof eventId === "string" ? "A till's" : "A later";
  return {
    summary: `${who} sold-out decision (${soldOut ? "sold out" : "not sold out"}) is dated ahead of now and stands until ${until}. Try again after that time.`,
    detail: [typeof eventId === "string" ? `Till event ${eventId}` : "", utcTitle(decidedAt)].filter(Boolean).join(", ") + ".",
  };
}

/** Where the error is shown, when it matters to the words: the store's time zone, for times. */
export interface ErrorContext {
  storeTimeZone?: string | undefined;
}

export function plainWords(error: unknown, context: ErrorContext = {}): { summary: string; detail: string | null } {
  if (error instanceof InventoryApiError) {
    if (error.code === "conflict") {
      const later = laterSoldOutDecision(error.details, context.storeTimeZone);
      if (later) return later;
    }
    const summary = WORDS[error.code] ?? `The request failed (${error.status}).`;
    const message = typeof error.apiMessage === "string" ? error.apiMessage : "";
    // The API's message already names the first issue: list only what it does not say.
    const issues = issuesOf(error.details).filter((line) => line !== message);
    return { summary, detail: [message, issues.join("; ")].filter(Boolean).join(" — ") || null };
  }
  // fetch itself failed: the service or the network is down.
  if (error instanceof TypeError) return { summary: WORDS.network!, detail: error.message };
  return { summary: "Something went wrong in the page.", detail: error instanceof Error ? error.message : String(error) };
}

/**
 * Whether asking again can change the answer: the service or network failing (5xx, a fetch
 * that failed), a rate limit, or a conflict (the data moved: reloading shows it). A refused
 * token, a scope the token lacks, something that does not exist or a value the API refuses
 * answers the same again, so no "Try again" is offered for those.
 */
export function retryCanHelp(error: unknown): boolean {
  if (!(error instanceof InventoryApiError)) return true;
  return error.status >= 500 || error.status === 429 || error.code === "conflict";
}

/** Two errors with the same cause (the same API code and status), e.g. one database down behind several reports. */
export function sameFailure(a: unknown, b: unknown): boolean {
  return a instanceof InventoryApiError && b instanceof InventoryApiError && a.code === b.code && a.status === b.status;
}
