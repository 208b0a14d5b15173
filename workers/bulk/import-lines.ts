import { z } from "zod";
import { Allocation, LowStock } from "../../schema/cells";
import { CHANNELS, Sku, StoreId } from "../../schema/ids";
import { LIMITS } from "../../schema/limits";

/**
 * Parsing and validating a bulk import, line by line, before anything is applied. Pure:
 * no Workers APIs, so it is unit-tested in Node.
 *
 * CSV: `[storeId,]sku,onHand[,field…]`, each field one of `<channel>:<quota>:<weight>`,
 * `policy=first-come|weighted`, `low=<n>` (overall threshold), `low.<channel>=<n>`. A first
 * line starting with `sku,` or `storeId,` is a header and skipped; blank lines and lines
 * starting with `#` are skipped. A file with the stock export's header is read by column
 * name instead (an export imports as it is). NDJSON: one `{[storeId,] sku, onHand, channels?,
 * sharedPolicy?, lowStock?}` per line.
 */
export interface ImportLine {
  line: number;
  storeId: string;
  sku: string;
  allocation: {
    onHand: number;
    channels: Record<string, { quota: number; weight: number }>;
    sharedPolicy: "first-come" | "weighted";
    lowStock?: z.infer<typeof LowStock>;
  };
}

export interface BadLine {
  line: number;
  errors: string[];
}

export interface ParsedImport {
  good: ImportLine[];
  bad: BadLine[];
  /** Lines that carried data (not blank, not a comment, not the header). */
  lines: number;
}

export type ImportFormat = "csv" | "ndjson";

export interface ImportScope {
  /** A store import: every line is for this store (a storeId column is refused). */
  storeId?: string;
  /** A region import: every line names its store, which must be one of these. */
  storesInRegion?: ReadonlySet<string>;
}

const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);
const INTEGER = /^(0|[1-9][0-9]*)$/;

function integer(text: string, what: string, max: number, errors: string[]): number | undefined {
  if (!INTEGER.test(text)) {
    errors.push(`${what} must be a whole number, got "${text}"`);
    return undefined;
  }
  const value = Number(text);
  if (value > max) {
    errors.push(`${what} must be at most ${max}, got ${value}`);
    return undefined;
  }
  return value;
}

/** Splits one CSV line (RFC 4180 quotes allowed; a quoted field kept as written); a string says what is wrong with it. */
export function csvFields(line: string): string[] | string {
  const fields: string[] = [];
  let field = "";
  /** The field was quoted: its text is kept as written (no trimming), and only spaces may follow the closing quote. */
  let wasQuoted = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && !wasQuoted && field.trim() === "") {
      quoted = true;
      wasQuoted = true;
      field = "";
    } else if (char === ",") {
      fields.push(wasQuoted ? field : field.trim());
      field = "";
      wasQuoted = false;
    } else if (wasQuoted) {
      if (char.trim() !== "") return `text after a closing quote in field ${fields.length + 1}`;
    } else field += char;
  }
  if (quoted) return "unterminated quote (a quoted field may not hold a line break)";
  fields.push(wasQuoted ? field : field.trim());
  return fields;
}

/** The stock export's columns (export.ts writes them); an import reads a file with this header by name. */
export const EXPORT_COLUMNS = [
  "storeId", "sku", "onHand", "reserved", "free", "inTransit", "incoming", "soldOut", "oversold",
  "sharedPolicy", "channels", "low", "version", "updatedAt",
] as const;
const EXPORT_COLUMNS_BY_LOWER = new Map<string, string>(EXPORT_COLUMNS.map((name) => [name.toLowerCase(), name]));
/** Columns a positional header may name too: only a header with another export column is read by name. */
const POSITIONAL_NAMES: ReadonlySet<string> = new Set(["storeid", "sku", "onhand", "channels"]);

/**
 * A first line that names columns. Positional: `sku,onHand…` / `storeId,sku,onHand…` (in any
 * letter case), the fields after onHand being channel specs and settings. Named: the stock
 * export's own header (every name an export column, one beyond those a positional header
 * would name), so an export, edited or not, imports as it is: its `sharedPolicy`, `channels`
 * and `low` are read, the counts the cells keep (reserved, free, version…) are ignored.
 */
export type CsvHeader = { kind: "positional"; withStore: boolean } | { kind: "named"; columns: string[] } | { kind: "refused"; reason: string };

