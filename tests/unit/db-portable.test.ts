/**
 * Issue 16: code outside api/db uses only what SQLite and PostgreSQL share (rules in
 * api/db/client.ts). A static check for the slips that would work on one engine and fail on the
 * other; the PostgreSQL run of the unit tests catches the rest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DRIVER = '数据库驱动只在 api/db 里用';
const SLIPS: [RegExp, string][] = [
  [/\.(get|all|run)\(\)/, 'better-sqlite3 的同步取值（.get()/.all()/.run()）'],
  [/\$client\b/, 'db.$client（直接用驱动）'],
  [/\.prepare\(\s*\)/, 'drizzle 的 .prepare()'],
  [/\.execute\(/, '.execute()（只在 PostgreSQL 上有）'],
  [/\bstrftime\s*\(|\bifnull\s*\(|\bjulianday\s*\(|\bdatetime\s*\(/i, 'SQLite 专有函数'],
  [/insert\s+or\s+(ignore|replace)/i, 'INSERT OR …（用 onConflictDo…）'],
  [/\.changes\b|lastInsertRowid/, '.changes / lastInsertRowid（用 .returning()）'],
  [/from 'better-sqlite3'|from 'pg'|drizzle-orm\/(better-sqlite3|node-postgres|sqlite-proxy)/, DRIVER],
];

const ROOTS = ['api', 'scripts', 'tests/unit', 'bench'];
// The bench baselines are bare better-sqlite3 on purpose (what the API is measured against).
const EXEMPT = [/^api\/db\//, /^tests\/unit\/db-/, /^scripts\/(db-|pg-)/, /^bench\/[a-z-]+-baseline-server\.ts$/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx|mjs)$/.test(n) ? [p] : [];
  });
}

describe('portable database code', () => {
  it('no engine-specific calls outside api/db', () => {
    const found: string[] = [];
    for (const root of ROOTS)
      for (const f of files(root)) {
        if (EXEMPT.some((re) => re.test(f))) continue;
        readFileSync(f, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            for (const [re, what] of SLIPS) {
              // Tests may open the SQLite file itself (integrity_check), guarded by the engine in use.
              if (what === DRIVER && f.startsWith('tests/')) continue;
              if (re.test(line)) found.push(`${f}:${i + 1} ${what}: ${line.trim().slice(0, 100)}`);
            }
          });
      }
    expect(found).toEqual([]);
  });

  it('rowid is read only where PostgreSQL has a rowid column', () => {
    const found: string[] = [];
    for (const root of ['api'])
      for (const f of files(root)) {
        if (EXEMPT.some((re) => re.test(f))) continue;
        readFileSync(f, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            if (/\browid\b/.test(line) && !/\b(reports|reportFiles|report_files)\b/.test(line)) found.push(`${f}:${i + 1}: ${line.trim().slice(0, 100)}`);
          });
      }
    expect(found).toEqual([]);
  });

  it('the check itself catches each slip', () => {
    const samples = ['db.select().from(t).get()', 'db.$client.close()', "sql`select strftime('%Y')`", 'r.changes', "import Database from 'better-sqlite3'", 'x.prepare()'];
    for (const s of samples) expect(SLIPS.some(([re]) => re.test(s)), s).toBe(true);
    for (const s of ['await db.select().from(t)', 'Promise.all(xs)', 'map.get(k)', 'Object.values(o)']) expect(SLIPS.some(([re]) => re.test(s)), s).toBe(false);
  });
});
