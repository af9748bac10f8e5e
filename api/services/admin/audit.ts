/**
 * Hash-chained, append-only audit log. Each entry's hash covers the previous hash and the entry's
 * own canonical content; app_meta.audit_head records the last id and hash so that cutting entries
 * off the end is detected as surely as editing or deleting one in the middle.
 */
import { asc, eq } from 'drizzle-orm';
import { sha256Hex } from '../../crypto/index.ts';
import type { Db } from '../../db/client.ts';
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
  'report.read': '打开举报',
  'file.read': '下载附件',
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

function head(db: Db): { id: number; hash: string } {
  const row = db.select().from(appMeta).where(eq(appMeta.key, HEAD_KEY)).get();
  return row ? (JSON.parse(row.value) as { id: number; hash: string }) : { id: 0, hash: GENESIS_HASH };
}

/** Appends inside the caller's transaction (pass the tx), so the entry commits with the change it records. */
export function appendAuditIn(db: Db, input: AuditInput, at: Date = new Date()): void {
  const prev = head(db);
  const detail = JSON.stringify(sortKeys(input.detail ?? {}));
  const entry = { id: prev.id + 1, at: at.toISOString(), actor: input.actor, action: input.action, reportId: input.reportId ?? null, detail, prevHash: prev.hash };
  const hash = sha256Hex(canonical(entry));
  db.insert(auditLog).values({ ...entry, hash }).run();
  const value = JSON.stringify({ id: entry.id, hash });
  db.insert(appMeta).values({ key: HEAD_KEY, value, updatedAt: entry.at }).onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: entry.at } }).run();
}

export function appendAudit(db: Db, input: AuditInput): void {
  db.transaction((tx) => appendAuditIn(tx as unknown as Db, input), { behavior: 'immediate' });
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

export interface AuditProblem {
  id: number;
  problem: string;
}

/** Recomputes the whole chain. Any edited, inserted, reordered or deleted entry shows up as a problem. */
export function verifyAuditChain(db: Db): { ok: boolean; count: number; problems: AuditProblem[] } {
  const rows = db.select().from(auditLog).orderBy(asc(auditLog.id)).all();
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
  const h = head(db);
  if (h.id !== prevId || h.hash !== prevHash) problems.push({ id: h.id, problem: `日志末尾应为第 ${h.id} 条，实际为第 ${prevId} 条（末尾记录被删除或改动）` });
  return { ok: problems.length === 0, count: rows.length, problems };
}

export function listAudit(db: Db, opts: { limit: number; offset: number; reportId?: string; actor?: string }) {
  const rows = db.select().from(auditLog).orderBy(asc(auditLog.id)).all();
  const filtered = rows.filter((r) => (!opts.reportId || r.reportId === opts.reportId) && (!opts.actor || r.actor === opts.actor)).reverse();
  return { total: filtered.length, entries: filtered.slice(opts.offset, opts.offset + opts.limit) };
}
