/** Retention: attachments and identities of long-closed cases are purged; statistics and an audit entry remain. */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { row, rows } from '../../api/db/client.ts';
import { purgeExpired } from '../../api/services/admin/retention.ts';
import { publicStats } from '../../api/services/admin/stats.ts';
import { addDays, dayOf } from '../../api/services/reports/shared.ts';
import { call, fileReportAs, lookup, makeApp, staffOf } from './admin-fixtures.ts';
import { fileOf, jpegWithExif } from './report-fixtures.ts';

describe('retention purge', () => {
  it('removes files and identity after the period, keeps the case, figures and receipt view', async () => {
    const t = await makeApp({ fastReceipts: true });
    const boss = await staffOf(t, 'ret1', 'supervisor');
    const admin = await staffOf(t, 'ret2', 'admin');
    const photo = fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg');
    const closedIds: string[] = [];
    let receipt = '';
    for (let i = 0; i < 3; i++) {
      const r = await fileReportAs(t, { identity_mode: 'real_name', identity_name: `王${i}`, identity_phone: '13700000000' }, [photo]);
      if (i === 0) receipt = r.receipt;
      closedIds.push(r.reportId);
      await call(t, boss, 'POST', `/api/admin/reports/${r.reportId}/transition`, { status: 'accepted', note: '' });
      await call(t, boss, 'POST', `/api/admin/reports/${r.reportId}/assign`, { departments: ['emergency'] });
      await call(t, boss, 'POST', `/api/admin/reports/${r.reportId}/transition`, { status: 'investigating', note: '' });
      await call(t, boss, 'POST', `/api/admin/reports/${r.reportId}/transition`, { status: 'unsubstantiated', note: '现场没有发现问题' });
      await call(t, boss, 'POST', `/api/admin/reports/${r.reportId}/transition`, { status: 'closed', note: '经核查不属实，已答复' });
    }
    const open = await fileReportAs(t, { identity_mode: 'real_name', identity_name: '赵六', identity_phone: '13600000000' }, [photo]);
    const blobs = async () => (await rows<{ blob_name: string }>(t.db, sql`select blob_name from report_files`)).map((b) => b.blob_name);
    const before = await blobs();
    expect(before).toHaveLength(4);
    const statsBefore = await publicStats(t.db);

    // Not yet due: nothing happens.
    expect(await purgeExpired(t.db, t.deps.store, 'test')).toEqual({ cases: 0, files: 0, identities: 0 });
    // A year and a day later (default retention 365 days).
    const later = addDays(dayOf(), 366);
    const result = await purgeExpired(t.db, t.deps.store, 'system', later);
    expect(result).toEqual({ cases: 3, files: 3, identities: 3 });
    const after = await blobs();
    expect(after).toHaveLength(1);
    for (const b of before.filter((x) => !after.includes(x))) expect(await t.deps.store.has(b)).toBe(false);
    const ids = await rows<{ report_id: string }>(t.db, sql`select report_id from report_identities`);
    expect(ids.map((r) => r.report_id)).toEqual([open.reportId]);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from audit_log where action = 'retention.purged'`))!.n)).toBe(3);

    // Running again purges nothing more; statistics are unchanged; the reporter still sees the outcome.
    expect((await purgeExpired(t.db, t.deps.store, 'system', later)).cases).toBe(0);
    expect((await publicStats(t.db)).totals).toEqual(statsBefore.totals);
    const view = await lookup(t, receipt);
    expect(view.status).toBe('closed');
    expect(view.attachments).toEqual([]);

    // The admin can run it from the back office; settings change the period.
    expect((await call(t, admin, 'POST', '/api/admin/retention/run', {})).json).toEqual({ cases: 0, files: 0, identities: 0 });
    const staffCase = await call(t, boss, 'GET', `/api/admin/reports/${closedIds[0]}`);
    expect(staffCase.json.purged_on).toBe(later);
    expect(staffCase.json.files).toEqual([]);
  }, 60_000);
});
