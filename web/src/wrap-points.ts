// Where an id, SKU or name may wrap in a table cell. Pure (tested in Node).

/** A run this long with no space or separator in it may break anywhere, as a last resort. */
export const LONGEST_RUN = 20;

const SEPARATOR = /[-_/.:@]/;

/**
 * The text cut into pieces a line may break between: after each "-", "_", "/", ".", ":" or
 * "@" (so "berlin-01" wraps as "berlin-" "01" and "sold_out" as "sold_" "out", never
 * "berli n-01"), and inside a run of more than LONGEST_RUN letters with none of them (a
 * 64-character id), every LONGEST_RUN letters. Words of ordinary length are never cut.
 */
export function wrapPoints(text: string): string[] {
  const pieces: string[] = [];
  let piece = "";
  let run = 0;
  for (const char of text) {
    if (/\s/.test(char)) {
      piece += char;
      run = 0;
      continue;
    }
    if (run === LONGEST_RUN) {
      pieces.push(piece);
      piece = "";
      run = 0;
    }
    piece += char;
    run++;
    if (SEPARATOR.test(char)) {
      pieces.push(piece);
      piece = "";
      run = 0;
    }
  }
  if (piece || pieces.length === 0) pieces.push(piece);
  return pieces;
}
