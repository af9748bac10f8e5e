/**
 * Hash-chained, append-only audit log. Each entry's hash covers the previous hash and the entry's
 * own canonical content; app_meta.audit_head records the last id and hash so that cutting entries
 * off the end is detected as surely as editing or deleting one in the middle.
 */
import { asc, desc, eq, lt } from 'drizzle-orm';
import { now } from '../../clock.ts';
import { sha256Hex } from '../../crypto/index.ts';
import { first, serialize, type Db } from '../../db/client.ts';
import { appMeta, auditLog } from '../../db/schema.ts';
import { CHANNEL_AUDIT_ACTIONS } from '../channels/audit-actions.ts';

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';

/** What is audited (see STYLE.md: reads, identity access, transitions, rewards, logins, purges). */
export const AUDIT_ACTIONS = {
  'login.ok': '登录',
  'login.failed': '登录失败',
  'login.locked': '账号被锁定',
  logout: '退出登录',
  'staff.created': '创建账号',
  'staff.deactivated': '停用账号',
  'staff.password_changed': '修改密码',
  'settings.changed': '修改期限设置',
  'report.read': '打开举报（旧记录）',
  'file.read': '读取附件（旧记录：未区分预览和下载）',
  'report.transition': '变更状态',
  'report.assigned': '转办',
  'report.extended': '延期',
  'report.message': '给举报人留言',
  'reward.decided': '奖励决定',
  'identity.requested': '申请查看身份',
  'identity.approved': '批准查看身份',
  'identity.refused': '拒绝查看身份',
  'identity.viewed': '查看身份（一次）',
  'retention.purged': '到期清除附件和身份',
  'export.csv': '导出 CSV',
  'case.printed': '打印案卷',
  // Accounts and the two-person rule for report keys (issue 10 item 6, issue 14 item 7).
  'login.ok_new_authenticator': '登录（启用新发放的动态验证码）',
  'staff.password_reset': '管理员重置密码',
  'staff.authenticator_reissued': '重新发放动态验证码',
  'staff.unlocked': '解除账号锁定',
  'staff.reactivated': '恢复已停用的账号',
  'key.requested': '申请授予密钥',
  'key.granted': '授予密钥',
  'key.refused': '拒绝授予密钥',
  'key.withdrawn': '撤回密钥申请',
  'key.revoked': '收回角色不需要的密钥',
  // Attachments for staff (issue 10 item 3).
  'file.pdf_preview': '查看 PDF 页面图像',
  'file.original': '下载 PDF 原件（看过风险提示后）',
  // Issue 14: opening, inline viewing and downloading are told apart; office documents and notes.
  'case.opened': '打开案件（本次登录第一次）',
  'file.viewed_inline': '在页面上查看图片（本次登录第一次）',
  'file.downloaded': '下载附件原件',
  'file.uploaded': '上传工作材料',
  'note.added': '写内部记录',
  'reward.corrected': '更正奖励决定',
  'slip.printed': '打印转办单',
  'reply.printed': '打印回复函',
  'stats.monthly': '生成月度统计',
  'audit.exported': '导出审计日志',
  // Issue 15 (channels, notifications): one hook line.
  ...CHANNEL_AUDIT_ACTIONS,
} as const;
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditInput {
  actor: string;
  action: AuditAction;
  reportId?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

type Entry = typeof auditLog.$inferSelect;

function canonical(e: Omit<Entry, 'hash'>): string {
  return JSON.stringify([e.id, e.at, e.actor, e.action, e.reportId, e.detail, e.prevHash]);
}

async function head(db: Db): Promise<{ id: number; hash: string }> {
  const row = first(await db.select().from(appMeta).where(eq(appMeta.key, HEAD_KEY)).limit(1));
  return row ? (JSON.parse(row.value) as { id: number; hash: string }) : { id: 0, hash: GENESIS_HASH };
}

/**
 * Appends inside the caller's transaction (pass the tx), so the entry commits with the change it records.
 * The chain head is read and written under the 'audit' lock, so two API processes cannot both extend
 * the same head (a forked chain); callers also take it first thing in their transaction.
 */
export async function appendAuditIn(db: Db, input: AuditInput, at: Date = now()): Promise<void> {
  await serialize(db, 'audit');
  const prev = await head(db);
  const detail = JSON.stringify(sortKeys(input.detail ?? {}));
  const entry = { id: prev.id + 1, at: at.toISOString(), actor: input.actor, action: input.action, reportId: input.reportId ?? null, detail, prevHash: prev.hash };
  const hash = sha256Hex(canonical(entry));
  // Look the new id up first (the answer is not needed): should another process have appended it since
  // this transaction's snapshot, PostgreSQL then reports the insert as a serialisation failure, which is
  // retried, instead of a duplicate key. serialize() first in the transaction keeps this from happening.
  await db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.id, entry.id)).limit(1);
  await db.insert(auditLog).values({ ...entry, hash });
  const value = JSON.stringify({ id: entry.id, hash });
  await db.insert(appMeta).values({ key: HEAD_KEY, value, updatedAt: entry.at }).onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: entry.at } });
}

