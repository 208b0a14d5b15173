import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations from schema/db/tables.ts into schema/migrations.
export default defineConfig({
  dialect: "postgresql",
  schema: "./schema/db/tables.ts",
  out: "./schema/migrations",
});
