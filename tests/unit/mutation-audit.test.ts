/**
 * The audit chain in detail, in process (fast enough to run for every mutant of
 * api/services/admin/audit.ts): the genesis link, the head record, canonical detail, every problem
 * message verifyAuditChain can give, and listing with filters and paging.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../api/crypto/index.ts';
import { AUDIT_ACTIONS, GENESIS_HASH, appendAudit, appendAuditIn, listAudit, verifyAuditChain } from '../../api/services/admin/audit.ts';
import { exec, openDb, row, rows as rowsOf, type Db } from '../../api/db/client.ts';

/** A migrated in-memory database: the audit chain needs nothing else. */
async function fresh() {
  const db = await openDb(':memory:');
  return { t: { db }, db };
}

const rows = (db: Db) => rowsOf<{ id: number; at: string; actor: string; action: string; report_id: string | null; detail: string; prev_hash: string; hash: string }>(db, sql`select * from audit_log order by id`);
const headOf = async (db: Db) => {
  const head = await row<{ value: string }>(db, sql`select value from app_meta where key = 'audit_head'`);
  return head ? (JSON.parse(head.value) as { id: number; hash: string }) : undefined;
};

describe('审计链细节', () => {
  it('每种审计动作都有中文名称', () => {
    const entries = Object.entries(AUDIT_ACTIONS);
    expect(entries.length).toBeGreaterThanOrEqual(22);
    // Chinese words (with Chinese punctuation, digits, upper-case abbreviations such as PDF or CSV), never an English key.
    for (const [code, label] of entries) expect(label, code).toMatch(/^(?=.*[\u4e00-\u9fff])[^a-z]+$/);
    expect(AUDIT_ACTIONS['login.ok']).toBe('登录');
    expect(AUDIT_ACTIONS['retention.purged']).toBe('到期清除附件和身份');
  });

  it('第一条接在 64 个 0 之后；每条的哈希是它规范内容的 SHA-256；头记录指向最后一条', async () => {
    const { t, db } = await fresh();
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(await headOf(db)).toBeUndefined();
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, count: 0, problems: [] });
    await appendAudit(t.db, { actor: 'staff-1', action: 'report.read', reportId: 'r-1', detail: { zeta: 1, alpha: 'x', mid: true } });
    await appendAudit(t.db, { actor: 'system', action: 'export.csv' });
    const [first, second] = await rows(db);
    expect(first!.id).toBe(1);
    expect(second!.id).toBe(2);
    expect(first!.prev_hash).toBe('0'.repeat(64));
    expect(second!.prev_hash).toBe(first!.hash);
    // Keys sorted, so the same detail always hashes the same.
    expect(first!.detail).toBe('{"alpha":"x","mid":true,"zeta":1}');
    expect(first!.report_id).toBe('r-1');
    expect(second!.report_id).toBeNull();
    expect(second!.detail).toBe('{}');
    expect(first!.hash).toBe(sha256Hex(JSON.stringify([1, first!.at, 'staff-1', 'report.read', 'r-1', first!.detail, '0'.repeat(64)])));
    expect(first!.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await headOf(db)).toEqual({ id: 2, hash: second!.hash });
    const meta = (await row<{ u: string }>(db, sql`select updated_at as u from app_meta where key = 'audit_head'`))!;
    expect(meta.u).toBe(second!.at);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, count: 2, problems: [] });
  });

  it('appendAuditIn 使用调用者给的时间，并随调用者的事务回滚', async () => {
    const { t, db } = await fresh();
    const at = new Date('2026-03-04T05:06:07.089Z');
    await t.db.transaction((tx) => appendAuditIn(tx, { actor: 'a', action: 'logout' }, at));
    expect((await rows(db))[0]!.at).toBe('2026-03-04T05:06:07.089Z');
    await expect(
      t.db.transaction(async (tx) => {
        await appendAuditIn(tx, { actor: 'b', action: 'logout' });
        throw new Error('the recorded change failed');
      }),
    ).rejects.toThrow('the recorded change failed');
    expect(await rows(db)).toHaveLength(1);
    expect((await headOf(db))!.id).toBe(1);
  });

  it('每一种问题都有准确的说明', async () => {
    const build = async () => {
      const f = await fresh();
      for (let i = 0; i < 4; i++) await appendAudit(f.t.db, { actor: `s${i}`, action: 'report.read', reportId: `r${i}`, detail: { n: i } });
      return f;
    };
    // Edited content.
    let f = await build();
    await exec(f.db, sql`update audit_log set actor = 'x' where id = 2`);
    expect((await verifyAuditChain(f.t.db)).problems).toEqual([{ id: 2, problem: '记录内容与其哈希值不符（被修改）' }]);
    // Edited hash: this entry and the next one's link.
    f = await build();
    await exec(f.db, sql`update audit_log set hash = ${'f'.repeat(64)} where id = 2`);
    expect((await verifyAuditChain(f.t.db)).problems).toEqual([
      { id: 2, problem: '记录内容与其哈希值不符（被修改）' },
      { id: 3, problem: '与上一条记录的链接对不上（前一条被修改或删除）' },
    ]);
    // Deleted in the middle.
    f = await build();
    await exec(f.db, sql`delete from audit_log where id = 2`);
    const mid = await verifyAuditChain(f.t.db);
    expect(mid.ok).toBe(false);
    expect(mid.count).toBe(3);
    expect(mid.problems).toEqual([
      { id: 3, problem: '第 2–2 条记录缺失（被删除）' },
      { id: 3, problem: '与上一条记录的链接对不上（前一条被修改或删除）' },
    ]);
    // Cut off at the end.
    f = await build();
    await exec(f.db, sql`delete from audit_log where id = 4`);
    expect((await verifyAuditChain(f.t.db)).problems).toEqual([{ id: 4, problem: '日志末尾应为第 4 条，实际为第 3 条（末尾记录被删除或改动）' }]);
    // Head record rewritten to hide the cut, but with the wrong hash.
    f = await build();
    await exec(f.db, sql`delete from audit_log where id = 4`);
    await exec(f.db, sql`update app_meta set value = ${JSON.stringify({ id: 3, hash: 'a'.repeat(64) })} where key = 'audit_head'`);
    expect((await verifyAuditChain(f.t.db)).problems).toEqual([{ id: 3, problem: '日志末尾应为第 3 条，实际为第 3 条（末尾记录被删除或改动）' }]);
    // Head record with the right hash of the new last entry but the old id.
    f = await build();
    const third = (await rows(f.db))[2]!;
    await exec(f.db, sql`delete from audit_log where id = 4`);
    await exec(f.db, sql`update app_meta set value = ${JSON.stringify({ id: 4, hash: third.hash })} where key = 'audit_head'`);
    expect((await verifyAuditChain(f.t.db)).problems).toEqual([{ id: 4, problem: '日志末尾应为第 4 条，实际为第 3 条（末尾记录被删除或改动）' }]);
    // An inserted entry with a made-up id.
    f = await build();
    const last = (await rows(f.db)).at(-1)!;
    await exec(f.db, sql`insert into audit_log (id, at, actor, action, report_id, detail, prev_hash, hash) values (${9}, ${last.at}, ${'x'}, ${'logout'}, ${null}, ${'{}'}, ${last.hash}, ${'b'.repeat(64)})`);
    const inserted = await verifyAuditChain(f.t.db);
    expect(inserted.problems.map((p) => p.id)).toEqual([9, 9, 4]);
    expect(inserted.problems[0]!.problem).toBe('第 5–8 条记录缺失（被删除）');
  });

  it('列表：最新的在前，按举报和工作人员筛选，分页', async () => {
    const { t } = await fresh();
    for (let i = 1; i <= 6; i++) await appendAudit(t.db, { actor: i % 2 ? 'odd' : 'even', action: 'report.read', reportId: i <= 3 ? 'r-a' : 'r-b', detail: { i } });
    const all = await listAudit(t.db, { limit: 10, offset: 0 });
    expect(all.total).toBe(6);
    expect(all.entries.map((e) => e.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect((await listAudit(t.db, { limit: 2, offset: 1 })).entries.map((e) => e.id)).toEqual([5, 4]);
    const a = await listAudit(t.db, { limit: 10, offset: 0, reportId: 'r-a' });
    expect(a).toMatchObject({ total: 3 });
    expect(a.entries.map((e) => e.id)).toEqual([3, 2, 1]);
    expect((await listAudit(t.db, { limit: 10, offset: 0, actor: 'even' })).entries.map((e) => e.id)).toEqual([6, 4, 2]);
    expect((await listAudit(t.db, { limit: 10, offset: 0, actor: 'odd', reportId: 'r-b' })).entries.map((e) => e.id)).toEqual([5]);
    expect(await listAudit(t.db, { limit: 10, offset: 0, actor: 'nobody' })).toEqual({ total: 0, entries: [] });
  });
});
