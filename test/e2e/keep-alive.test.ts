import { afterAll, beforeAll, expect, it } from "vitest";
import { isInventoryApiError, startInventory, type Inventory } from "../kit";

// workerd closes a kept-alive connection when the Worker answered without reading the body;
// the next request on it then fails ("other side closed"). The Worker reads what is left in
// local mode (workers/middleware/drain-body.ts), so refused calls never break the next one.
let inventory: Inventory;
beforeAll(async () => {
  inventory = await startInventory({ reports: false });
});
afterAll(() => inventory?.stop());

it("keeps the connection usable after answers given before the body was read", async () => {
  const service = await inventory.clientFor("service");
  const failures: unknown[] = [];
  for (let round = 0; round < 60; round += 1) {
    // 403 from the role check, before the route reads its body.
    const refused = await service.local.clock({ advanceSeconds: 1 }).catch((error: unknown) => error);
    expect(isInventoryApiError(refused, "forbidden")).toBe(true);
    await inventory.client.health().catch((error: unknown) => failures.push(error));
  }
  expect(failures).toEqual([]);
});

it("keeps the connection usable after refusing a chunked body over the limit (413 before it was all read)", async () => {
  const { adminToken } = inventory;
  const failures: unknown[] = [];
  for (let round = 0; round < 10; round += 1) {
    // No Content-Length: the 1 MiB limit is found only while reading, and the rest was left unread.
    const chunk = new TextEncoder().encode(" ".repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"events":['));
        if (sent > 1_200_000) controller.close();
        else controller.enqueue(chunk);
        sent += chunk.byteLength;
      },
    });
    const refused = await fetch(`${inventory.url}/v1/stores/berlin-01/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
    await inventory.client.health().catch((error: unknown) => failures.push(error));
  }
  expect(failures).toEqual([]);
});
