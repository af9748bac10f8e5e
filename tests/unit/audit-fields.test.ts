/**
 * The audit hash covers every stored field: for each column of audit_log (read from the database, so a
 * column added later is covered without touching this test), editing that one column of one entry
 * must be reported by verifyAuditChain and by `npm run audit:verify`.
 */
import { spawnSync } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { dbKind, exec, row, rows, type Db } from '../../api/db/client.ts';
import { appendAudit, verifyAuditChain } from '../../api/services/admin/audit.ts';
import { call, fileReportAs, makeApp, staffOf } from './admin-fixtures.ts';
import { scriptNode } from './report-fixtures.ts';

/** Thrown to roll a trial edit back. */
class Undo extends Error {}

interface Column {
  name: string;
  type: string;
  notnull: number;
}

/** A different value of the same kind: what an insider editing the table by hand would write. */
function tampered(column: Column, value: unknown): unknown {
  if (column.name === 'id') return 100_000;
  if (value === null || value === undefined) return column.type.toUpperCase().includes('INT') ? 1 : 'tampered';
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'string') {
    if (/^[0-9a-f]{64}$/.test(value)) return (value[0] === '0' ? '1' : '0') + value.slice(1);
    if (value.startsWith('{')) return value.replace(/}$/, `${value === '{}' ? '' : ','}"x":1}`);
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return value.replace(/^\d{4}/, (y) => String(Number(y) - 1));
    return `${value}x`;
  }
  return Buffer.concat([Buffer.from(value as Uint8Array), Buffer.from([0])]);
}

describe('审计哈希覆盖每一个字段', () => {
  it('逐个字段修改一条中间的记录，都会被发现', async () => {
    const t = await makeApp({ fastReceipts: true });
    const intake = await staffOf(t, 'audf1', 'intake');
    const { reportId } = await fileReportAs(t);
    await call(t, intake, 'GET', `/api/admin/reports/${reportId}`);
    await call(t, intake, 'POST', `/api/admin/reports/${reportId}/transition`, { status: 'accepted', note: '' });
    await appendAudit(t.db, { actor: 'system', action: 'export.csv', detail: { rows: 1 } });
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    const columns =
      dbKind(t.db) === 'postgres'
        ? await rows<Column>(
            t.db,
            sql`select column_name as name, data_type as type, case when is_nullable = 'NO' then 1 else 0 end as "notnull" from information_schema.columns where table_schema = current_schema() and table_name = 'audit_log' order by ordinal_position`,
          )
        : await rows<Column>(t.db, sql`select name, type, "notnull" from pragma_table_info('audit_log')`);
    expect(columns.map((c) => c.name)).toEqual(expect.arrayContaining(['id', 'at', 'actor', 'action', 'report_id', 'detail', 'prev_hash', 'hash']));
    // A middle entry about a report, with a detail, so no field is empty by accident.
    const target = (await row<Record<string, unknown>>(t.db, sql`select * from audit_log where report_id is not null and id < (select max(id) from audit_log) order by id desc limit 1`))!;
    expect(target, '有一条关于举报的中间记录').toBeTruthy();

    const undetected: string[] = [];
    for (const column of columns) {
      const value = tampered(column, target[column.name]);
      // The edit and the check run in a transaction that is then rolled back.
      let result: Awaited<ReturnType<typeof verifyAuditChain>> | undefined;
      await t.db
        .transaction(async (tx: Db) => {
          await exec(tx, sql`update audit_log set ${sql.identifier(column.name)} = ${value} where id = ${target.id}`);
          result = await verifyAuditChain(tx);
          throw new Undo();
        })
        .catch((e: unknown) => {
          if (!(e instanceof Undo)) throw e;
        });
      if (result!.ok) undetected.push(`${column.name}（改为 ${JSON.stringify(value)}）`);
      else if (column.name !== 'id') expect(result!.problems.map((p) => p.id), column.name).toContain(target.id);
    }
    expect(undetected, '修改后审计链仍然校验通过的字段：把它们加入 api/services/admin/audit.ts 的 canonical()').toEqual([]);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);

    // The command-line check reads the same chain from the file on disk: a committed edit of detail fails it.
    // (Under Stryker a child process never runs the mutant, so the CLI is checked in normal runs only.)
    if (process.env.STRYKER_MUTATOR_WORKER) return;
    await exec(t.db, sql`update audit_log set detail = ${tampered({ name: 'detail', type: 'text', notnull: 1 }, target.detail) as string} where id = ${target.id as number}`);
    const run = spawnSync(scriptNode(), ['scripts/audit-verify.ts'], { env: { ...process.env, DATA_DIR: t.dataDir }, encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(1);
  });
});