export async function appendAudit(db: Db, input: AuditInput): Promise<void> {
  await db.transaction(async (tx) => {
    await serialize(tx, 'audit');
    await appendAuditIn(tx, input);
  });
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export interface AuditProblem {
  id: number;
  problem: string;
}

/** Recomputes the whole chain. Any edited, inserted, reordered or deleted entry shows up as a problem. */
export async function verifyAuditChain(db: Db): Promise<{ ok: boolean; count: number; problems: AuditProblem[] }> {
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  const problems: AuditProblem[] = [];
  let prevHash = GENESIS_HASH;
  let prevId = 0;
  for (const row of rows) {
    if (row.id !== prevId + 1) problems.push({ id: row.id, problem: `第 ${prevId + 1}–${row.id - 1} 条记录缺失（被删除）` });
    if (row.prevHash !== prevHash) problems.push({ id: row.id, problem: '与上一条记录的链接对不上（前一条被修改或删除）' });
    if (sha256Hex(canonical(row)) !== row.hash) problems.push({ id: row.id, problem: '记录内容与其哈希值不符（被修改）' });
    prevHash = row.hash;
    prevId = row.id;
  }
  const h = await head(db);
  if (h.id !== prevId || h.hash !== prevHash) problems.push({ id: h.id, problem: `日志末尾应为第 ${h.id} 条，实际为第 ${prevId} 条（末尾记录被删除或改动）` });
  return { ok: problems.length === 0, count: rows.length, problems };
}

export interface AuditFilter {
  limit: number;
  offset: number;
  reportId?: string;
  actor?: string;
  action?: string;
  /** Beijing calendar days, inclusive. */
  from?: string;
  to?: string;
}

export async function listAudit(db: Db, opts: AuditFilter) {
  const fromIso = opts.from ? new Date(`${opts.from}T00:00:00+08:00`).toISOString() : null;
  const toIso = opts.to ? new Date(new Date(`${opts.to}T00:00:00+08:00`).getTime() + 86400_000).toISOString() : null;
  const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
  const filtered = rows
    .filter((r) => (!opts.reportId || r.reportId === opts.reportId) && (!opts.actor || r.actor === opts.actor) && (!opts.action || r.action === opts.action))
    .filter((r) => (!fromIso || r.at >= fromIso) && (!toIso || r.at < toIso))
    .reverse();
  return { total: filtered.length, entries: filtered.slice(opts.offset, opts.offset + opts.limit) };
}

// ---------------------------------------------------------------------------------------------
// Witnessed checkpoints (issue 10): the chain length and head hash at the end of a day, published on
// /data/ and printed in the monthly 安委会 report. Whoever keeps one can later check that the chain
// still holds that exact hash at that exact position, so deleting entries and recomputing every hash
// (which `verifyAuditChain` alone cannot notice) is caught.

export interface AuditCheckpoint {
  /** Entries in the chain up to and including the head. */
  length: number;
  head: string;
  /** The Beijing day whose end the checkpoint marks. */
  day: string;
}

/** The checkpoint at the end of a Beijing calendar day (entries written before the next midnight). */
export async function auditCheckpoint(db: Db, day: string): Promise<AuditCheckpoint> {
  const before = new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 86400_000).toISOString();
  const row = first(await db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).where(lt(auditLog.at, before)).orderBy(desc(auditLog.id)).limit(1));
  return { length: row?.id ?? 0, head: row?.hash ?? GENESIS_HASH, day };
}

/** "length:head" (or just the head hash) as printed on a checkpoint. */
export function parseCheckpoint(text: string): { length: number | null; head: string } | null {
  const clean = text.trim().toLowerCase().replace(/[\s-]/g, '');
  const m = /^(?:(\d+):)?([0-9a-f]{64})$/.exec(clean);
  return m ? { length: m[1] ? Number(m[1]) : null, head: m[2]! } : null;
}

/**
 * Checks a kept checkpoint against the chain: the entry at that position must still carry that hash
 * (and the chain itself must verify up to it). Without a length, the hash must appear anywhere.
 */
export async function verifyCheckpoint(db: Db, checkpoint: { length: number | null; head: string }): Promise<{ ok: boolean; message: string }> {
  if (checkpoint.length === 0) return checkpoint.head === GENESIS_HASH ? { ok: true, message: '校验点是空日志，没有可比对的记录。' } : { ok: false, message: '长度为 0 的校验点哈希应为全 0。' };
  const row =
    checkpoint.length !== null
      ? first(await db.select().from(auditLog).where(eq(auditLog.id, checkpoint.length)).limit(1))
      : first(await db.select().from(auditLog).where(eq(auditLog.hash, checkpoint.head)).orderBy(asc(auditLog.id)).limit(1));
  if (!row) return { ok: false, message: checkpoint.length !== null ? `日志里已经没有第 ${checkpoint.length} 条记录：校验点之前的记录被删除了。` : '日志里找不到这个哈希值：校验点之前的记录被改写或删除了。' };
  if (row.hash !== checkpoint.head) return { ok: false, message: `第 ${row.id} 条记录的哈希值与校验点不同：这条或它之前的记录被改写后重新计算了哈希。` };
  const chain = await verifyAuditChain(db);
  const before = chain.problems.filter((p) => p.id <= row.id);
  if (before.length) return { ok: false, message: `校验点之前的记录有问题：${before.map((p) => `第 ${p.id} 条${p.problem}`).join('；')}` };
  return { ok: true, message: `校验点相符：第 ${row.id} 条记录的哈希值仍是 ${row.hash}。` };
}

/** A 64-digit hash in groups of four, easier to read aloud and to compare on paper. */
export function groupedHash(hash: string): string {
  return hash.match(/.{1,4}/g)?.join(' ') ?? hash;
}
