// Secrets for local runs: made once per data folder and kept there, so tokens minted
// yesterday still verify today. ADMIN_TOKEN from the environment always wins.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export function localSecrets(dataDir) {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "local-secrets.json");
  let saved = {};
  if (existsSync(file)) saved = JSON.parse(readFileSync(file, "utf8"));
  const secrets = {
    ADMIN_TOKEN: saved.ADMIN_TOKEN ?? `local-admin-${randomBytes(12).toString("hex")}`,
    TOKEN_SECRET: saved.TOKEN_SECRET ?? randomBytes(32).toString("hex"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return { ...secrets, ADMIN_TOKEN: process.env.ADMIN_TOKEN || secrets.ADMIN_TOKEN };
}
