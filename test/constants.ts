/** Secrets the test Worker runs with (never used outside tests). */
export const TEST_ADMIN_TOKEN = "test-admin-token";
export const TEST_TOKEN_SECRET = "test-token-secret-0123456789abcdef";
