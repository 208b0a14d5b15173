// The client's own logic, in plain Node: how it builds requests and turns answers into values
// or InventoryApiError. (Against the real service: test/e2e.)
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../schema/errors";
import { createClient, InventoryApiError, isInventoryApiError, pagesOf } from "../../workers/client";
import { CODE_OF_STATUS } from "../../workers/client/http";

function recording(answer: () => Response) {
  const requests: Request[] = [];
  const client = createClient({
    baseUrl: "http://inventory.test/",
    token: "t0k",
    headers: { "x-inventory-region": "eu-west" },
    fetch: async (request) => {
      requests.push(request);
      return answer();
    },
  });
  return { client, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("the typed client", () => {
  it("sends the token, the default headers, a JSON body and an encoded path", async () => {
    const { client, requests } = recording(() => json(201, { reservationId: "o:1", status: "pending" }));
    await client.cells.adjust("store 1", "a/b", { delta: 2, reason: "receive" });
    const request = requests[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("http://inventory.test/v1/stores/store%201/skus/a%2Fb/adjustments");
    expect(request.headers.get("authorization")).toBe("Bearer t0k");
    expect(request.headers.get("x-inventory-region")).toBe("eu-west");
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(await request.json()).toEqual({ delta: 2, reason: "receive" });
  });

  it("refuses an id that would change the path (empty, . or ..) before sending anything, as the call's rejection", async () => {
    const { client, requests } = recording(() => json(200, {}));
    for (const id of ["", ".", ".."]) {
      await expect(client.reservations.confirm(id)).rejects.toThrow(TypeError);
      await expect(client.stores.stock(id)).rejects.toThrow(TypeError);
      await expect(client.cells.adjust("s-1", id, { delta: 1, reason: "receive" })).rejects.toThrow(TypeError);
      await expect(client.cells.get("s-1", id)).rejects.toThrow(TypeError);
    }
    // A rejection, not a throw: allSettled (or .catch) sees each call's outcome, the good ones sent.
    const outcomes = await Promise.allSettled(["r-1", "..", "r-3"].map((id) => client.reservations.get(id)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(requests.map((request) => new URL(request.url).pathname)).toEqual(["/v1/reservations/r-1", "/v1/reservations/r-3"]);
  });

  it("sends no body (and no content type) where the route takes none", async () => {
    const { client, requests } = recording(() => json(200, { reservationId: "o-1", status: "confirmed" }));
    expect(await client.reservations.confirm("o-1")).toEqual({ reservationId: "o-1", status: "confirmed" });
    expect(requests[0]!.headers.get("content-type")).toBeNull();
    expect(await requests[0]!.text()).toBe("");
  });

  it("writes queries: arrays joined with commas, undefined left out", async () => {
    const { client, requests } = recording(() => json(200, { region: "eu-west", items: [] }));
    await client.availability({ skus: ["milk", "eggs"], channel: "online", storeId: undefined });
    expect(new URL(requests[0]!.url).search).toBe("?skus=milk%2Ceggs&channel=online");
  });

  it("answers CSV reports as text", async () => {
    const { client, requests } = recording(() => new Response("eventId,storeId\ne1,s1\n", { status: 200, headers: { "content-type": "text/csv" } }));
    expect(await client.reports.movements({ format: "csv", storeId: "s1" })).toBe("eventId,storeId\ne1,s1\n");
    expect(requests[0]!.headers.get("accept")).toContain("text/csv");
  });

  it("pages CSV reports: csvPage answers the text and the next page's cursor from x-next-cursor", async () => {
    const { client, requests } = recording(() => new Response("eventId\r\ne1\r\n", { status: 200, headers: { "content-type": "text/csv", "x-next-cursor": "c2" } }));
    expect(await client.reports.movements.csvPage({ storeId: "s1", limit: 1 })).toEqual({ csv: "eventId\r\ne1\r\n", next: "c2" });
    expect(Object.fromEntries(new URL(requests[0]!.url).searchParams)).toEqual({ storeId: "s1", limit: "1", format: "csv" });
  });

  it("throws the API's error as InventoryApiError with code, status, details and request id", async () => {
    const shortages = [{ storeId: "s", sku: "a", requested: 3, available: 1 }];
    const { client } = recording(() => json(409, { error: { code: "insufficient_stock", message: "not enough", details: { shortages } } }, { "x-request-id": "req-1" }));
    const error = await client.reservations.create({ reservationId: "o", channel: "online", items: [{ storeId: "s", sku: "a", qty: 3 }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InventoryApiError);
    expect(isInventoryApiError(error, "insufficient_stock")).toBe(true);
    expect(isInventoryApiError(error, "conflict")).toBe(false);
    expect(error).toMatchObject({ status: 409, code: "insufficient_stock", apiMessage: "not enough", details: { shortages }, requestId: "req-1", method: "POST", path: "/v1/reservations" });
    expect((error as Error).message).toBe("POST /v1/reservations: 409 insufficient_stock: not enough");
  });

  it("turns an answer that is not the API's (a proxy's 502 page) into an error by status", async () => {
    const { client } = recording(() => new Response("<html>Bad gateway</html>", { status: 502 }));
    const error = await client.health().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 502, code: "unavailable" });
    expect((error as InventoryApiError).details?.body).toBe("<html>Bad gateway</html>");
  });

  it("gives a plain-text error the code its status has in the API (wrangler's 503 is unavailable, a 429 rate_limited)", async () => {
    const codeOf = async (status: number) => {
      const { client } = recording(() => new Response("Your worker restarted mid-request. Please try sending the request again.", { status }));
      return ((await client.health().catch((caught: unknown) => caught)) as InventoryApiError).code;
    };
    expect(await codeOf(503)).toBe("unavailable");
    expect(await codeOf(429)).toBe("rate_limited");
    expect(await codeOf(413)).toBe("payload_too_large");
    expect(await codeOf(401)).toBe("unauthorized");
    expect(await codeOf(418)).toBe("invalid_request");
    expect(await codeOf(599)).toBe("internal");
    // Each status the map gives a code is that code's status in the API (a gateway's 502/504 aside).
    for (const [status, code] of Object.entries(CODE_OF_STATUS)) {
      if (status !== "502" && status !== "504") expect(ERROR_STATUS[code], code).toBe(Number(status));
    }
  });

  it("rejects a success that is not JSON with an InventoryApiError, not a bare SyntaxError", async () => {
    const { client } = recording(() => new Response("<html>Sign in to the Wi-Fi</html>", { status: 200 }));
    const error = await client.health().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InventoryApiError);
    expect(error).toMatchObject({ status: 200, code: "internal", details: { body: "<html>Sign in to the Wi-Fi</html>" } });
  });

  it("recognises an error made by another copy of the client", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("edge-inventory.InventoryApiError")]: true, code: "not_found" });
    expect(foreign instanceof InventoryApiError).toBe(true);
    expect(new Error("plain") instanceof InventoryApiError).toBe(false);
  });

  it("builds the live WebSocket URL with the token for browsers", () => {
    const { client } = recording(() => json(200, {}));
    expect(client.stores.liveUrl("berlin-01", { after: 42 })).toBe("ws://inventory.test/v1/stores/berlin-01/live?after=42&access_token=t0k");
    const secure = createClient({ baseUrl: "https://inv.example.com" });
    expect(secure.stores.liveUrl("b")).toBe("wss://inv.example.com/v1/stores/b/live");
  });
});

