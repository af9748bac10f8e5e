/**
 * CSV for the monthly 安委会 report and for auditors: UTF-8 with BOM so Excel opens the Chinese
 * correctly, formula-looking cells defused. No report text, no identity.
 */
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { TOWNSHIPS } from '../../../config/county.ts';
import { REPORT_CATEGORIES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import { beijingTime } from '../../clock.ts';
import type { auditLog } from '../../db/schema.ts';
import { daysBetween } from '../reports/shared.ts';
import { describeAudit } from './audit-labels.ts';
import type { QueueItem } from './cases.ts';
import type { MonthlySummary } from './stats.ts';

export function cell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Leading = + - @ would be run as a formula by spreadsheets.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return '\uFEFF' + [header.map(cell).join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

const DEADLINE_STATE = { overdue: '已超期', soon: '临期', ok: '正常', none: '' } as const;

export const CASE_CSV_HEADER = ['案件编号', '收到日期', '受理日期', '办结日期', '办理用时（天）', '举报类别', '行业领域', '镇街', '办理部门', '状态', '核查结论', '是否延期', '办结期限', '期限状态', '是否超期办结', '实名', '奖励决定', '奖励金额（元）', '来源渠道'];

export function casesCsv(items: QueueItem[]): string {
  const rows = items.map((i) => [
    i.ref,
    i.created_on,
    i.accepted_on ?? '',
    i.closed_on ?? '',
    i.closed_on ? daysBetween(i.created_on, i.closed_on) : '',
    REPORT_CATEGORIES.find((c) => c.code === i.category)?.name ?? i.category,
    SECTOR_NAMES[i.sector as SectorCode] ?? i.sector,
    TOWNSHIPS.find((t) => t.code === i.township)?.name ?? i.township,
    i.departments.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、'),
    i.status_label,
    i.substantiated === true ? '属实' : i.substantiated === false ? '不属实' : '',
    i.extended ? '是' : '否',
    i.due_on,
    DEADLINE_STATE[i.deadline_state],
    i.closed_on ? (i.closed_on > i.due_on ? '是' : '否') : '',
    i.real_name ? '是' : '否',
    i.reward === 'granted' ? '给予奖励' : i.reward === 'not_granted' ? '不予奖励' : '',
    i.reward === 'granted' ? (i.reward_amount_yuan ?? '') : '',
    i.channel_label,
  ]);
  return toCsv(CASE_CSV_HEADER, rows);
}

/** The monthly summary as a table: totals, then one line per sector and per township. */
export function monthlyCsv(s: MonthlySummary): string {
  const header = ['分组', '名称', '收到', '受理', '办结', '办结率（%）', '办结用时中位数（天）', '超期', '延期', '奖励（件）', '奖励金额（元）'];
  const line = (group: string, label: string, c: MonthlySummary['totals']) => [group, label, c.received, c.accepted, c.closed, c.closure_rate ?? '', c.median_days_to_close ?? '', c.overdue, c.extended, c.rewards_granted, c.rewards_total_yuan];
  return toCsv(header, [
    line('合计', `${s.label}（办理情况截至 ${s.as_of}）`, s.totals),
    ...s.by_sector.map((r) => line('行业领域', r.label, r)),
    ...s.by_township.map((r) => line('镇街', r.label, r)),
    ...s.by_channel.map((r) => line('来源渠道', r.label, r)),
    ['审计日志校验点', `截至 ${s.audit_checkpoint.day} 共 ${s.audit_checkpoint.length} 条`, s.audit_checkpoint.head, '', '', '', '', '', '', '', ''],
  ]);
}

export function auditCsv(entries: (typeof auditLog.$inferSelect)[], names: Map<string, string>, numbers: Map<string, string>): string {
  const header = ['序号', '时间（北京时间）', '人员', '操作', '案件编号', '详情', '哈希值'];
  return toCsv(
    header,
    entries.map((e) => [e.id, beijingTime(e.at), names.get(e.actor) ?? e.actor, describeAudit(e).action, e.reportId ? numbers.get(e.reportId) ?? '' : '', describeAudit(e, names).detail, e.hash]),
  );
}
