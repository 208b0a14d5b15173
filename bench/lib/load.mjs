// The one load generator for every target: autocannon, programmatically, with the same
// connection count and duration for all of them (set once in bench/run.mjs).
import autocannon from "autocannon";

/**
 * Drives `url` with `requests` (autocannon's request list: each connection walks it in
 * order, `setupRequest(req, context)` fills in per-request ids) and returns req/s, latency
 * percentiles (ms) and status counts. `amount` instead of `duration` sends exactly that many.
 */
export const TIMEOUT_SECONDS = 30;

export async function drive({ url, connections, duration, amount, requests, headers = {} }) {
  const statuses = {};
  const instance = autocannon({
    url,
    connections,
    ...(amount ? { amount } : { duration }),
    headers: { "content-type": "application/json", ...headers },
    requests,
    // Long enough that a slow answer is measured rather than dropped (autocannon's default is 10 s).
    timeout: TIMEOUT_SECONDS,
    // Ids are unique per request: never reuse a connection's last body.
    idReplacement: false,
  });
  instance.on("response", (_client, statusCode) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  // What the errors were (a reset connection, a timeout …) and when in the run they came
  // (seconds from its start), so the table can say.
  const errorKinds = {};
  const startedAt = performance.now();
  const errorSeconds = [];
  instance.on("reqError", (error) => {
    const kind = error?.code ?? error?.message ?? String(error);
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
    errorSeconds.push((performance.now() - startedAt) / 1000);
  });
  const result = await instance;
  const answered = Object.values(statuses).reduce((sum, n) => sum + n, 0);
  // A timed run stops with up to one request in flight per connection. Any other request
  // sent and never answered nor failed was on a connection the server closed with a FIN:
  // autocannon then reconnects without counting an error (a reset is counted).
  const unanswered = Math.max(0, result.requests.sent - answered - result.errors - (amount ? 0 : connections));
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    // autocannon counts a timeout among its errors too.
    errors: result.errors,
    unanswered,
    errorKinds,
    errorSeconds: errorSeconds.length ? [Math.min(...errorSeconds), Math.max(...errorSeconds)] : undefined,
    statuses,
  };
}

/** Unique ids across every run of this process (connections share the counter). */
let sequence = 0;
export const nextId = (prefix) => `${prefix}-${process.pid}-${(sequence++).toString(36)}`;
