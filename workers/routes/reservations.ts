import type { ReservationReply, ReservationView } from "../../durable-objects/reservation-book";
import { LIMITS } from "../../schema/limits";
import { Reservation, ReservationInput, ReservationParams, ReservationTransition } from "../../schema/reservations";
import { canReadStore, type Principal } from "../auth/principal";
import type { Env } from "../env";
import { directoryStub, reservationStub } from "../../durable-objects/stubs";
import { ApiError, fromDomain } from "../errors";

/** Stores tried, in priority order, for an order that names none. */
const MAX_CANDIDATES = 10;
import { requireRole } from "../middleware/authenticate";
import { bearer, errorResponses, newRouter, noBody, apiRoute } from "../router";
import { hiddenOutsideScope, storeInScope } from "../scope";
import { requireStore } from "../stores";

const reservationResponse = (description: string) => ({ description, content: { "application/json": { schema: Reservation } } });
const transitionResponse = { description: "The reservation's status after the call", content: { "application/json": { schema: ReservationTransition } } };

const create = apiRoute({
  method: "post",
  path: "/v1/reservations",
  tags: ["reservations"],
  summary: "Reserve stock for an order, all or nothing",
  description: `Up to ${LIMITS.maxReservationItems} items. Not enough stock for any item: 409 insufficient_stock with details.shortages for every short item, and nothing is held. The same request again answers 200 with the same reservation; the same id with other content is a 409. A settled reservation (confirmed, released, expired) is remembered for 30 days; then its id is free again.`,
  security: bearer,
  middleware: [requireRole("admin", "service", "store")] as const,
  request: { body: { required: true, content: { "application/json": { schema: ReservationInput } } } },
  responses: {
    200: reservationResponse("Already created by an earlier identical request"),
    201: reservationResponse("Created: every item is held"),
    ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "insufficient_stock"),
  },
});

const get = apiRoute({
  method: "get",
  path: "/v1/reservations/{reservationId}",
  tags: ["reservations"],
  summary: "Read a reservation",
  security: bearer,
  middleware: [requireRole("admin", "service", "store", "manager")] as const,
  request: { params: ReservationParams },
  responses: { 200: reservationResponse("The reservation"), ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found") },
});

const transition = (action: "confirm" | "release", summary: string) =>
  apiRoute({
    method: "post",
    path: `/v1/reservations/{reservationId}/${action}`,
    tags: ["reservations"],
    summary,
    description: "Only a pending reservation moves. Repeating a transition that happened answers 200 again; a conflicting one is a 409 naming the current status.",
    security: bearer,
    middleware: [requireRole("admin", "service", "store")] as const,
    request: { params: ReservationParams, body: noBody },
    responses: { 200: transitionResponse, ...errorResponses("invalid_request", "unauthorized", "forbidden", "not_found", "conflict") },
  });



function unwrap(reply: ReservationReply): { created: boolean; reservation: ReservationView } {
  if (!reply.ok) throw fromDomain(reply.error);
  return reply;
}

/** Store tokens and managers see some stores; admins and services every store. */
const hasStoreScope = (principal: Principal | undefined) => principal?.role === "store" || principal?.role === "manager";

/**
 * Every store an order names must exist (404 naming it: not a shortage of a cell no store
 * has); store tokens act only on their own stores, managers only read their regions'.
 */
async function checkItemStores(env: Env, principal: Principal | undefined, items: Array<{ storeId: string }>): Promise<void> {
  const storeIds = [...new Set(items.map((item) => item.storeId))];
  const scoped = hasStoreScope(principal);
  await Promise.all(storeIds.map((storeId) => (scoped ? storeInScope(env, principal, storeId, canReadStore) : requireStore(env, storeId))));
}

/** A reservation at stores the caller may not see reads as missing. */
async function checkReservationInScope(env: Env, principal: Principal | undefined, reservation: ReservationView): Promise<void> {
  if (!hasStoreScope(principal)) return;
  await hiddenOutsideScope(checkItemStores(env, principal, reservation.items), () => new ApiError("not_found", `no reservation ${reservation.reservationId}`));
}

/** Reads the reservation to check scope, for the roles whose scope is narrower than "any store". */
async function scopedReservation(env: Env, principal: Principal | undefined, reservationId: string): Promise<void> {
  if (!hasStoreScope(principal)) return;
  const { reservation } = unwrap(await reservationStub(env, reservationId).get(reservationId));
  await checkReservationInScope(env, principal, reservation);
}

export const reservations = newRouter()
  .openapi(create, async (c) => {
    const { region: askedRegion, ...input } = c.req.valid("json");
    const pick = input.items.every((item) => !item.storeId);
    let candidates: string[] | undefined;
    if (pick) {
      if (c.get("principal")?.role === "store") throw new ApiError("forbidden", "a store token must name its store on every item");
      candidates = (await directoryStub(c.env).storesCovering(askedRegion ?? c.get("region"))).slice(0, MAX_CANDIDATES).map((store) => store.storeId);
    } else {
      await checkItemStores(c.env, c.get("principal"), input.items as Array<{ storeId: string }>);
    }
    const reply = await reservationStub(c.env, input.reservationId).create({
      ...input,
      ttlSeconds: input.ttlSeconds ?? LIMITS.defaultTtlSeconds,
      ...(candidates ? { candidates } : {}),
    });
    const { created, reservation } = unwrap(reply);
    return created ? c.json(reservation, 201) : c.json(reservation, 200);
  })
  .openapi(get, async (c) => {
    const { reservationId } = c.req.valid("param");
    const { reservation } = unwrap(await reservationStub(c.env, reservationId).get(reservationId));
    await checkReservationInScope(c.env, c.get("principal"), reservation);
    return c.json(reservation, 200);
  })
  .openapi(transition("confirm", "Confirm (paid): the units leave on-hand"), async (c) => {
    const { reservationId } = c.req.valid("param");
    await scopedReservation(c.env, c.get("principal"), reservationId);
    const { reservation } = unwrap(await reservationStub(c.env, reservationId).confirm(reservationId));
    return c.json({ reservationId, status: reservation.status }, 200);
  })
  .openapi(transition("release", "Release (cancelled): the units go back to their buckets"), async (c) => {
    const { reservationId } = c.req.valid("param");
    await scopedReservation(c.env, c.get("principal"), reservationId);
    const { reservation } = unwrap(await reservationStub(c.env, reservationId).release(reservationId));
    return c.json({ reservationId, status: reservation.status }, 200);
  });
