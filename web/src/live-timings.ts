// How often a live socket is pinged, and how long a ping may go unanswered before the socket
// counts as dead: a half-open connection (the network dropped it without a close) delivers
// nothing and never closes by itself, so only a missing answer gives it away. The browser
// tests shorten both through localStorage (the page has no other way in for a test).
export interface LiveTimings {
  pingMs: number;
  pongTimeoutMs: number;
}

export const LIVE_TIMINGS_KEY = "edge-inventory.live-timings";

const DEFAULTS: LiveTimings = { pingMs: 25_000, pongTimeoutMs: 10_000 };

const positive = (value: unknown, fallback: number) => (typeof value === "number" && Number.isFinite(value) && value > 0 ? value : fallback);

export function liveTimings(): LiveTimings {
  try {
    const saved = JSON.parse(localStorage.getItem(LIVE_TIMINGS_KEY) ?? "null") as Partial<LiveTimings> | null;
    return { pingMs: positive(saved?.pingMs, DEFAULTS.pingMs), pongTimeoutMs: positive(saved?.pongTimeoutMs, DEFAULTS.pongTimeoutMs) };
  } catch {
    return DEFAULTS;
  }
}
