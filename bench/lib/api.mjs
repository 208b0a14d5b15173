// Small HTTP helpers for setting up and checking the product through its real API.
/**
 * One API call; JSON unless `contentType` names another type for a text body (a CSV
 * import). A non-2xx answer throws an error carrying `status` and the parsed `body`.
 */
export async function call(baseUrl, token, method, path, body, contentType = "application/json") {
  const send = () =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": contentType },
      body: body === undefined ? undefined : contentType === "application/json" ? JSON.stringify(body) : body,
    });
  let response;
  try {
    response = await send();
  } catch (error) {
    // A kept-alive connection the server closed as it was reused: a read is safe to send again.
    if (method !== "GET" || error.cause?.code !== "UND_ERR_SOCKET") throw error;
    response = await send();
  }
  const text = await response.text();
  if (!response.ok) {
    const error = new Error(`${method} ${path} → ${response.status} ${text.slice(0, 500)}`);
    error.status = response.status;
    error.body = text.startsWith("{") ? JSON.parse(text) : text;
    throw error;
  }
  return text ? JSON.parse(text) : undefined;
}

/** Runs `work(item)` over `items` with at most `limit` in flight. */
export async function inParallel(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

export async function waitFor(check, { timeoutMs, intervalMs = 50 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
