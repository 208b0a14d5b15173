import { describe, expect, it } from "vitest";
import { authenticateToken, mintToken } from "../../workers/auth/tokens";

const env = { ADMIN_TOKEN: "unit-admin-token", TOKEN_SECRET: "unit-secret-0123456789abcdef-0123" };
const now = () => Math.floor(Date.now() / 1000);

describe("bearer tokens (verified tokens are remembered)", () => {
  it("a remembered token is refused once it expires", async () => {
    const { token, expiresAt } = await mintToken(env.TOKEN_SECRET, { role: "service", ttlSeconds: 60 });
    const service = { principal: { role: "service" }, bootstrap: false, expiresAt: Date.parse(expiresAt) / 1000 };
    expect(await authenticateToken(token, env)).toEqual(service);
    // Asked again (now from memory) before and after its expiry.
    expect(await authenticateToken(token, env, now() + 30)).toEqual(service);
    expect(await authenticateToken(token, env, now() + 61)).toBeUndefined();
  });

  it("a token remembered under one secret is not valid under another", async () => {
    const { token } = await mintToken(env.TOKEN_SECRET, { role: "store", stores: ["s-1"], ttlSeconds: 600 });
    expect((await authenticateToken(token, env))?.principal).toEqual({ role: "store", stores: ["s-1"] });
    expect(await authenticateToken(token, { ...env, TOKEN_SECRET: "another-secret-0123456789abcdef-9" })).toBeUndefined();
  });

  it("the admin credential follows the configured value", async () => {
    expect(await authenticateToken(env.ADMIN_TOKEN, env)).toEqual({ principal: { role: "admin" }, bootstrap: true });
    expect(await authenticateToken(env.ADMIN_TOKEN, { ...env, ADMIN_TOKEN: "rotated-admin-token" })).toBeUndefined();
    expect(await authenticateToken("rotated-admin-token", { ...env, ADMIN_TOKEN: "rotated-admin-token" })).toEqual({ principal: { role: "admin" }, bootstrap: true });
  });

  it("a token remembered under one admin credential is compared with another one again", async () => {
    const { token } = await mintToken(env.TOKEN_SECRET, { role: "service", ttlSeconds: 600 });
    expect(await authenticateToken(token, env)).toMatchObject({ principal: { role: "service" }, bootstrap: false });
    // An operator who made this very string the admin credential gets the admin, not the remembered service.
    expect(await authenticateToken(token, { ...env, ADMIN_TOKEN: token })).toEqual({ principal: { role: "admin" }, bootstrap: true });
  });
});