function csvHeader(line: string): CsvHeader | undefined {
  const fields = csvFields(line);
  if (typeof fields === "string") return undefined;
  const names = fields.map((field) => field.toLowerCase());
  const known = names.map((name) => EXPORT_COLUMNS_BY_LOWER.get(name));
  if (names.includes("sku") && names.includes("onhand") && names.some((name, i) => known[i] !== undefined && !POSITIONAL_NAMES.has(name))) {
    const unknown = fields.filter((_, i) => known[i] === undefined);
    const twice = fields.filter((_, i) => names.indexOf(names[i]!) !== i);
    if (unknown.length > 0) return { kind: "refused", reason: `unknown columns ${unknown.map((name) => `"${name}"`).join(", ")}: a header names the export's columns (${EXPORT_COLUMNS.join(",")}) or starts sku,onHand or storeId,sku,onHand` };
    if (twice.length > 0) return { kind: "refused", reason: `columns named twice: ${twice.map((name) => `"${name}"`).join(", ")}` };
    return { kind: "named", columns: known as string[] };
  }
  if (names[0] === "sku" && names[1] === "onhand") return { kind: "positional", withStore: false };
  if (names[0] === "storeid" && names[1] === "sku" && names[2] === "onhand") return { kind: "positional", withStore: true };
  return undefined;
}

/** A row of a named-column file as the positional fields it stands for, storeId first (empty when there is no such column). */
function namedFields(fields: string[], columns: string[], errors: string[]): string[] {
  if (fields.length > columns.length) errors.push(`${fields.length} fields, but the header names ${columns.length} columns`);
  const value = (name: string) => fields[columns.indexOf(name)] ?? "";
  const words = (name: string) => value(name).split(/\s+/).filter((word) => word !== "");
  const policy = value("sharedPolicy");
  return [value("storeId"), value("sku"), value("onHand"), ...words("channels"), ...(policy === "" ? [] : [`policy=${policy}`]), ...words("low")];
}

function csvLine(fields: string[], withStore: boolean, errors: string[]): Omit<ImportLine, "line"> | undefined {
  const minimum = withStore ? 3 : 2;
  if (fields.length < minimum) {
    errors.push(withStore ? "expected storeId,sku,onHand[,channel:quota:weight…]" : "expected sku,onHand[,channel:quota:weight…]");
    return undefined;
  }
  const [storeId, sku, onHandText, ...rest] = withStore ? fields : ["", ...fields];
  const onHand = integer(onHandText!, "onHand", LIMITS.maxOnHand, errors);
  const channels: Record<string, { quota: number; weight: number }> = {};
  let sharedPolicy: "first-come" | "weighted" = "first-come";
  const lowStock: { overall?: number; channels?: Record<string, number> } = {};
  const settingsSeen = new Set<string>();
  for (const field of rest) {
    if (field === "") continue;
    const setting = /^(policy|low|low\.([a-z]+))=(.*)$/.exec(field);
    if (setting) {
      const [, key, channel, value] = setting;
      // As with a channel: a setting given twice is a mistake, not "the last one wins".
      if (settingsSeen.has(key!)) errors.push(`${key} appears twice`);
      settingsSeen.add(key!);
      if (key === "policy") {
        if (value === "first-come" || value === "weighted") sharedPolicy = value;
        else errors.push(`policy must be first-come or weighted, got "${value}"`);
      } else if (channel !== undefined) {
        if (!CHANNEL_SET.has(channel)) errors.push(`unknown channel "${channel}" in ${field}`);
        const n = integer(value!, field, LIMITS.maxOnHand, errors);
        if (n !== undefined) (lowStock.channels ??= {})[channel] = n;
      } else {
        const n = integer(value!, "low", LIMITS.maxOnHand, errors);
        if (n !== undefined) lowStock.overall = n;
      }
      continue;
    }
    const parts = field.split(":");
    if (parts.length !== 3) {
      errors.push(`"${field}" is not <channel>:<quota>:<weight>, policy=…, low=… or low.<channel>=…`);
      continue;
    }
    const [name, quotaText, weightText] = parts as [string, string, string];
    if (!CHANNEL_SET.has(name)) errors.push(`unknown channel "${name}" (one of ${CHANNELS.join(", ")})`);
    else if (channels[name]) errors.push(`channel ${name} appears twice`);
    const quota = integer(quotaText, `${name} quota`, LIMITS.maxOnHand, errors);
    const weight = integer(weightText, `${name} weight`, LIMITS.maxWeight, errors);
    if (CHANNEL_SET.has(name) && quota !== undefined && weight !== undefined) channels[name] = { quota, weight };
  }
  if (onHand === undefined) return undefined;
  const hasLow = lowStock.overall !== undefined || lowStock.channels !== undefined;
  return { storeId: storeId!, sku: sku!, allocation: { onHand, channels, sharedPolicy, ...(hasLow ? { lowStock } : {}) } };
}

