import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors";
import type { AppBindings } from "../types";

/** Both limiters count per minute (the binding's period: 10 or 60 s). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

async function digest(value: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return [...bytes.slice(0, 12)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Abuse controls with the Workers rate-limiting binding: anonymous callers are counted per
 * client address (`cf-connecting-ip`), callers with a token per token (a hash, never the
 * token itself). The bootstrap admin token is not limited: it is for setup and tooling;
 * traffic uses minted tokens. Over the limit: 429 with Retry-After.
 */
export const rateLimit = createMiddleware<AppBindings>(async (c, next) => {
  const principal = c.get("principal");
  let limiter: RateLimit | undefined;
  let key: string | undefined;
  if (!principal) {
    limiter = c.env.PUBLIC_LIMITER;
    key = c.req.header("cf-connecting-ip");
  } else if (!c.get("bootstrapAdmin") && c.env.TOKEN_LIMITER) {
    limiter = c.env.TOKEN_LIMITER;
    // The token itself, read once by `authenticate`: the same token counts once, however it was sent.
    key = `token:${await digest(c.get("token") ?? "")}`;
  }
  if (limiter && key) {
    const { success } = await limiter.limit({ key });
    if (!success) {
      c.header("Retry-After", String(RATE_LIMIT_PERIOD_SECONDS));
      throw new ApiError("rate_limited", "too many requests; slow down and retry after the period", { retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS });
    }
  }
  await next();
});
