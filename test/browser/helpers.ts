import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { createClient, type InventoryClient } from "../../workers/client";
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium";

export const stack = inject("stack");

/** Script errors and CSP violations seen in any page; the tests end by checking there were none. */
export const pageProblems: string[] = [];

export function adminClient(): InventoryClient {
  return createClient({ baseUrl: stack!.baseUrl, token: stack!.adminToken });
}

export async function mint(request: { role: "manager"; regions: string[] } | { role: "store"; stores: string[] } | { role: "service" }): Promise<string> {
  return (await adminClient().admin.mintToken({ ...request, ttlSeconds: 3600 } as never)).token;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** One Chromium for a test file's tests (launched before them, closed after): the browser, once launched. */
export function browserPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** A fresh page (its own storage, so no session carries over) in en-US, at a laptop's size. */
export async function newPage(browser: Browser, size = { width: 1366, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ locale: "en-US", timezoneId: "UTC", viewport: size, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageProblems.push(`page error: ${error.message}`));
  // The page must work under the CSP of web/public/_headers: a violation is a failure.
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy|Refused to/i.test(message.text())) pageProblems.push(`CSP: ${message.text()}`);
  });
  return page;
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(stack!.baseUrl + "/");
  await page.locator("#token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Polls until `check` returns a value (not undefined), for things that arrive asynchronously (queue, outbox). */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export { parseCsv } from "../support/csv";
