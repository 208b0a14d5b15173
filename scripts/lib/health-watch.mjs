// `npm start` keeps running while wrangler does; but when workerd itself dies (a segfault
// under a storm of SQLITE_NOMEM was seen), wrangler stays up with nothing behind its port:
// every request hangs, and nothing said so. So the script asks /v1/health now and then and,
// when the Worker has not answered for a while, says so and stops (the data is kept; start
// again). A busy runtime answers health in milliseconds, so the bound is generous.

/**
 * Calls `onDead(seconds)` once when `url` has not answered 2xx for `failures` checks in a row,
 * `periodMs` apart (each given `timeoutMs`). Returns a function that stops watching.
 */
export function watchHealth(url, onDead, { periodMs = 10_000, timeoutMs = 10_000, failures = 6 } = {}) {
  let failed = 0;
  let stopped = false;
  let timer;
  const check = async () => {
    let ok = false;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      ok = response.ok;
    } catch {
      /* no answer */
    }
    if (stopped) return;
    failed = ok ? 0 : failed + 1;
    if (failed >= failures) {
      stopped = true;
      onDead(Math.round((failures * (periodMs + timeoutMs)) / 1000));
      return;
    }
    timer = setTimeout(check, periodMs);
    timer.unref();
  };
  timer = setTimeout(check, periodMs);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
