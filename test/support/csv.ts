/**
 * RFC 4180 CSV (quoted fields, doubled quotes) into rows of fields; rows end with CRLF (the
 * service's) or LF. For tests that read what the service or the dashboard wrote.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"', index++);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") (row.push(field), (field = ""));
    else if (char === "\n" || (char === "\r" && text[index + 1] === "\n")) {
      if (char === "\r") index++;
      row.push(field), rows.push(row), (row = []), (field = "");
    } else field += char;
  }
  if (field || row.length) (row.push(field), rows.push(row));
  return rows;
}
