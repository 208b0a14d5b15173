// Local mode only (LOCAL_MODE "true": `npm start`, tests, the test kit): move the service's
// clock and settle what is then due, so tests make time pass without sleeping. Elsewhere
// these routes answer 404 like any unknown route.
import { createMiddleware } from "hono/factory";
import { clockOffsetMs, now, nowIso, setClockOffsetMs } from "../../durable-objects/clock";
import { reservationStub } from "../../durable-objects/stubs";
import { ClockInput, ClockState, CronResult, TickResult } from "../../schema/local";
import { mapConcurrently } from "../concurrency";
import { ApiError } from "../errors";
import { SWEEP_AGE_MS, heldHolds, sweepHolds } from "../holds";
import { scheduleMaintenance } from "../maintenance";
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, noBody, apiRoute } from "../router";
import type { AppBindings } from "../types";

const localOnly = createMiddleware<AppBindings>(async (c, next) => {
  if (c.env.LOCAL_MODE !== "true") throw new ApiError("not_found", `no route ${c.req.method} ${new URL(c.req.url).pathname}`);
  await next();
});

const clock = apiRoute({
  method: "post",
  path: "/v1/admin/local/clock",
  tags: ["local"],
  summary: "Local mode: move the service's clock forward (or back to real time)",
  security: bearer,
  middleware: [localOnly, requireRole("admin")] as const,
  request: { body: { required: true, content: { "application/json": { schema: ClockInput } } } },
  responses: {
    200: { description: "The clock now", content: { "application/json": { schema: ClockState } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

const tick = apiRoute({
  method: "post",
  path: "/v1/admin/local/tick",
  tags: ["local"],
  summary: "Local mode: settle every reservation that is due by the service's clock, and sweep holds no reservation owns",
  description: `Walks every store (Directory), its SKUs (StoreHub) and the reservations holding units in each cell, and settles the due ones (they expire) instead of waiting for their alarms. Then does what the cron's sweep does: releases holds older than ${SWEEP_AGE_MS / 1000} s (by the service's clock) that no reservation owns.`,
  security: bearer,
  middleware: [localOnly, requireRole("admin")] as const,
  request: { body: noBody },
  responses: {
    200: { description: "What was due", content: { "application/json": { schema: TickResult } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

const cron = apiRoute({
  method: "post",
  path: "/v1/admin/local/cron",
  tags: ["local"],
  summary: "Local mode: run the cron's work now (what wrangler.toml's trigger runs every 15 minutes)",
  description:
    "wrangler dev does not fire cron triggers, and its /cdn-cgi/handler/scheduled reaches the assets router, not this Worker (500), so `npm start` calls this every 15 minutes: a maintenance message per store (reconciliation, then the sweep of unowned holds).",
  security: bearer,
  middleware: [localOnly, requireRole("admin")] as const,
  request: { body: noBody },
  responses: {
    200: { description: "The stores sent to maintenance", content: { "application/json": { schema: CronResult } } },
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found"),
  },
});

export const local = newRouter()
  .openapi(clock, async (c) => {
    const input = c.req.valid("json");
    setClockOffsetMs(input.offsetSeconds !== undefined ? input.offsetSeconds * 1000 : clockOffsetMs() + input.advanceSeconds! * 1000);
    return c.json({ offsetMs: clockOffsetMs(), now: nowIso() }, 200);
  })
  .openapi(tick, async (c) => {
    const { stores, cells, holds: held } = await heldHolds(c.env);
    const due = [...new Set(held.filter((hold) => Date.parse(hold.expiresAt) <= now()).map((hold) => hold.reservationId))];
    const settled = await mapConcurrently(due, 16, async (reservationId) => {
      // Reading a reservation settles it: a pending one past its time expires.
      const reply = await reservationStub(c.env, reservationId).get(reservationId);
      return reply.ok && reply.reservation.status === "expired" ? reservationId : undefined;
    });
    const expired = settled.filter((id): id is string => id !== undefined);
    const dueIds = new Set(due);
    const swept = await sweepHolds(c.env, held.filter((hold) => !dueIds.has(hold.reservationId)), SWEEP_AGE_MS);
    const reservations = new Set(held.map((hold) => hold.reservationId)).size;
    return c.json({ stores, cells, reservations, expired, unownedHoldsReleased: swept.released, now: nowIso() }, 200);
  })
  .openapi(cron, async (c) => c.json(await scheduleMaintenance(c.env), 200));
