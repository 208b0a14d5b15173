// The package as another project gets it: `npm pack`, install the tarball into a temporary
// project (from the npm cache: no network beyond it), type-check against its .d.ts, and run a
// small test there that uses only `edge-inventory/testing` and `edge-inventory/client`.
import { execFileSync, spawn } from "node:child_process";
import { builtinModules } from "node:module";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "edge-inventory-pack-"));
const project = join(work, "consumer");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}\n${stderr ?? ""}`.slice(0, 20_000));
  }
}

it("packs, installs into another project and passes a test there", { timeout: 600_000 }, () => {
  run(process.execPath, ["scripts/build-package.mjs"], root);
  // The build just ran; prepack would only run it again.
  run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], root);
  const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"))!;
  expect(tarball).toMatch(/^edge-inventory-.*\.tgz$/);
  const listing = run("tar", ["-tzf", join(work, tarball)], work);
  expect(listing).toContain("package/dist/client/index.js");
  expect(listing).toContain("package/dist/testing/index.js");
  expect(listing).toContain("package/dist/worker/index.js");
  expect(listing).toContain("package/dist/types/workers/client/index.d.ts");
  expect(listing).not.toContain("package/test/");

  cpSync(join(root, "test", "e2e", "fixtures", "consumer"), project, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", join(work, tarball)], project);

  // Every package the kit and the client import, at once or on demand (`import("pg")` for
  // databaseUrl), resolves in the consumer: a dependency of the package, not a devDependency.
  const installed = join(project, "node_modules", "edge-inventory", "dist");
  const imported = new Set<string>();
  for (const entry of ["testing", "client"]) {
    for (const file of readdirSync(join(installed, entry), { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".js"))) {
      const code = readFileSync(join(installed, entry, file), "utf8");
      for (const [, specifier] of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)["']([^"'.\/][^"']*)["']/g)) {
        if (!specifier!.startsWith("node:") && !builtinModules.includes(specifier!)) imported.add(specifier!);
      }
    }
  }
  expect([...imported]).toEqual(expect.arrayContaining(["miniflare", "pg"]));
  for (const specifier of imported) {
    run(process.execPath, ["--input-type=module", "-e", `import.meta.resolve(${JSON.stringify(specifier)})`], project);
  }

  // The installed .d.ts: a wrong body must not compile, a right one must (node16 resolution).
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { target: "ES2022", module: "Node16", moduleResolution: "Node16", strict: true, noEmit: true, skipLibCheck: true, lib: ["ES2022", "DOM"], types: [], typeRoots: [join(root, "node_modules", "@types")] },
      files: ["types.ts"],
    }),
  );
  run(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], project);

  const output = run(process.execPath, ["--test", "--test-reporter=spec", "inventory.test.mjs"], project);
  expect(output).toMatch(/pass 3/);
  expect(output).toMatch(/fail 0/);

  // Run from a folder that does not contain the package (a monorepo's other workspace, say).
  const elsewhere = join(work, "elsewhere");
  mkdirSync(elsewhere);
  const outside = run(process.execPath, ["--test", "--test-reporter=spec", join(project, "inventory.test.mjs")], elsewhere);
  expect(outside).toMatch(/pass 3/);
  expect(outside).toMatch(/fail 0/);
});

const kitFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("edge-inventory-kit-")));

it("a test process killed outright (SIGKILL) leaves no workerd serving and no temporary folder", { timeout: 120_000 }, async () => {
  expect(readdirSync(project)).toContain("node_modules"); // installed by the test before
  const before = kitFolders();
  const child = spawn(process.execPath, ["killed.mjs"], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!output.includes('"url"') && Date.now() - started < 60_000 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  const { url } = JSON.parse(output.slice(output.indexOf("{"), output.indexOf("}") + 1)) as { url: string };
  expect((await fetch(`${url}/v1/health`)).status).toBe(200);
  const mine = [...kitFolders()].filter((name) => !before.has(name));
  expect(mine).toHaveLength(1);

  child.kill("SIGKILL");
  // The guard acts as soon as the pipe closes; 20 s is the bound, not the expectation.
  let serving = true;
  for (const deadline = Date.now() + 20_000; serving && Date.now() < deadline; ) {
    serving = await fetch(`${url}/v1/health`).then(() => true, () => false);
    if (serving) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(serving, "the kit's workerd still answers after its test process was killed").toBe(false);
  // The folder goes right after workerd.
  for (const deadline = Date.now() + 5_000; existsSync(join(tmpdir(), mine[0]!)) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(existsSync(join(tmpdir(), mine[0]!))).toBe(false);
});
