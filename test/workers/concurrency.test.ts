import { describe, expect, it } from "vitest";
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
