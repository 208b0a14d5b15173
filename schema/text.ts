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

/** Those, and the other control characters, which no name needs; a note may hold tabs and line breaks. */
const UNWANTED = /[\u0000-\u001F\u007F]|\p{Cs}/u;
const UNWANTED_BUT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|\p{Cs}/u;

/** Whether the text holds no control character and no unpaired surrogate (what a secret or a name may hold). */
export function hasNoControlCharacters(text: string): boolean {
  return !UNWANTED.test(text);
}

/** Free text a person types (a store's name, a note): trimmed, 1–`max` characters, no control characters or unpaired surrogates. */
export function plainText(max: number, { lines = false } = {}) {
  const unwanted = lines ? UNWANTED_BUT_LINES : UNWANTED;
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => !unwanted.test(text), lines ? "no control characters (but tabs and line breaks) or unpaired surrogates" : "no control characters or unpaired surrogates");
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
