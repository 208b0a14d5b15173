#!/usr/bin/env node
// `npm run db:migrate`: applies schema/migrations to the Postgres named by DATABASE_URL
// (Neon in production). npm start and the tests migrate their own databases.
import { migrateUrl } from "./lib/database.mjs";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("set DATABASE_URL to the Postgres to migrate");
  process.exit(2);
}
await migrateUrl(url);
console.log("migrations applied");
