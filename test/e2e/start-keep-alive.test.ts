// Through `npm start`, wrangler dev's proxy pools its connections to workerd. When the Worker
// answered before a streamed (chunked) body was read, workerd closed that connection, and the
// proxy answered the next request on it, another client's, with a plain-text 503 ("Your worker
// restarted mid-request"; POSTs are not retried). workers/middleware/drain-body.ts reads what
// is left. The kit (Miniflare, no proxy) cannot show this: test/e2e/keep-alive.test.ts.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.mjs";
import { exitedWithin, spawnStart } from "../support/local-start";

const ADMIN_TOKEN = "keep-alive-admin-token-0123456789";
const dataDir = mkdtempSync(join(tmpdir(), "start-keep-alive-"));
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  const port = await freePort("127.0.0.1", { alsoFree: [1000] });
  const started = spawnStart({ PORT: String(port), INSPECTOR_PORT: String(port + 1000), DATA_DIR: dataDir, ADMIN_TOKEN });
  child = started.child;
  url = `http://127.0.0.1:${port}`;
  await started.ready;
}, 120_000);

afterAll(async () => {
  child.kill("SIGINT");
  if (!(await exitedWithin(child, 30_000))) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

/** A body streamed in chunks: no Content-Length, so nothing says how long it is. */
function streamed(text: string, repeat = 1): ReadableStream<Uint8Array> {
  let left = repeat;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (left-- <= 0) return controller.close();
      controller.enqueue(new TextEncoder().encode(text));
    },
  });
}

async function receiveOne(): Promise<number> {
  const response = await fetch(`${url}/v1/stores/berlin-01/skus/milk-1l/adjustments`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ delta: 1, reason: "receive" }),
  });
  await response.text();
  return response.status;
}

/** POSTs a streamed body the service refuses, then checks that another client's next POST is answered. */
async function refusedThenNext(path: string, headers: Record<string, string>, body: ReadableStream<Uint8Array>, status: number) {
  const refused = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);
  expect(refused.status).toBe(status);
  await refused.text();
  expect(await receiveOne()).toBe(200);
}

it("answers the next POST after a 401 to a streamed body the route never read", async () => {
  for (let round = 0; round < 8; round += 1) {
    await refusedThenNext("/v1/stores/berlin-01/skus/milk-1l/adjustments", { authorization: "Bearer not-a-token" }, streamed('{"delta":1,"reason":"receive"}'), 401);
  }
}, 60_000);

it("answers the next POST after a 413 to a streamed body over the limit", async () => {
  for (let round = 0; round < 3; round += 1) await refusedThenNext("/v1/reservations", {}, streamed(" ".repeat(64 * 1024), 18), 413);
}, 60_000);
