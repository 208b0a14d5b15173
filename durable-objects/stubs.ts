import type { Env } from "../workers/env";
import { fnv1a } from "./core/hash";
import { webhooksObjectName, type WebhookHome } from "./core/webhook-policy";
import { cellName, type CellKey } from "./stock-cell";

/**
 * The stock cell object for (store, SKU). Where the store's region is known, the object
 * is created near it (the location hint only matters the first time the object is made).
 */
export function cellStub(env: Pick<Env, "STOCK_CELL">, key: CellKey, locationHint?: DurableObjectLocationHint) {
  const id = env.STOCK_CELL.idFromName(cellName(key));
  return locationHint ? env.STOCK_CELL.get(id, { locationHint }) : env.STOCK_CELL.get(id);
}

/** The store's hub: its read model of levels, its changes feed and its live sockets. */
export function hubStub(env: Pick<Env, "STORE_HUB">, storeId: string) {
  return env.STORE_HUB.get(env.STORE_HUB.idFromName(storeId));
}

/** The chain's directory: stores and the oversell index. One object. */
export function directoryStub(env: Pick<Env, "DIRECTORY">) {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName("chain"));
}

/** One multi-cell operation (a return, an import), named by its kind, scope and id. */
export function operationStub(env: Pick<Env, "OPERATION">, name: string) {
  return env.OPERATION.get(env.OPERATION.idFromName(name));
}

export function transferStub(env: Pick<Env, "TRANSFER">, transferId: string) {
  return env.TRANSFER.get(env.TRANSFER.idFromName(transferId));
}

/** A region's webhooks: subscriptions and the delivery of threshold events to them. */
export function webhooksStub(env: Pick<Env, "WEBHOOKS">, region: string) {
  return webhooksHomeStub(env, { kind: "region", region });
}

/** A store's webhooks: its own subscriptions; it hands its cells' events on to its region's object. */
export function storeWebhooksStub(env: Pick<Env, "WEBHOOKS">, storeId: string) {
  return webhooksHomeStub(env, { kind: "store", storeId });
}

export function webhooksHomeStub(env: Pick<Env, "WEBHOOKS">, home: WebhookHome) {
  return env.WEBHOOKS!.get(env.WEBHOOKS!.idFromName(webhooksObjectName(home)));
}

/**
 * How many objects keep the reservations. Fewer objects share more commits (each shard writes
 * the records of the calls answered together in one commit): on one local workerd, 8 made
 * the hot SKU 20–60 % faster than 16 (README, Performance, steps 9 and 42). Each is one
 * object's throughput in production, so 8 bound the chain's reservation calls, not a SKU's
 * (a hot SKU is bound by its cell), and each keeps an eighth of the 30 days of settled
 * reservations. Fixed before the first deployment: changing it moves where every id is
 * looked up, and the reservations kept so far would be lost.
 */
export const RESERVATION_SHARDS = 8;

/** Which of the RESERVATION_SHARDS objects keeps a reservation: a hash of its id (FNV-1a). */
export function reservationShardOf(reservationId: string): number {
  return fnv1a(reservationId) % RESERVATION_SHARDS;
}

/** The object that keeps a reservation (see reservationShardOf). */
export function reservationStub(env: Pick<Env, "RESERVATION">, reservationId: string) {
  return reservationShardStub(env, reservationShardOf(reservationId));
}

export function reservationShardStub(env: Pick<Env, "RESERVATION">, shard: number) {
  return env.RESERVATION.get(env.RESERVATION.idFromName(`reservations-${shard}`));
}
