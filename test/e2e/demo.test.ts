// `npm run demo` against a running service (here the test kit's): it drives traffic for the
// time it is given, stops by itself and prints what it did.
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startInventory, type Inventory } from "../kit";
import { countOpenOversells, openOversells } from "../support/oversells";

const root = join(import.meta.dirname, "..", "..");
const skus = ["milk", "bread", "eggs"];
let inventory: Inventory;

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build-package.mjs", "--client-only"], { cwd: root });
  const stores = [
    { storeId: "berlin-01", name: "Berlin", region: "eu-central" as const, timezone: "Europe/Berlin" },
    { storeId: "paris-01", name: "Paris", region: "eu-west" as const, timezone: "Europe/Paris" },
    { storeId: "nyc-01", name: "New York", region: "na-east" as const, timezone: "America/New_York" },
  ];
  inventory = await startInventory({
    reports: false,
    seed: {
      stores,
      cells: stores.flatMap((store) => skus.map((sku) => ({ storeId: store.storeId, sku, onHand: 20, channels: { online: { quota: 8, weight: 1 }, pos: { quota: 8, weight: 1 } } }))),
    },
  });
});
afterAll(() => inventory?.stop());

it("simulates shoppers and stores for the given time and reports what it did", { timeout: 120_000 }, async () => {
  // More open oversells than the list's page of 500: the demo's count must follow the pages.
  await openOversells(inventory.client, "berlin-01", "herring", 505);
  for (let tries = 0; (await countOpenOversells(inventory.client, "berlin-01")) < 505; tries++) {
    if (tries > 100) throw new Error("the 505 oversells did not reach the list");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["scripts/demo.mjs", "--url", inventory.url, "--token", inventory.adminToken, "--rate", "20", "--seconds", "6", "--seed", "e2e"],
    { cwd: root, timeout: 110_000 },
  );
  expect(stdout).toMatch(/demo: 3 stores, 3 regions/);
  const made = [...stdout.matchAll(/^\s+(\d+)\s+reservations made \(/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  expect(made).toBeGreaterThan(0);
  expect(stdout).toMatch(/till sales applied/);
  expect(stdout).not.toMatch(/failed:/);
  const [, before, after] = stdout.match(/open oversells: (\d+) before, (\d+) after/) ?? [];
  expect(Number(before)).toBe(505);
  expect(Number(after)).toBeGreaterThanOrEqual(505);
});

/** The demo's exit code and what it printed, whether it succeeded or not. */
async function runDemo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/demo.mjs", ...args], { cwd: root, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

it("says when the service refuses the token or does not answer, and exits non-zero", { timeout: 120_000 }, async () => {
  const refused = await runDemo(["--url", inventory.url, "--token", "wrong", "--seconds", "1"]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/refused the token \(401 unauthorized/);
  expect(refused.stderr).not.toMatch(/nothing answers/);

  // A valid token that is not an admin's: the demo needs to mint tokens and read every store.
  const storeToken = await inventory.tokenFor("store", ["berlin-01"]);
  const notAdmin = await runDemo(["--url", inventory.url, "--token", storeToken, "--seconds", "1"]);
  expect(notAdmin.code).not.toBe(0);
  expect(notAdmin.stderr).toMatch(/not an admin token \(403 forbidden/);

  const closed = await runDemo(["--url", "http://127.0.0.1:9", "--token", inventory.adminToken, "--seconds", "1"]);
  expect(closed.code).not.toBe(0);
  expect(closed.stderr).toMatch(/nothing answers at http:\/\/127\.0\.0\.1:9/);
});

it("shoppers reserve what their region's stores carry, and refusals say why", { timeout: 120_000 }, async () => {
  // Each region's store carries SKUs no other store has, plenty of each; one of New York's is
  // sold out. The only refusals can be for that one.
  const stores = [
    { storeId: "berlin-01", name: "Berlin", region: "eu-central" as const, timezone: "Europe/Berlin", skus: ["milk", "bread"] },
    { storeId: "paris-01", name: "Paris", region: "eu-west" as const, timezone: "Europe/Paris", skus: ["cheese", "wine"] },
    { storeId: "nyc-01", name: "New York", region: "na-east" as const, timezone: "America/New_York", skus: ["bagel", "coffee"] },
  ];
  const own = await startInventory({
    reports: false,
    seed: {
      stores: stores.map(({ skus: _skus, ...store }) => store),
      cells: stores.flatMap((store) => store.skus.map((sku) => ({ storeId: store.storeId, sku, onHand: 5000, channels: { online: { quota: 1000, weight: 1 }, pos: { quota: 1000, weight: 1 } } }))),
    },
  });
  try {
    await own.client.cells.setSoldOut("nyc-01", "bagel", { soldOut: true });
    const { code, stdout } = await runDemo(["--url", own.url, "--token", own.adminToken, "--rate", "20", "--seconds", "6", "--seed", "regions"]);
    expect(code).toBe(0);
    for (const region of ["eu-central", "eu-west", "na-east"]) expect(stdout).toMatch(new RegExp(`^\\s+\\d+\\s+reservations made \\(${region}\\)`, "m"));
    const refusals = [...stdout.matchAll(/^\s+\d+\s+reservations refused: (.*)$/gm)].map((match) => match[1]);
    expect(refusals).toEqual(["insufficient_stock (sold_out)"]);
    expect(stdout).not.toMatch(/failed:/);
  } finally {
    await own.stop();
  }
});
