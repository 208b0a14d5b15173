// Who is signed in. The token's payload is decoded here for display only (role, regions,
// expiry): the API verifies the signature and enforces the scope on every call.
import { api, ApiError, setApiToken } from "./api";

export interface Session {
  token: string;
  role: string;
  /** The token's regions; for admins, every region a store is in. */
  regions: string[];
  expiresAt: string | null;
  /** Who holds the token, if it was minted with a name. */
  name?: string;
}

const KEY = "edge-inventory.token";

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  return new TextDecoder().decode(Uint8Array.from(atob(padded), (char) => char.charCodeAt(0)));
}

/** The JWT's claims, or null for a token that is not a JWT (the bootstrap ADMIN_TOKEN). */
export function decodePayload(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as unknown;
    return payload && typeof payload === "object" ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A refusal at sign-in, in words a manager can act on. */
export class SignInError extends Error {}

/**
 * Checks the token against the API (one small call only admins and managers may make) and
 * builds the session. Store and service tokens are refused with a message that says why.
 */
export async function signIn(rawToken: string): Promise<Session> {
  const token = rawToken.trim().replace(/^Bearer\s+/i, "");
  if (!token) throw new SignInError("Paste a token first.");
  const payload = decodePayload(token);
  const claimedRole = typeof payload?.role === "string" ? payload.role : null;
  try {
    await api.checkAccess(token);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new SignInError("This token is not valid or has expired. Ask an admin for a new one.");
    if (error instanceof ApiError && error.status === 403) {
      throw new SignInError(
        `This dashboard is for regional managers and admins; this token${claimedRole ? ` is a “${claimedRole}” token and` : ""} has no access to it. Ask an admin for a manager token for your regions.`,
      );
    }
    throw error;
  }
  // A token the API accepted for this call that is not a JWT can only be the bootstrap admin token.
  const role = claimedRole ?? "admin";
  let regions = Array.isArray(payload?.regions) ? payload.regions.filter((region): region is string => typeof region === "string") : [];
  if (role === "admin") regions = [...new Set((await api.listStores()).items.map((store) => store.region))].sort();
  const expiresAt = typeof payload?.exp === "number" ? new Date(payload.exp * 1000).toISOString() : null;
  const name = typeof payload?.name === "string" && payload.name ? { name: payload.name } : {};
  const session: Session = { token, role, regions, expiresAt, ...name };
  remember(session);
  return session;
}

function remember(session: Session): void {
  setApiToken(session.token);
  try {
    localStorage.setItem(KEY, JSON.stringify(session));
  } catch {
    /* private mode: the session lasts as long as the page */
  }
}

/** The session kept from an earlier visit, unless its token has expired. */
export function restoreSession(): Session | null {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? "null") as Session | null;
    if (!saved?.token || (saved.expiresAt && Date.parse(saved.expiresAt) <= Date.now())) return null;
    setApiToken(saved.token);
    return saved;
  } catch {
    return null;
  }
}

export function signOut(): void {
  setApiToken(null);
  try {
    localStorage.removeItem(KEY);
  } catch {
    /* nothing kept */
  }
}

/** Managers of the region and admins may re-allocate and set sold-out (the API decides; this only hides buttons). */
export function canManage(session: Session, region: string): boolean {
  return session.role === "admin" || (session.role === "manager" && session.regions.includes(region));
}
