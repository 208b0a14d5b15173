import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { Region, StoreId } from "../../schema/ids";
import { Role } from "../../schema/tokens";
import type { Principal } from "./principal";

const ISSUER = "edge-inventory";

const Claims = z.object({
  role: Role,
  regions: z.array(Region).optional(),
  stores: z.array(StoreId).optional(),
  exp: z.number(),
});

/** Mints an HS256 token for a role and its scope. */
export async function mintToken(
  secret: string,
  request: { role: Principal["role"]; regions?: string[]; stores?: string[]; ttlSeconds: number },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ token: string; expiresAt: string }> {
  const exp = nowSeconds + request.ttlSeconds;
  const payload = {
    iss: ISSUER,
    jti: crypto.randomUUID(),
    iat: nowSeconds,
    exp,
    role: request.role,
    ...(request.regions ? { regions: request.regions } : {}),
    ...(request.stores ? { stores: request.stores } : {}),
  };
  return { token: await sign(payload, secret, "HS256"), expiresAt: new Date(exp * 1000).toISOString() };
}

async function digest(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
}

/** Compares in constant time (hashing first makes the lengths equal). */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Is this the bootstrap admin credential? */
export async function isBootstrapAdmin(token: string, env: { ADMIN_TOKEN: string }): Promise<boolean> {
  return Boolean(env.ADMIN_TOKEN) && (await sameSecret(token, env.ADMIN_TOKEN));
}

/** The principal a bearer token stands for, or undefined when it is not valid. */
export async function principalOf(token: string, env: { ADMIN_TOKEN: string; TOKEN_SECRET: string }): Promise<Principal | undefined> {
  if (await isBootstrapAdmin(token, env)) return { role: "admin" };
  if (!env.TOKEN_SECRET) return undefined;
  let claims: z.infer<typeof Claims>;
  try {
    // The algorithm is fixed: a token that names another (or `none`) fails here.
    claims = Claims.parse(await verify(token, env.TOKEN_SECRET, { alg: "HS256", iss: ISSUER }));
  } catch {
    return undefined;
  }
  switch (claims.role) {
    case "manager":
      return claims.regions?.length ? { role: "manager", regions: claims.regions } : undefined;
    case "store":
      return claims.stores?.length ? { role: "store", stores: claims.stores } : undefined;
    default:
      return { role: claims.role };
  }
}
