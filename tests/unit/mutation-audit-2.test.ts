/**
 * The audit log's listing filters and its witnessed checkpoints, in process (fast enough to run for
 * every mutant of api/services/admin/audit.ts): the Beijing day bounds of `from`/`to` at the exact
 * midnight, the actor/action/report filters, `parseCheckpoint`, every outcome of `verifyCheckpoint`
 * with its exact Chinese message, and `groupedHash`. Only the async database API is used, so the file
 * runs unchanged on SQLite and on PostgreSQL (DATABASE_TEST_ISOLATE=1).
 */
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDb, exec, openDb, rows as rowsOf, type Db } from '../../api/db/client.ts';
import { GENESIS_HASH, appendAuditIn, groupedHash, listAudit, parseCheckpoint, verifyCheckpoint, type AuditInput } from '../../api/services/admin/audit.ts';

const open: Db[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await closeDb(db);
});

async function fresh(): Promise<Db> {
  const db = await openDb(':memory:');
  open.push(db);
  return db;
}

/** Appends entries at the given instants, in order (ids 1, 2, …). */
async function appendAt(db: Db, entries: [AuditInput, string][]): Promise<void> {
  for (const [input, at] of entries) await db.transaction((tx) => appendAuditIn(tx, input, new Date(at)));
}

const hashes = async (db: Db) => (await rowsOf<{ id: number; hash: string }>(db, sql`select id, hash from audit_log order by id`)).map((r) => r.hash);
const ids = (r: { entries: { id: number }[] }) => r.entries.map((e) => e.id);

describe('审计日志列表：北京日期范围和筛选', () => {
  it('“从”那天北京时间 0 点整的记录在内，“到”的次日 0 点整的记录不在内', async () => {
    const db = await fresh();
    await appendAt(db, [
      [{ actor: 'a', action: 'report.read', reportId: 'r-1' }, '2026-03-01T15:59:59.999Z'], // 3 月 1 日 23:59:59.999（北京）
      [{ actor: 'a', action: 'report.read', reportId: 'r-1' }, '2026-03-01T16:00:00.000Z'], // 3 月 2 日 0:00（北京）
      [{ actor: 'a', action: 'report.read', reportId: 'r-1' }, '2026-03-03T15:59:59.999Z'], // 3 月 3 日 23:59:59.999
      [{ actor: 'a', action: 'report.read', reportId: 'r-1' }, '2026-03-03T16:00:00.000Z'], // 3 月 4 日 0:00
    ]);
    const page = { limit: 10, offset: 0 };
    expect(ids(await listAudit(db, { ...page, from: '2026-03-02', to: '2026-03-03' }))).toEqual([3, 2]);
    expect(await listAudit(db, { ...page, from: '2026-03-02', to: '2026-03-03' })).toMatchObject({ total: 2 });
    expect(ids(await listAudit(db, { ...page, from: '2026-03-02' }))).toEqual([4, 3, 2]);
    expect(ids(await listAudit(db, { ...page, to: '2026-03-03' }))).toEqual([3, 2, 1]);
    expect(ids(await listAudit(db, { ...page, from: '2026-03-04' }))).toEqual([4]);
    expect(ids(await listAudit(db, { ...page, to: '2026-03-01' }))).toEqual([1]);
    // One day: both of its bounds.
    expect(ids(await listAudit(db, { ...page, from: '2026-03-02', to: '2026-03-02' }))).toEqual([2]);
    expect(await listAudit(db, { ...page, from: '2026-03-05', to: '2026-03-06' })).toEqual({ total: 0, entries: [] });
    // Paging applies after the date filter.
    expect(await listAudit(db, { limit: 1, offset: 1, from: '2026-03-02' })).toMatchObject({ total: 3, entries: [{ id: 3 }] });
  });

  it('按动作、工作人员、举报筛选，条件同时成立', async () => {
    const db = await fresh();
    await appendAt(db, [
      [{ actor: 's1', action: 'report.read', reportId: 'r-1' }, '2026-03-02T01:00:00.000Z'],
      [{ actor: 's1', action: 'file.downloaded', reportId: 'r-1' }, '2026-03-02T02:00:00.000Z'],
      [{ actor: 's2', action: 'report.read', reportId: 'r-2' }, '2026-03-02T03:00:00.000Z'],
      [{ actor: 's2', action: 'logout' }, '2026-03-02T04:00:00.000Z'],
      [{ actor: 's1', action: 'report.read', reportId: 'r-2' }, '2026-03-05T04:00:00.000Z'],
    ]);
    const page = { limit: 10, offset: 0 };
    expect(ids(await listAudit(db, { ...page, action: 'report.read' }))).toEqual([5, 3, 1]);
    expect(ids(await listAudit(db, { ...page, action: 'logout' }))).toEqual([4]);
    expect(ids(await listAudit(db, { ...page, action: 'report.read', actor: 's1' }))).toEqual([5, 1]);
    expect(ids(await listAudit(db, { ...page, action: 'report.read', reportId: 'r-2' }))).toEqual([5, 3]);
    expect(ids(await listAudit(db, { ...page, action: 'report.read', actor: 's1', reportId: 'r-1' }))).toEqual([1]);
    expect(ids(await listAudit(db, { ...page, action: 'report.read', to: '2026-03-02' }))).toEqual([3, 1]);
    expect(ids(await listAudit(db, { ...page, actor: 's1', from: '2026-03-03' }))).toEqual([5]);
    expect(await listAudit(db, { ...page, action: 'staff.created' })).toEqual({ total: 0, entries: [] });
    const one = await listAudit(db, { ...page, action: 'file.downloaded' });
    expect(one.total).toBe(1);
    expect(one.entries[0]).toMatchObject({ id: 2, actor: 's1', action: 'file.downloaded', reportId: 'r-1', at: '2026-03-02T02:00:00.000Z' });
  });
});

