/**
 * The audit log in words a county auditor reads: Chinese action names and details instead of raw JSON
 * with English keys. The stored entry (and its hash) is unchanged; this is presentation only.
 */
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../config/reporting.ts';
import { STAFF_ROLE_NAMES, type StaffRole } from '../../../config/staff.ts';
import type { auditLog } from '../../db/schema.ts';
import { AUDIT_ACTIONS, type AuditAction } from './audit.ts';
import { SETTING_LABELS } from './settings.ts';
import { CHANNEL_AUDIT_DETAILS } from '../channels/audit-labels.ts';

const status = (v: unknown) => REPORT_STATUS_NAMES[v as ReportStatusCode] ?? String(v);
const dept = (v: unknown) => DEPARTMENT_NAMES[v as DepartmentCode] ?? String(v);
const yuan = (v: unknown) => (v === null || v === undefined ? '' : `${Number(v).toLocaleString('zh-CN')} 元`);
const decision = (v: unknown) => (v === 'granted' ? '给予奖励' : v === 'not_granted' ? '不予奖励' : String(v ?? ''));

/** How each detail key reads; unknown keys fall back to "key：value" so nothing is hidden. */
const DETAIL: Record<string, (v: unknown, names?: Map<string, string>) => string> = {
  from: (v) => `原状态：${status(v)}`,
  to: (v) => `新状态：${status(v)}`,
  departments: (v) => `办理部门：${String(v).split(',').map(dept).join('、')}`,
  days: (v) => `延长 ${v} 天`,
  decision: (v) => `决定：${decision(v)}`,
  amount_yuan: (v) => (v === null ? '' : `金额：${yuan(v)}`),
  from_decision: (v) => `原决定：${decision(v)}`,
  from_amount_yuan: (v) => (v === null ? '' : `原金额：${yuan(v)}`),
  revision: (v) => `第 ${v} 版`,
  rule_set: (v) => `依据：${v === 'shandong-2021' ? '鲁应急发〔2021〕3号' : v === 'national-2018' ? '安监总财〔2018〕19号' : String(v)}`,
  file: (v) => `附件编号：${String(v).slice(0, 8)}`,
  files: (v) => `${v} 个文件`,
  staff: (v, names) => `账号：${names?.get(String(v)) ?? String(v)}`,
  role: (v) => `角色：${STAFF_ROLE_NAMES[v as StaffRole] ?? String(v)}`,
  department: (v) => (v ? `部门：${dept(v)}` : ''),
  failures: (v) => `连续失败 ${v} 次`,
  rows: (v) => `${v} 行`,
  request: (v) => `申请编号：${String(v).slice(0, 8)}`,
  identity: (v) => (v ? '含实名身份' : '无实名身份'),
  closed_on: (v) => `办结于 ${v}`,
  internal_note: (v) => (v ? '附内部记录' : ''),
  month: (v) => `月份：${v}`,
  filter: (v) => `筛选：${v}`,
  ...CHANNEL_AUDIT_DETAILS, // issue 15: channel, work order, notification settings
  ...Object.fromEntries(Object.entries(SETTING_LABELS).map(([k, label]) => [k, (v: unknown) => `${label}：${v}`])),
};

export function actionLabel(action: string): string {
  return AUDIT_ACTIONS[action as AuditAction] ?? action;
}

export function describeAudit(e: Pick<typeof auditLog.$inferSelect, 'action' | 'detail'>, names?: Map<string, string>): { action: string; detail: string } {
  let detail = '';
  try {
    const obj = JSON.parse(e.detail) as Record<string, unknown>;
    detail = Object.entries(obj)
      .map(([k, v]) => (DETAIL[k] ? DETAIL[k](v, names) : `${k}：${String(v)}`))
      .filter(Boolean)
      .join('；');
  } catch {
    detail = e.detail;
  }
  return { action: actionLabel(e.action), detail };
}
