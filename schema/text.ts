import { z } from "@hono/zod-openapi";

/**
 * What Postgres cannot store in text or jsonb: NUL, and a UTF-16 surrogate without its pair
 * (JSON can carry one as `\ud800`). With the `u` flag a paired surrogate is one code point,
 * so `\p{Cs}` matches only a lone one.
 */
const NOT_STORABLE = /\u0000|\p{Cs}/u;
const EVERY_NOT_STORABLE = new RegExp(NOT_STORABLE.source, "gu");

/** Whether Postgres can store this text as it is (no NUL, no unpaired surrogate). */
export function isStorable(text: string): boolean {
  return !NOT_STORABLE.test(text);
}

/**
 * Those, and the other control characters, which no name needs (a note may hold tabs and line
 * breaks), and U+FFFD: the runtime reads a body's bytes that are not UTF-8 as U+FFFD, so a
 * Latin-1 "M\xfcnchen" would be stored as "M\ufffdnchen" behind a 201. Refused in the text
 * fields (where such bytes could land unnoticed; ids and enums refuse them already) rather
 * than by decoding every body strictly, which cost a hot-SKU reservation 10 % more of
 * workerd's instructions (README, session 44).
 */
const UNWANTED = /[\u0000-\u001F\u007F\uFFFD]|\p{Cs}/u;
const UNWANTED_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFD]|\p{Cs}/u;
const UNWANTED_MESSAGE = "or unpaired surrogates, and no U+FFFD (what bytes that are not UTF-8 become: send the text as UTF-8)";

/** Whether the text holds no control character, no unpaired surrogate and no U+FFFD (what a secret or a name may hold). */
export function hasNoControlCharacters(text: string): boolean {
  return !UNWANTED.test(text);
}

/** Free text a person types (a store's name, a note): trimmed, 1–`max` characters, no control characters, unpaired surrogates or U+FFFD. */
export function plainText(max: number, { lines = false } = {}) {
  const unwanted = lines ? UNWANTED_BUT_LINES : UNWANTED;
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !unwanted.test(text), lines ? `no control characters (but tabs and line breaks) ${UNWANTED_MESSAGE}` : `no control characters ${UNWANTED_MESSAGE}`);
}

/**
 * A value with every string (keys too) made storable in Postgres: NUL and lone surrogates
 * become U+FFFD. For what must land whatever it holds: a dead letter, or a name stored
 * before the API refused such text.
 */
export function storable<T>(value: T): T {
  if (typeof value === "string") return value.replace(EVERY_NOT_STORABLE, "\uFFFD") as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [storable(key), storable(entry)])) as T;
  }
  return value;
}
