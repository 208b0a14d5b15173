// Values for `wrangler dev` in a dotenv file (`--env-file`) instead of `--var KEY:value`: a
// process's arguments are readable by every local user (`ps`), and these are the admin
// token, the token-signing secret and the reporting database's URL. The file is the
// caller's alone (0600), like local-secrets.json beside it.
import { chmodSync, writeFileSync } from "node:fs";

/**
 * One `KEY='value'` line as wrangler reads it back unchanged: dotenv takes a single- or
 * back-quoted value as written, and dotenv-expand, which wrangler runs next, would read
 * `$NAME` as a variable unless the `$` is escaped (it turns `\$` back into `$`).
 */
export function dotenvLine(key, value) {
  if (/[\r\n]/.test(value)) throw new Error(`${key} must be one line`);
  const escaped = value.replaceAll("$", "\\$");
  const quote = ["'", "`"].find((mark) => !escaped.includes(mark));
  if (!quote) throw new Error(`${key} may not hold both ' and \``);
  return `${key}=${quote}${escaped}${quote}`;
}

/** Writes the values to `file`, readable by this user only. */
export function writeEnvFile(file, values) {
  const lines = Object.entries(values).map(([key, value]) => dotenvLine(key, String(value)));
  writeFileSync(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // a file left from before keeps its mode otherwise
}