describe('校验点的解析', () => {
  const h = '0123456789abcdef'.repeat(4);

  it('“长度:哈希”或只有哈希；空格、连字符、大写都可以', () => {
    expect(parseCheckpoint(`12:${h}`)).toEqual({ length: 12, head: h });
    expect(parseCheckpoint(h)).toEqual({ length: null, head: h });
    expect(parseCheckpoint(`  0:${h}\n`)).toEqual({ length: 0, head: h });
    expect(parseCheckpoint(` 1234 : ${groupedHash(h.toUpperCase())} `)).toEqual({ length: 1234, head: h });
    expect(parseCheckpoint(`7:${h.slice(0, 32)}-${h.slice(32)}`)).toEqual({ length: 7, head: h });
  });

  it('多出或缺少字符、不是十六进制、长度不是数字都不接受', () => {
    expect(parseCheckpoint(`x${h}`)).toBeNull();
    expect(parseCheckpoint(`x12:${h}`)).toBeNull();
    expect(parseCheckpoint(`${h}0`)).toBeNull();
    expect(parseCheckpoint(`${h}zz`)).toBeNull();
    expect(parseCheckpoint(`12:${h}:`)).toBeNull();
    expect(parseCheckpoint(h.slice(1))).toBeNull();
    expect(parseCheckpoint(`${h.slice(1)}g`)).toBeNull();
    expect(parseCheckpoint(`a:${h}`)).toBeNull();
    expect(parseCheckpoint(`:${h}`)).toBeNull();
    expect(parseCheckpoint('')).toBeNull();
  });
});

