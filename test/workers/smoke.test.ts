import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";

it("answers health", async () => {
  const response = await SELF.fetch("http://example.com/v1/health");
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok" });
  expect(response.headers.get("x-request-id")).toBeTruthy();
});
