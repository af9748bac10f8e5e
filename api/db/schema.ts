import { sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Instance-wide settings and key material that must survive restarts (e.g. public keys).
 * Never holds anything about a reporter.
 */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});
