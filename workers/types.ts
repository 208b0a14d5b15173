import type { Env } from "./env";
import type { Principal } from "./auth/principal";

/** Types flow from here into every route and middleware. */
export interface AppBindings {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Who is calling; absent for anonymous callers of public routes. */
    principal?: Principal;
    /** The bearer token as sent (the header's, or the live feed's `access_token`): what the rate limiter counts by. */
    token?: string;
    /** True when the caller used the bootstrap ADMIN_TOKEN (not a minted token). */
    bootstrapAdmin?: boolean;
    /** When a minted token expires (epoch ms): a live socket opened with it is closed then. */
    tokenExpiresAt?: number;
    /** The region this request is served for (see middleware/region.ts). */
    region: string;
    /** The error code this request ended with, for the log line. */
    errorCode?: string;
  };
}
