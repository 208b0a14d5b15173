import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { holdIdOf } from "../../durable-objects/core";
import type { CellReply } from "../../durable-objects/stock-cell";
import { cellStub } from "../../durable-objects/stubs";
import { ADMIN, api, freshCell, readCell, reserve, unique } from "./helpers";

describe("no oversell under concurrency", () => {
  for (const sharedPolicy of ["first-come", "weighted"] as const) {
    it(`400 concurrent one-unit reservations on 100 units (${sharedPolicy}): exactly 100 succeed`, async () => {
      const { storeId, sku } = await freshCell({
        onHand: 100,
        channels: { pos: { quota: 30, weight: 1 }, online: { quota: 40, weight: 3 } },
        sharedPolicy,
      });
      const attempts = Array.from({ length: 400 }, (_, i) => ({
        reservationId: unique(`c${i}`),
        channel: i % 2 === 0 ? "online" : "pos",
        items: [{ storeId, sku, qty: 1 }],
      }));
      const responses = await Promise.all(attempts.map((body) => reserve(body)));
      const won = attempts.filter((_, i) => responses[i]!.status === 201);
      const lost = responses.filter((response) => response.status === 409);
      expect(won).toHaveLength(100);
      expect(lost).toHaveLength(300);
      for (const response of lost) expect(response.body.error.code).toBe("insufficient_stock");

      const full = await readCell(storeId, sku);
      expect(full).toMatchObject({ onHand: 100, reserved: 100, free: { shared: 0, channels: { pos: 0, online: 0 } } });

      // Half confirmed, half released: 50 leave; the released units go back where they came from.
      const toRelease = won.slice(50);
      const expectedBack = { shared: 0, pos: 0, online: 0 };
      for (const attempt of toRelease) {
        const read = await api("GET", `/v1/reservations/${attempt.reservationId}`, { token: ADMIN });
        const item = read.body.items[0];
        expectedBack[attempt.channel as "pos" | "online"] += item.fromChannel;
        expectedBack.shared += item.fromShared;
      }
      const transitions = await Promise.all([
        ...won.slice(0, 50).map((attempt) => api("POST", `/v1/reservations/${attempt.reservationId}/confirm`, { token: ADMIN })),
        ...toRelease.map((attempt) => api("POST", `/v1/reservations/${attempt.reservationId}/release`, { token: ADMIN })),
      ]);
      for (const response of transitions) expect(response.status).toBe(200);

      const after = await readCell(storeId, sku);
      expect(after).toMatchObject({
        onHand: 50,
        reserved: 0,
        free: { shared: expectedBack.shared, channels: { pos: expectedBack.pos, online: expectedBack.online } },
      });
      expect(expectedBack.shared + expectedBack.pos + expectedBack.online).toBe(50);
    });
  }
});

describe("a reservation shard's calls to one cell, sent together (executeMany)", () => {
  it("applies them in order, as one call each would, and answers each its own reply", async () => {
    const { storeId, sku } = await freshCell({ onHand: 5 });
    const key = { storeId, sku };
    const expiresAt = new Date(Date.now() + 900_000).toISOString();
    const hold = (reservationId: string, qty: number) =>
      ({ type: "hold", holdId: holdIdOf({ reservationId, attempt: 1 }), reservationId, channel: "online", qty, expiresAt }) as const;
    const first = unique("g1");
    const second = unique("g2");
    const replies = (await cellStub(env, key).executeMany(key, [
      hold(first, 3),
      hold(second, 3),
      hold(first, 3),
      { type: "release", holdId: holdIdOf({ reservationId: first, attempt: 1 }), reason: "released" },
      hold(second, 2),
    ])) as CellReply[];
    expect(replies.map((reply) => (reply.ok ? reply.hold?.status ?? "ok" : reply.error.code))).toEqual([
      "held",
      "insufficient_stock",
      "held",
      "released",
      "held",
    ]);
    expect(replies[0]!.ok && replies[0]!.hold?.qty).toBe(3);
    expect(await readCell(storeId, sku)).toMatchObject({ onHand: 5, reserved: 2 });
  });
});
