import { wrapPoints } from "../wrap-points";

/**
 * An id, SKU, kind or name in a table cell: it wraps after a "-", "_", "/" … and cuts a very
 * long run (a 64-character id), but never an ordinary word (the page's `overflow-wrap:
 * break-word` does not let a table squeeze a column below its longest word, so "berlin-01"
 * never reads "berli n-01"). Its text is unchanged: the break points are <wbr> elements.
 */
export function Wrap({ text }: { text: string }) {
  const pieces = wrapPoints(text);
  return <>{pieces.map((piece, index) => (index === 0 ? piece : [<wbr />, piece]))}</>;
}
