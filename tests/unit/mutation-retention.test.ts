/**
 * Retention (api/services/admin/retention.ts) at its boundaries: exactly the configured number of days
 * after closure, closed and refused cases only, the updated date when no closure date was recorded,
 * never twice, what is removed and what stays, the audit entry, and a blob that cannot be removed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDLING } from '../../config/staff.ts';
import { ensureTracking } from '../../api/services/admin/cases.ts';
import { purgeExpired } from '../../api/services/admin/retention.ts';
import { saveHandlingSettings } from '../../api/services/admin/settings.ts';
import { addDays } from '../../api/services/reports/shared.ts';
import { fileReportAs, makeApp } from './admin-fixtures.ts';
import { fileOf, jpegWithExif } from './report-fixtures.ts';

const TODAY = '2027-06-30';

describe('到期清除的边界', () => {
  it('按保存期限、状态和日期清除附件和身份，留下案件、审计记录', async () => {
    const t = makeApp({ fastReceipts: true });
    const photo = fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg');
    const sqlite = t.db.$client;
    const make = async (name: string, files: number, identity: boolean) => {
      const fields: Record<string, string> = identity ? { identity_mode: 'real_name', identity_name: name, identity_phone: '13700000000' } : {};
      return (await fileReportAs(t, fields, Array.from({ length: files }, () => photo))).reportId;
    };
    const ids = {
      atCutoff: await make('甲', 2, true),
      dayAfterCutoff: await make('乙', 1, true),
      refusedNoClosureDate: await make('丙', 1, false),
      stillOpen: await make('丁', 1, true),
      alreadyPurged: await make('戊', 1, true),
    };
    ensureTracking(t.db);
    const retention = DEFAULT_HANDLING.retentionDays;
    const cutoff = addDays(TODAY, -retention);
    const set = (id: string, status: string, updatedOn: string, closedOn: string | null, purgedOn: string | null = null) => {
      sqlite.prepare('update reports set status = ?, updated_on = ? where id = ?').run(status, updatedOn, id);
      sqlite.prepare('update case_tracking set closed_on = ?, purged_on = ? where report_id = ?').run(closedOn, purgedOn, id);
    };
    set(ids.atCutoff, 'closed', TODAY, cutoff);
    set(ids.dayAfterCutoff, 'closed', '2020-01-01', addDays(cutoff, 1));
    set(ids.refusedNoClosureDate, 'not_accepted', cutoff, null);
    set(ids.stillOpen, 'rectifying', '2020-01-01', '2020-01-01');
    set(ids.alreadyPurged, 'closed', '2020-01-01', '2020-01-01', '2021-01-01');
    // An approved identity request whose re-sealed copy must go with the identity.
    const requester = sqlite.prepare("insert into staff_users (id, username, display_name, role, password_hash, public_key, password_boxed_private_key, escrow_sealed_private_key, totp_box, created_at) values ('u1', 'h', 'h', 'handler', 'x', x'00', x'00', x'00', x'00', '2027-01-01')");
    requester.run();
    for (const [rid, reportId] of [['q1', ids.atCutoff], ['q2', ids.stillOpen]] as const) {
      sqlite.prepare("insert into identity_requests (id, report_id, requester_id, sealed_reason, custodian_sealed_reason, status, sealed_for_requester, created_at) values (?, ?, 'u1', x'01', x'01', 'approved', x'02', '2027-01-01T00:00:00Z')").run(rid, reportId);
    }
    const blobsOf = (id: string) => (sqlite.prepare('select blob_name as b from report_files where report_id = ?').all(id) as { b: string }[]).map((r) => r.b);
    const purgedBlobs = [...blobsOf(ids.atCutoff), ...blobsOf(ids.refusedNoClosureDate)];
    const keptBlobs = [...blobsOf(ids.dayAfterCutoff), ...blobsOf(ids.stillOpen), ...blobsOf(ids.alreadyPurged)];

    const result = purgeExpired(t.db, t.deps.store, 'actor-7', TODAY);
    expect(result).toEqual({ cases: 2, files: 3, identities: 1 });
    for (const b of purgedBlobs) expect(existsSync(join(t.deps.store.dir, b)), b).toBe(false);
    for (const b of keptBlobs) expect(existsSync(join(t.deps.store.dir, b)), b).toBe(true);
    const count = (table: string, id: string) => (sqlite.prepare(`select count(*) as n from ${table} where report_id = ?`).get(id) as { n: number }).n;
    expect(count('report_files', ids.atCutoff)).toBe(0);
    expect(count('report_files', ids.refusedNoClosureDate)).toBe(0);
    expect(count('report_files', ids.dayAfterCutoff)).toBe(1);
    expect(count('report_identities', ids.atCutoff)).toBe(0);
    expect(count('report_identities', ids.dayAfterCutoff)).toBe(1);
    expect(count('report_identities', ids.stillOpen)).toBe(1);
    expect((sqlite.prepare('select count(*) as n from reports where id = ?').get(ids.atCutoff) as { n: number }).n).toBe(1);
    const sealedCopy = (id: string) => (sqlite.prepare('select sealed_for_requester as s from identity_requests where id = ?').get(id) as { s: Buffer | null }).s;
    expect(sealedCopy('q1')).toBeNull();
    expect(sealedCopy('q2')).not.toBeNull();
    const purgedOn = (id: string) => (sqlite.prepare('select purged_on as p from case_tracking where report_id = ?').get(id) as { p: string | null }).p;
    expect(purgedOn(ids.atCutoff)).toBe(TODAY);
    expect(purgedOn(ids.refusedNoClosureDate)).toBe(TODAY);
    expect(purgedOn(ids.dayAfterCutoff)).toBeNull();
    expect(purgedOn(ids.alreadyPurged)).toBe('2021-01-01');
    const audit = sqlite.prepare("select actor, report_id as r, detail from audit_log where action = 'retention.purged' order by id").all();
    expect(audit).toEqual(
      expect.arrayContaining([
        { actor: 'actor-7', r: ids.atCutoff, detail: JSON.stringify({ closed_on: cutoff, files: 2, identity: true }) },
        { actor: 'actor-7', r: ids.refusedNoClosureDate, detail: JSON.stringify({ closed_on: cutoff, files: 1, identity: false }) },
      ]),
    );
    expect(audit).toHaveLength(2);

    // Never twice; the next day the one-day-younger case is due.
    expect(purgeExpired(t.db, t.deps.store, 'actor-7', TODAY)).toEqual({ cases: 0, files: 0, identities: 0 });
    expect(purgeExpired(t.db, t.deps.store, 'actor-7', addDays(TODAY, 1))).toEqual({ cases: 1, files: 1, identities: 1 });

    // The setting takes effect: a 30-day period purges a case closed 30 days ago.
    saveHandlingSettings(t.db, { ...DEFAULT_HANDLING, retentionDays: 30 });
    set(ids.stillOpen, 'closed', TODAY, addDays(TODAY, -30));
    expect(purgeExpired(t.db, t.deps.store, 'actor-7', addDays(TODAY, -1)).cases).toBe(0);
    expect(purgeExpired(t.db, t.deps.store, 'actor-7', TODAY)).toEqual({ cases: 1, files: 1, identities: 1 });
  });

  it('删不掉的附件文件不影响清除（启动时的清理会处理孤儿文件）', async () => {
    const t = makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, {}, [fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg')]);
    // No tracking row yet (the case was never opened in the back office): the purge creates it itself.
    t.db.$client.prepare("update reports set status = 'closed', updated_on = '2020-01-01' where id = ?").run(reportId);
    expect(t.db.$client.prepare('select count(*) as n from case_tracking').get()).toEqual({ n: 0 });
    const removed: string[] = [];
    const store = { ...t.deps.store, remove: (name: string) => {
      removed.push(name);
      throw new Error('disk says no');
    } };
    expect(purgeExpired(t.db, store, 'system', TODAY)).toEqual({ cases: 1, files: 1, identities: 0 });
    expect(removed).toHaveLength(1);
    expect(t.db.$client.prepare('select count(*) as n from report_files').get()).toEqual({ n: 0 });
  });
});
