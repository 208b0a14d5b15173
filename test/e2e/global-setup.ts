import { execFileSync } from "node:child_process";

/** The kit runs the built Worker: build it (wrangler's bundle and its config) once per run. */
export default function setup() {
  execFileSync(process.execPath, ["scripts/build-package.mjs", "--worker-only"], { stdio: "inherit" });
}
