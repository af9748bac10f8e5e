/**
 * Two purges running at once (two API processes, or the daily job and a manual run): each case is
 * purged, counted and audited once, by whichever run gets to it first; the other skips it. In process.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { exec, rows } from '../../api/db/client.ts';
import { purgeExpired } from '../../api/services/admin/retention.ts';
import { fileReportAs, makeApp } from './admin-fixtures.ts';
import { fileOf, jpegWithExif } from './report-fixtures.ts';

describe('同时运行的两次到期清除', () => {
  it('每个案件只清除、计数和记录一次', async () => {
    const t = await makeApp({ fastReceipts: true });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await fileReportAs(t, {}, [fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg')])).reportId);
    for (const id of ids) await exec(t.db, sql`update reports set status = 'closed', updated_on = '2020-01-01' where id = ${id}`);
    const removed: string[] = [];
    const store = { ...t.deps.store, remove: async (name: string) => {
      removed.push(name);
      await t.deps.store.remove(name);
    } };
    const [a, b] = await Promise.all([purgeExpired(t.db, store, 'run-a', '2027-06-30'), purgeExpired(t.db, store, 'run-b', '2027-06-30')]);
    expect({ cases: a.cases + b.cases, files: a.files + b.files, identities: a.identities + b.identities }).toEqual({ cases: 2, files: 2, identities: 0 });
    expect(removed).toHaveLength(2);
    expect(new Set(removed).size).toBe(2);
    const audit = await rows<{ report_id: string }>(t.db, sql`select report_id from audit_log where action = 'retention.purged' order by id`);
    expect(audit.map((r) => r.report_id).sort()).toEqual([...ids].sort());
  });
});
