/**
 * The service's clock: real time plus an offset that only local mode can set (the test
 * kit's advanceTime), so tests can make reservations expire without sleeping. The offset
 * lives in the isolate's memory, which in workerd (wrangler dev, Miniflare) the Worker and
 * all its Durable Objects share; in production nothing sets it and this is Date.now().
 */
let offsetMs = 0;

export function now(): number {
  return Date.now() + offsetMs;
}

export function nowIso(): string {
  return new Date(now()).toISOString();
}

export function clockOffsetMs(): number {
  return offsetMs;
}

/** Local mode only (workers/routes/local.ts checks LOCAL_MODE); never behind real time. */
export function setClockOffsetMs(ms: number): void {
  offsetMs = Math.max(0, Math.round(ms));
}
