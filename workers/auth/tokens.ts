import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { Region, StoreId } from "../../schema/ids";
import { LIMITS } from "../../schema/limits";
import { Role } from "../../schema/tokens";
import type { Principal } from "./principal";

const ISSUER = "edge-inventory";

const Claims = z.object({
  role: Role,
  regions: z.array(Region).optional(),
  stores: z.array(StoreId).optional(),
  name: z.string().max(LIMITS.maxTokenName).optional(),
  exp: z.number(),
});

/** Mints an HS256 token for a role and its scope. */
export async function mintToken(
  secret: string,
  request: { role: Principal["role"]; regions?: string[]; stores?: string[]; name?: string; ttlSeconds: number },
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
    ...(request.name ? { name: request.name } : {}),
  };
  return { token: await sign(payload, secret, "HS256"), expiresAt: new Date(exp * 1000).toISOString() };
}

async function digest(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
}

/** The admin token's digest, computed once per isolate (per value, so a changed secret is seen). */
let adminDigest: { secret: string; digest: Promise<ArrayBuffer> } | undefined;

/** Is this the bootstrap admin credential? Compared in constant time (hashing first makes the lengths equal). */
async function isBootstrapAdmin(token: string, adminToken: string): Promise<boolean> {
  if (!adminToken) return false;
  if (adminDigest?.secret !== adminToken) adminDigest = { secret: adminToken, digest: digest(adminToken) };
  const [a, b] = await Promise.all([digest(token), adminDigest.digest]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Tokens already verified, kept until they expire (at most this many), per signing secret
 * and admin credential: each was compared with that credential before it was verified.
 */
const VERIFIED_TOKENS_KEPT = 10_000;
const verified = new Map<string, Map<string, { principal: Principal; exp: number }>>();

function verifiedTokens(env: { ADMIN_TOKEN: string; TOKEN_SECRET: string }): Map<string, { principal: Principal; exp: number }> {
  const key = `${env.TOKEN_SECRET}\u0000${env.ADMIN_TOKEN}`;
  let known = verified.get(key);
  if (!known) verified.set(key, (known = new Map()));
  return known;
}

/**
 * The principal of a signed token, or undefined. Verifying (HMAC key import, signature,
 * claims) is the costliest step of a small request and every request of a client repeats
 * it with the same token, so a verified token is remembered until its `exp`. Only valid
 * tokens are kept: a flood of bad ones cannot evict the good.
 */
async function verifiedPrincipal(known: Map<string, { principal: Principal; exp: number }>, token: string, secret: string): Promise<{ principal: Principal; exp: number } | undefined> {
  if (!isCanonical(token)) return undefined;
  let claims: z.infer<typeof Claims>;
  try {
    // The algorithm is fixed: a token that names another (or `none`) fails here.
    claims = Claims.parse(await verify(token, secret, { alg: "HS256", iss: ISSUER }));
  } catch {
    return undefined;
  }
  const principal = principalOfClaims(claims);
  if (principal) {
    // Oldest first out (a Map keeps insertion order).
    if (known.size >= VERIFIED_TOKENS_KEPT) known.delete(known.keys().next().value!);
    known.set(token, { principal, exp: claims.exp });
  }
  return principal && { principal, exp: claims.exp };
}

/**
 * Each part in the one base64url spelling its bytes have (no padding, no stray low bits in
 * the last character). The decoder forgives those, so without this check several strings
 * would verify as one token, each limited and remembered as another.
 */
function isCanonical(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part) && reencoded(part) === part);
}

function reencoded(part: string): string | undefined {
  try {
    const bytes = atob(part.replaceAll("-", "+").replaceAll("_", "/"));
    return btoa(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  } catch {
    return undefined;
  }
}

function principalOfClaims(claims: z.infer<typeof Claims>): Principal | undefined {
  const name = claims.name ? { name: claims.name } : {};
  switch (claims.role) {
    case "manager":
      return claims.regions?.length ? { role: "manager", regions: claims.regions, ...name } : undefined;
    case "store":
      return claims.stores?.length ? { role: "store", stores: claims.stores, ...name } : undefined;
    default:
      return { role: claims.role, ...name };
  }
}

/**
 * What a bearer token stands for, whether it is the bootstrap admin credential, and when it
 * expires (epoch seconds; minted tokens only); undefined when it is not valid.
 */
export async function authenticateToken(
  token: string,
  env: { ADMIN_TOKEN: string; TOKEN_SECRET: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<{ principal: Principal; bootstrap: boolean; expiresAt?: number } | undefined> {
  // A remembered token was compared with the admin credential when it was verified (below).
  const known = env.TOKEN_SECRET ? verifiedTokens(env) : undefined;
  const remembered = known?.get(token);
  if (known && remembered) {
    if (remembered.exp > nowSeconds) return { principal: remembered.principal, bootstrap: false, expiresAt: remembered.exp };
    known.delete(token);
    return undefined; // expired
  }
  if (await isBootstrapAdmin(token, env.ADMIN_TOKEN)) return { principal: { role: "admin" }, bootstrap: true };
  const verified = known && (await verifiedPrincipal(known, token, env.TOKEN_SECRET));
  return verified ? { principal: verified.principal, bootstrap: false, expiresAt: verified.exp } : undefined;
}
