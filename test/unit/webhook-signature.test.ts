import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nextAttemptAt, shouldGiveUp, RETRY_MAX_MS } from "../../durable-objects/core";
import { signatureHeader, verifySignature } from "../../workers/webhooks/sign";

describe("webhook signatures and retries", () => {
  it("signs t.body with HMAC-SHA256, as Node's own HMAC computes it", async () => {
    const body = '{"id":"s/k/3:overall:sold_out"}';
    const header = await signatureHeader("secret-0123456789", body, 1_800_000_000);
    const expected = createHmac("sha256", "secret-0123456789").update(`1800000000.${body}`).digest("hex");
    expect(header).toBe(`t=1800000000,v1=${expected}`);
    expect(await verifySignature("secret-0123456789", body, header, 1_800_000_100)).toBe(true);
    expect(await verifySignature("other-secret-000000", body, header, 1_800_000_100)).toBe(false);
    expect(await verifySignature("secret-0123456789", body + " ", header, 1_800_000_100)).toBe(false);
    expect(await verifySignature("secret-0123456789", body, header, 1_800_001_000)).toBe(false); // too old
  });

  it("backs off exponentially with jitter, capped, and gives up after a day", () => {
    const delays = [1, 2, 3, 8, 20].map((attempts) => nextAttemptAt(0, attempts, 0.5));
    expect(delays.slice(0, 3)).toEqual([30_000, 60_000, 120_000]);
    expect(delays[3]).toBe(RETRY_MAX_MS);
    expect(delays[4]).toBe(RETRY_MAX_MS);
    expect(nextAttemptAt(0, 1, 0)).toBe(24_000);
    expect(nextAttemptAt(0, 1, 0.999)).toBeLessThanOrEqual(36_000);
    expect(shouldGiveUp(0, 23 * 3_600_000)).toBe(false);
    expect(shouldGiveUp(0, 25 * 3_600_000)).toBe(true);
  });
});
