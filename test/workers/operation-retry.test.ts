import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import type { Operation, OperationReply } from "../../durable-objects/operation";
import { operationStub } from "../../durable-objects/stubs";
import { freshCell, readCell, unique } from "./helpers";

it("an item whose cell call keeps failing is retried, then answered as unavailable and left to the alarm", async () => {
  const good = await freshCell();
  const broken = await freshCell();
  const stub = operationStub(env, unique("op"));
  const opId = unique("import");
  const reply = (await stub.run({
    fingerprint: "f",
    concurrency: 4,
    items: [
      { storeId: good.storeId, sku: good.sku, command: { type: "import", opId, onHand: 42, channels: {}, sharedPolicy: "first-come" } },
      // A command the cell cannot even apply: its call throws, every time.
      { storeId: broken.storeId, sku: broken.sku, command: { type: "bogus" } as never },
    ],
  })) as OperationReply;
  expect(reply.ok).toBe(false);
  if (reply.ok) return;
  expect(reply.error.code).toBe("unavailable");
  expect(reply.error.details).toMatchObject({ pending: 1 });
  // The good line was applied and recorded; the other waits for the operation's alarm.
  expect((await readCell(good.storeId, good.sku)).onHand).toBe(42);
  await runInDurableObject(stub, async (_instance: Operation, state) => {
    expect(await state.storage.getAlarm()).not.toBeNull();
    const outcomes = state.storage.sql.exec<{ outcome: string | null }>("SELECT outcome FROM items ORDER BY idx").toArray();
    expect(outcomes.map((row) => row.outcome === null)).toEqual([false, true]);
    // This item can never succeed; stop its retries so they do not run beside other tests.
    await state.storage.deleteAlarm();
  });
});
