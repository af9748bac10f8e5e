/**
 * Retention (api/services/admin/retention.ts) at its boundaries: exactly the configured number of days
 * after closure, closed and refused cases only, the updated date when no closure date was recorded,
 * never twice, what is removed and what stays, the audit entry, and a blob that cannot be removed.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { exec, row, rows } from '../../api/db/client.ts';
import { identityRequests, staffUsers } from '../../api/db/schema.ts';
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
    const t = await makeApp({ fastReceipts: true });
    const photo = fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg');
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
    await ensureTracking(t.db);
    const retention = DEFAULT_HANDLING.retentionDays;
    const cutoff = addDays(TODAY, -retention);
    const set = async (id: string, status: string, updatedOn: string, closedOn: string | null, purgedOn: string | null = null) => {
      await exec(t.db, sql`update reports set status = ${status}, updated_on = ${updatedOn} where id = ${id}`);
      await exec(t.db, sql`update case_tracking set closed_on = ${closedOn}, purged_on = ${purgedOn} where report_id = ${id}`);
    };
    await set(ids.atCutoff, 'closed', TODAY, cutoff);
    await set(ids.dayAfterCutoff, 'closed', '2020-01-01', addDays(cutoff, 1));
    await set(ids.refusedNoClosureDate, 'not_accepted', cutoff, null);
    await set(ids.stillOpen, 'rectifying', '2020-01-01', '2020-01-01');
    await set(ids.alreadyPurged, 'closed', '2020-01-01', '2020-01-01', '2021-01-01');
    // An approved identity request whose re-sealed copy must go with the identity.
    const byte = (b: number) => Buffer.from([b]);
    await t.db.insert(staffUsers).values({ id: 'u1', username: 'h', displayName: 'h', role: 'handler', passwordHash: 'x', publicKey: byte(0), passwordBoxedPrivateKey: byte(0), escrowSealedPrivateKey: byte(0), totpBox: byte(0), createdAt: '2027-01-01' });
    for (const [rid, reportId] of [['q1', ids.atCutoff], ['q2', ids.stillOpen]] as const) {
      await t.db.insert(identityRequests).values({ id: rid, reportId, requesterId: 'u1', sealedReason: byte(1), custodianSealedReason: byte(1), status: 'approved', sealedForRequester: byte(2), createdAt: '2027-01-01T00:00:00Z' });
    }
    const blobsOf = async (id: string) => (await rows<{ b: string }>(t.db, sql`select blob_name as b from report_files where report_id = ${id}`)).map((r) => r.b);
    const purgedBlobs = [...(await blobsOf(ids.atCutoff)), ...(await blobsOf(ids.refusedNoClosureDate))];
    const keptBlobs = [...(await blobsOf(ids.dayAfterCutoff)), ...(await blobsOf(ids.stillOpen)), ...(await blobsOf(ids.alreadyPurged))];

    const result = await purgeExpired(t.db, t.deps.store, 'actor-7', TODAY);
    expect(result).toEqual({ cases: 2, files: 3, identities: 1 });
    for (const b of purgedBlobs) expect(await t.deps.store.has(b), b).toBe(false);
    for (const b of keptBlobs) expect(await t.deps.store.has(b), b).toBe(true);
    const count = async (table: string, id: string) => Number((await row<{ n: number }>(t.db, sql`select count(*) as n from ${sql.identifier(table)} where report_id = ${id}`))!.n);
    expect(await count('report_files', ids.atCutoff)).toBe(0);
    expect(await count('report_files', ids.refusedNoClosureDate)).toBe(0);
    expect(await count('report_files', ids.dayAfterCutoff)).toBe(1);
    expect(await count('report_identities', ids.atCutoff)).toBe(0);
    expect(await count('report_identities', ids.dayAfterCutoff)).toBe(1);
    expect(await count('report_identities', ids.stillOpen)).toBe(1);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from reports where id = ${ids.atCutoff}`))!.n)).toBe(1);
    const sealedCopy = async (id: string) => (await row<{ s: Buffer | null }>(t.db, sql`select sealed_for_requester as s from identity_requests where id = ${id}`))!.s;
    expect(await sealedCopy('q1')).toBeNull();
    expect(await sealedCopy('q2')).not.toBeNull();
    const purgedOn = async (id: string) => (await row<{ p: string | null }>(t.db, sql`select purged_on as p from case_tracking where report_id = ${id}`))!.p;
    expect(await purgedOn(ids.atCutoff)).toBe(TODAY);
    expect(await purgedOn(ids.refusedNoClosureDate)).toBe(TODAY);
    expect(await purgedOn(ids.dayAfterCutoff)).toBeNull();
    expect(await purgedOn(ids.alreadyPurged)).toBe('2021-01-01');
    const audit = await rows(t.db, sql`select actor, report_id as r, detail from audit_log where action = 'retention.purged' order by id`);
    expect(audit).toEqual(
      expect.arrayContaining([
        { actor: 'actor-7', r: ids.atCutoff, detail: JSON.stringify({ closed_on: cutoff, files: 2, identity: true }) },
        { actor: 'actor-7', r: ids.refusedNoClosureDate, detail: JSON.stringify({ closed_on: cutoff, files: 1, identity: false }) },
      ]),
    );
    expect(audit).toHaveLength(2);

    // Never twice; the next day the one-day-younger case is due.
    expect(await purgeExpired(t.db, t.deps.store, 'actor-7', TODAY)).toEqual({ cases: 0, files: 0, identities: 0 });
    expect(await purgeExpired(t.db, t.deps.store, 'actor-7', addDays(TODAY, 1))).toEqual({ cases: 1, files: 1, identities: 1 });

    // The setting takes effect: a 30-day period purges a case closed 30 days ago.
    await saveHandlingSettings(t.db, { ...DEFAULT_HANDLING, retentionDays: 30 });
    await set(ids.stillOpen, 'closed', TODAY, addDays(TODAY, -30));
    expect((await purgeExpired(t.db, t.deps.store, 'actor-7', addDays(TODAY, -1))).cases).toBe(0);
    expect(await purgeExpired(t.db, t.deps.store, 'actor-7', TODAY)).toEqual({ cases: 1, files: 1, identities: 1 });
  });

  it('删不掉的附件文件不影响清除（启动时的清理会处理孤儿文件）', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { reportId } = await fileReportAs(t, {}, [fileOf(await jpegWithExif(), 'a.jpg', 'image/jpeg')]);
    // No tracking row yet (the case was never opened in the back office): the purge creates it itself.
    await exec(t.db, sql`update reports set status = 'closed', updated_on = '2020-01-01' where id = ${reportId}`);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from case_tracking`))!.n)).toBe(0);
    const removed: string[] = [];
    const store = { ...t.deps.store, remove: (name: string) => {
      removed.push(name);
      throw new Error('disk says no');
    } };
    expect(await purgeExpired(t.db, store, 'system', TODAY)).toEqual({ cases: 1, files: 1, identities: 0 });
    expect(removed).toHaveLength(1);
    expect(Number((await row<{ n: number }>(t.db, sql`select count(*) as n from report_files`))!.n)).toBe(0);
  });
});
