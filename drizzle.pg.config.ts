import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations, generated from the derived schema.pg.ts (see scripts/db-schema.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './api/db/schema.pg.ts',
  out: './api/db/migrations-pg',
  casing: 'snake_case',
});