describe('校验点核对：每一种结果和说明', () => {
  async function chain(): Promise<{ db: Db; hs: string[] }> {
    const db = await fresh();
    for (let i = 1; i <= 4; i++) await appendAt(db, [[{ actor: `s${i}`, action: 'report.read', reportId: `r-${i}`, detail: { i } }, `2026-03-0${i}T02:00:00.000Z`]]);
    return { db, hs: await hashes(db) };
  }

  it('长度为 0：全 0 哈希相符，其他哈希不符', async () => {
    const { db } = await chain();
    expect(await verifyCheckpoint(db, { length: 0, head: GENESIS_HASH })).toEqual({ ok: true, message: '校验点是空日志，没有可比对的记录。' });
    expect(await verifyCheckpoint(db, { length: 0, head: 'a'.repeat(64) })).toEqual({ ok: false, message: '长度为 0 的校验点哈希应为全 0。' });
  });

  it('位置和哈希都相符；没有长度时按哈希找', async () => {
    const { db, hs } = await chain();
    expect(await verifyCheckpoint(db, { length: 2, head: hs[1]! })).toEqual({ ok: true, message: `校验点相符：第 2 条记录的哈希值仍是 ${hs[1]}。` });
    expect(await verifyCheckpoint(db, { length: 4, head: hs[3]! })).toEqual({ ok: true, message: `校验点相符：第 4 条记录的哈希值仍是 ${hs[3]}。` });
    expect(await verifyCheckpoint(db, { length: null, head: hs[2]! })).toEqual({ ok: true, message: `校验点相符：第 3 条记录的哈希值仍是 ${hs[2]}。` });
  });

  it('那个位置上的哈希不同：说出是第几条', async () => {
    const { db, hs } = await chain();
    // The hash of entry 2 is still in the chain, but not at position 3.
    expect(await verifyCheckpoint(db, { length: 3, head: hs[1]! })).toEqual({ ok: false, message: '第 3 条记录的哈希值与校验点不同：这条或它之前的记录被改写后重新计算了哈希。' });
  });

  it('那个位置已经没有记录，或者哈希在日志里找不到', async () => {
    const { db, hs } = await chain();
    expect(await verifyCheckpoint(db, { length: 9, head: hs[3]! })).toEqual({ ok: false, message: '日志里已经没有第 9 条记录：校验点之前的记录被删除了。' });
    expect(await verifyCheckpoint(db, { length: null, head: 'b'.repeat(64) })).toEqual({ ok: false, message: '日志里找不到这个哈希值：校验点之前的记录被改写或删除了。' });
    await exec(db, sql`delete from audit_log where id = 2`);
    expect(await verifyCheckpoint(db, { length: 2, head: hs[1]! })).toEqual({ ok: false, message: '日志里已经没有第 2 条记录：校验点之前的记录被删除了。' });
    expect(await verifyCheckpoint(db, { length: null, head: hs[1]! })).toEqual({ ok: false, message: '日志里找不到这个哈希值：校验点之前的记录被改写或删除了。' });
  });

  it('校验点之前（含校验点那条）的记录有问题时逐条说出，之后的问题不影响这个校验点', async () => {
    // Entry 2's hash replaced: its own content no longer matches, and entry 3's link breaks.
    let { db, hs } = await chain();
    await exec(db, sql`update audit_log set hash = ${'f'.repeat(64)} where id = 2`);
    expect(await verifyCheckpoint(db, { length: 3, head: hs[2]! })).toEqual({
      ok: false,
      message: '校验点之前的记录有问题：第 2 条记录内容与其哈希值不符（被修改）；第 3 条与上一条记录的链接对不上（前一条被修改或删除）',
    });
    expect(await verifyCheckpoint(db, { length: 1, head: hs[0]! })).toEqual({ ok: true, message: `校验点相符：第 1 条记录的哈希值仍是 ${hs[0]}。` });
    // The checkpoint's own entry edited (its stored hash kept): a problem at exactly that position counts.
    ({ db, hs } = await chain());
    await exec(db, sql`update audit_log set actor = 'x' where id = 3`);
    expect(await verifyCheckpoint(db, { length: 3, head: hs[2]! })).toEqual({ ok: false, message: '校验点之前的记录有问题：第 3 条记录内容与其哈希值不符（被修改）' });
    expect(await verifyCheckpoint(db, { length: null, head: hs[2]! })).toEqual({ ok: false, message: '校验点之前的记录有问题：第 3 条记录内容与其哈希值不符（被修改）' });
    expect(await verifyCheckpoint(db, { length: 2, head: hs[1]! })).toEqual({ ok: true, message: `校验点相符：第 2 条记录的哈希值仍是 ${hs[1]}。` });
  });
});

describe('分组显示的哈希', () => {
  it('每 4 位一组，用空格隔开；不足 4 位的留在最后；空串不变', () => {
    const h = '0123456789abcdef'.repeat(4);
    expect(groupedHash(h)).toBe('0123 4567 89ab cdef '.repeat(4).trimEnd());
    expect(groupedHash(h).split(' ')).toHaveLength(16);
    expect(groupedHash('abcdef')).toBe('abcd ef');
    expect(groupedHash('abc')).toBe('abc');
    expect(groupedHash('')).toBe('');
  });
});
