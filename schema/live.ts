/**
 * The close code of a live socket (`/v1/stores/{storeId}/live`) whose token expired: sign in
 * again rather than reconnect (4000–4999 are the application's own codes). No imports, so
 * the dashboard takes it without the validators.
 */
export const LIVE_TOKEN_EXPIRED_CLOSE = 4401;
