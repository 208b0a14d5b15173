import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { guardedWebSocket } from "../../workers/reporting/guarded-websocket";

/** A WebSocket to the reporting database through the local proxy, as the Neon driver opens it. */
async function openedAndClosed(Socket: typeof WebSocket): Promise<WebSocket> {
  const { hostname, port } = new URL(env.DATABASE_URL!);
  const socket = new Socket(`ws://${env.NEON_WS_PROXY!}/v2?address=${hostname}:${port || 5432}`);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  socket.close();
  return socket;
}

describe("the reporting database's WebSocket", () => {
  it("drops a send after close, where the runtime's own socket throws (the Neon driver's coalescing timer does this)", async () => {
    const plain = await openedAndClosed(WebSocket);
    expect(() => plain.send(new Uint8Array([0]))).toThrow(/after close/);

    const guarded = await openedAndClosed(guardedWebSocket());
    expect(guarded).toBeInstanceOf(WebSocket);
    expect(() => guarded.send(new Uint8Array([0]))).not.toThrow();
  });
});
