import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../schema/limits";
import type { AppBindings } from "../types";

/** How much of a chunked body is read past what the Worker used, at most, before giving up on the connection. */
const CHUNKED_DRAIN_BYTES = 64 * 1024 * 1024;

/**
 * Local runtimes only (LOCAL_RUNTIME: `npm start`'s wrangler dev, the tests, the test kit and
 * the bench's workerd, whatever LOCAL_MODE says): when the Worker answers before
 * reading the request's body (a 401/403 from auth, a 413, a route that takes no body),
 * workerd closes the connection, and a client that reuses the kept-alive connection fails
 * with "other side closed"; through wrangler dev's proxy, which pools its connections to
 * workerd, some other client's next request got a plain 503 instead. Reading what is left
 * keeps the connection usable: a body that declares its length up to the limit; a chunked
 * one (no length to judge it by) through a pass-through whose source is read to its end
 * (at most CHUNKED_DRAIN_BYTES) after the answer is made, even when a 413 stopped reading it.
 */
export const drainUnreadBody = createMiddleware<AppBindings>(async (c, next) => {
  const request = c.req.raw;
  if (c.env.LOCAL_RUNTIME !== "true" || !request.body) return next();
  if (request.headers.has("content-length")) {
    await next();
    const length = Number(request.headers.get("content-length"));
    if (request.bodyUsed || !(length > 0 && length <= LIMITS.maxBodyBytes)) return;
    await request.arrayBuffer().catch(() => undefined);
    return;
  }
  const source = request.body.getReader();
  // The source takes one read at a time: the drain waits for a pull still in flight.
  let pulling: Promise<unknown> | undefined;
  const passThrough = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const read = source.read();
        pulling = read;
        const { done, value } = await read;
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: () => undefined,
    },
    // Nothing is read ahead: a route that never reads the body leaves no read in flight.
    { highWaterMark: 0 },
  );
  c.req.raw = new Request(request, { body: passThrough, duplex: "half" } as RequestInit);
  try {
    await next();
  } finally {
    await pulling?.catch(() => undefined);
    await drain(source).catch(() => undefined);
  }
});

async function drain(source: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (let read = 0; read <= CHUNKED_DRAIN_BYTES; ) {
    const { done, value } = await source.read();
    if (done) return;
    read += value.byteLength;
  }
  await source.cancel();
}
