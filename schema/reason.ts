// The reason rule, without zod: the schema (schema/operations.ts, Reason) and the dashboard's
// movements filter (web/src/views/Movements.tsx) both read it, so the page takes exactly what
// the API takes and the dashboard's bundle does not carry zod for it.

/** A reason's most characters, after trimming. */
export const REASON_MAX_LENGTH = 200;
/** Printable ASCII, space included. */
export const REASON_CHARACTERS = /^[\x20-\x7E]+$/;

/** Why the API would refuse this reason (after trimming, as it trims), or undefined when it takes it. */
export function reasonProblem(text: string): string | undefined {
  const reason = text.trim();
  if (reason.length === 0) return "a reason is at least 1 character";
  if (reason.length > REASON_MAX_LENGTH) return `a reason is at most ${REASON_MAX_LENGTH} characters (this one has ${reason.length})`;
  if (!REASON_CHARACTERS.test(reason)) return "a reason is printable ASCII: letters, digits, spaces and punctuation, no accents or symbols beyond ASCII";
  return undefined;
}
