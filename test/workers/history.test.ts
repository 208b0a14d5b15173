import { describe, expect, it } from "vitest";
import { allocate as allocateCore, emptyCell, type SharedPolicy } from "../../durable-objects/core";
import { checkHistory, type HistoryOp, type OpResult } from "../support/history-checker";
import { ADMIN, api, freshCell, readCell, reserve, unique } from "./helpers";

/**
 * Concurrent clients against one real cell through the API; every operation's start, end
 * and result is recorded, then the history checker looks for a sequential order of the
 * pure core, consistent with real time, that gives the same results and the same final cell.
 */

const CLIENTS = 24;

/** A small deterministic generator so a failing run can be replayed from its seed. */
function random(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const now = () => performance.now();

/** An operation before it runs (each member of the union without its timing and result). */
type OpSpec = HistoryOp extends infer T ? (T extends HistoryOp ? Omit<T, "start" | "end" | "result"> : never) : never;

async function timed(record: HistoryOp[], op: OpSpec, call: () => Promise<{ status: number; body: any }>, interpret: (r: { status: number; body: any }) => OpResult) {
  const start = now();
  const response = await call();
  const end = now();
  // Only answers the API documents count; anything else fails the test below.
  expect([200, 201, 404, 409], JSON.stringify(response.body)).toContain(response.status);
  const result = interpret(response);
  record.push({ ...op, start, end, result } as HistoryOp);
  return result;
}

async function runHistory(sharedPolicy: SharedPolicy, seed: number) {
  const allocation = { onHand: 20, channels: { pos: { quota: 5, weight: 1 }, online: { quota: 5, weight: 2 } }, sharedPolicy };
  const { storeId, sku } = await freshCell(allocation);
  const before = await readCell(storeId, sku);
  const core = allocateCore(emptyCell(storeId, sku, before.updatedAt), allocation, before.updatedAt);
  if (!core.ok) throw new Error("model allocation failed");
  const initial = { ...core.state, version: before.version };

  const rand = random(seed);
  const prefix = unique("h");
  const history: HistoryOp[] = [];

  const client = async (i: number) => {
    const reservationId = `${prefix}-${i}`;
    const channel = rand() < 0.5 ? "pos" : "online";
    const qty = 1 + Math.floor(rand() * 3);
    const next = rand();
    await timed(
      history,
      { kind: "reserve", reservationId, channel, qty },
      () => reserve({ reservationId, channel, items: [{ storeId, sku, qty }] }),
      ({ status, body }) =>
        status === 201
          ? { ok: true, fromChannel: body.items[0].fromChannel, fromShared: body.items[0].fromShared }
          : { ok: false, code: body.error.code },
    );
    const transition = (action: "confirm" | "release") =>
      timed(
        history,
        { kind: action, reservationId },
        () => api("POST", `/v1/reservations/${reservationId}/${action}`, { token: ADMIN }),
        ({ status, body }) => (status === 200 ? { ok: true } : { ok: false, code: body.error.code }),
      );
    if (next < 0.3) await transition("confirm");
    else if (next < 0.6) await transition("release");
    else if (next < 0.8) await Promise.all([transition("confirm"), transition("release")]); // a race: exactly one may win
    // else: stays pending
  };

  await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
  const after = await readCell(storeId, sku);
  const final = { onHand: after.onHand, reserved: after.reserved, shared: after.free.shared, free: after.free.channels, version: after.version };
  return { history, initial, final };
}

describe("history of one cell under concurrent clients", () => {
  for (const [policy, seed] of [
    ["first-come", 11],
    ["weighted", 29],
  ] as const) {
    it(`is linearizable against the pure core (${policy})`, async () => {
      const { history, initial, final } = await runHistory(policy, seed);
      // The run is meaningful: contention made some reservations fail and some succeed.
      const reserves = history.filter((op) => op.kind === "reserve");
      expect(reserves.some((op) => op.result?.ok)).toBe(true);
      expect(reserves.some((op) => !op.result?.ok)).toBe(true);
      const result = checkHistory({ initial, history, final, maxConfigurations: 500_000 });
      expect(result, JSON.stringify({ result, final, history })).toMatchObject({ ok: true });

      // Control: the same history with one granted reservation recorded as refused is rejected.
      const flipped = history.map((op) => ({ ...op }));
      const granted = flipped.find((op) => op.kind === "reserve" && op.result?.ok)!;
      granted.result = { ok: false, code: "insufficient_stock" };
      expect(checkHistory({ initial, history: flipped, final, maxConfigurations: 500_000 }).ok).toBe(false);
    });
  }
});
