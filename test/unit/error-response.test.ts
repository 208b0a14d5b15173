import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { respondWithError } from "../../workers/error-response";
import type { AppBindings } from "../../workers/types";

/** An app whose one route throws `error`, answered by the API's one error responder. */
function appThrowing(error: unknown) {
  const app = new Hono<AppBindings>();
  app.get("/", () => {
    throw error;
  });
  app.onError(respondWithError);
  return app;
}

describe("the API's error responder", () => {
  it("answers SQLite out of memory (an object's error across RPC) as a 503 to ask again, logged as a warning, not a 500", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await appThrowing(new Error("out of memory: SQLITE_NOMEM")).request("/");
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("10");
      expect(await response.json()).toMatchObject({ error: { code: "unavailable", details: {} } });
      expect(warn.mock.calls.map((call) => JSON.parse(String(call[0])).msg)).toEqual(["database out of memory"]);
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it("answers any other unexpected error as a 500 and logs it as one", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const response = await appThrowing(new TypeError("x is undefined")).request("/");
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ error: { code: "internal" } });
      expect(JSON.parse(String(error.mock.calls[0]?.[0])).msg).toBe("unhandled error");
    } finally {
      error.mockRestore();
    }
  });
});
