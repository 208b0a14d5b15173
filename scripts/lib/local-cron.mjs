// wrangler dev never fires cron triggers (and its /cdn-cgi/handler/scheduled reaches the
// assets router, not the Worker), so `npm start` runs wrangler.toml's cron itself: on every
// quarter hour, as "*/15 * * * *" would, it asks the Worker to do the cron's work
// (POST /v1/admin/local/cron: a maintenance message per store). LOCAL_CRON_SECONDS sets
// another period (tests).

/** Calls the cron route every `periodMs`, on the multiples of it; answers how to stop it and the period. */
export function startLocalCron(baseUrl, adminToken, periodMs = Number(process.env.LOCAL_CRON_SECONDS || 900) * 1000) {
  let timer;
  const run = async () => {
    try {
      const response = await fetch(`${baseUrl}/v1/admin/local/cron`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` } });
      const body = await response.json().catch(() => undefined);
      if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(body)}`);
      console.log(`[cron] store maintenance ${body.queued ? "queued" : "run"} for ${body.stores} stores`);
    } catch (error) {
      console.error(`[cron] the cron's run failed (tried again next time): ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const schedule = () => {
    timer = setTimeout(() => {
      void run();
      schedule();
    }, periodMs - (Date.now() % periodMs));
    timer.unref();
  };
  schedule();
  return { stop: () => clearTimeout(timer), periodMs };
}