const JsonLine = Allocation.extend({ sku: z.string(), storeId: z.string().optional() });

function jsonLine(text: string, errors: string[]): Omit<ImportLine, "line"> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    errors.push("not valid JSON");
    return undefined;
  }
  const parsed = JsonLine.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(`${issue.path.join(".") || "line"}: ${issue.message}`);
    return undefined;
  }
  const { sku, storeId, onHand, sharedPolicy, lowStock } = parsed.data;
  const channels: Record<string, { quota: number; weight: number }> = {};
  for (const [name, bucket] of Object.entries(parsed.data.channels)) if (bucket) channels[name] = bucket;
  return { storeId: storeId ?? "", sku, allocation: { onHand, channels, sharedPolicy, ...(lowStock ? { lowStock } : {}) } };
}

/** Every line checked; each bad line reported with its number (1-based, as an editor shows it) and every reason. */
export function parseImport(text: string, format: ImportFormat, scope: ImportScope): ParsedImport {
  const good: ImportLine[] = [];
  const bad: BadLine[] = [];
  const seen = new Map<string, number>();
  const withStore = scope.storeId === undefined;
  let lines = 0;
  let header: CsvHeader | undefined;
  let headerLine = 0;
  // Lines end with CRLF, LF or a lone CR (old Mac exports).
  text.split(/\r\n|\n|\r/).forEach((raw, index) => {
    const number = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    // Only the first line that carries anything may be a header.
    if (format === "csv" && header === undefined) {
      const named = csvHeader(trimmed);
      header = named ?? { kind: "positional", withStore };
      if (named?.kind === "refused") {
        // Reported as a bad line (and counted as one), so a file of only a header says why.
        headerLine = number;
        lines++;
        bad.push({ line: number, errors: [named.reason] });
      }
      if (named) return;
    }
    lines++;
    const errors: string[] = [];
    let parsed: Omit<ImportLine, "line"> | undefined;
    if (format === "csv") {
      const fields = csvFields(trimmed);
      if (typeof fields === "string") errors.push(fields);
      else if (header?.kind === "refused") errors.push(`the header on line ${headerLine} is refused`);
      else if (header?.kind === "named") parsed = csvLine(namedFields(fields, header.columns, errors), true, errors);
      else parsed = csvLine(fields, header?.withStore ?? withStore, errors);
    } else parsed = jsonLine(trimmed, errors);

    if (parsed) {
      if (scope.storeId !== undefined) {
        if (parsed.storeId && parsed.storeId !== scope.storeId) errors.push(`storeId ${parsed.storeId} is not this import's store ${scope.storeId}`);
        parsed.storeId = scope.storeId;
      } else if (!parsed.storeId) errors.push("storeId is required in a region import");
      else if (!StoreId.safeParse(parsed.storeId).success) errors.push(`storeId "${parsed.storeId}" is not a valid store id`);
      else if (!scope.storesInRegion?.has(parsed.storeId)) errors.push(`store ${parsed.storeId} is not in this region`);
      if (!Sku.safeParse(parsed.sku).success) errors.push(`sku "${parsed.sku}" is not a valid SKU`);
      let quotas = 0;
      for (const bucket of Object.values(parsed.allocation.channels)) quotas += bucket.quota;
      if (quotas > parsed.allocation.onHand) errors.push(`channel quotas (${quotas}) exceed onHand (${parsed.allocation.onHand}): an allocation's quotas must fit in its units (lower them)`);
      const key = `${parsed.storeId}\u0000${parsed.sku}`;
      const first = seen.get(key);
      if (first !== undefined) errors.push(`${parsed.sku} already appears on line ${first}`);
      else seen.set(key, number);
    }
    if (errors.length > 0 || !parsed) bad.push({ line: number, errors });
    else good.push({ line: number, ...parsed });
  });
  return { good, bad, lines };
}