describe("pagesOf", () => {
  it("hands each page's next back as the cursor until a page has none (all of them by default), and stops at maxPages when given", async () => {
    const asked: Array<string | undefined> = [];
    const pages = { first: { items: [1, 2], next: "c1" }, c1: { items: [3], next: "c2" }, c2: { items: [4], next: null } } as const;
    const fetchPage = async (cursor: string | undefined) => {
      asked.push(cursor);
      return pages[(cursor ?? "first") as keyof typeof pages];
    };
    const all: number[] = [];
    for await (const page of pagesOf(fetchPage)) all.push(...page.items);
    expect([all, asked]).toEqual([[1, 2, 3, 4], [undefined, "c1", "c2"]]);

    // Without maxPages every page comes, however many there are.
    const long = async (cursor: string | undefined) => {
      const page = Number(cursor ?? 0);
      return { items: [page], next: page < 99 ? String(page + 1) : null };
    };
    const walked: number[] = [];
    for await (const page of pagesOf(long)) walked.push(...page.items);
    expect(walked).toEqual(Array.from({ length: 100 }, (_, page) => page));

    asked.length = 0;
    const capped: number[] = [];
    for await (const page of pagesOf(fetchPage, 2)) capped.push(...page.items);
    expect([capped, asked]).toEqual([[1, 2, 3], [undefined, "c1"]]);
  });
});
