/** The auditor's view of the hash-chained audit log: Chinese labels, case numbers, filters, CSV, checkpoint. */
import { beijingTime } from '../../clock.ts';
import type { auditLog } from '../../db/schema.ts';
import { describeAudit } from '../../services/admin/audit-labels.ts';
import { AUDIT_ACTIONS, groupedHash, type AuditCheckpoint } from '../../services/admin/audit.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, select } from './common.ts';

type AuditRow = typeof auditLog.$inferSelect;

export interface AuditPageFilter {
  from?: string;
  to?: string;
  action?: string;
  actor?: string;
  /** Case number as typed. */
  case?: string;
}

export function auditPage(
  s: StaffSession,
  entries: AuditRow[],
  total: number,
  page: number,
  verify: { ok: boolean; count: number; problems: { id: number; problem: string }[] },
  names: Map<string, string>,
  numbers: Map<string, string>,
  filter: AuditPageFilter = {},
  checkpoint?: AuditCheckpoint,
  caseNotFound = false,
): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / 50));
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]);
  const link = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return `/admin/audit/?${q.toString()}`;
  };
  return html`${adminNav(s, '/admin/audit/')}<div class="page-head"><h1>审计日志</h1>
    <p class="lead">打开案件、查看图片、下载原件、身份查看、状态变更、奖励决定、登录和到期清除都会记录在这里。每条记录都包含上一条的哈希值，任何修改或删除都能被发现。</p></div>
    <p class="notice ${verify.ok ? '' : 'danger'}" role="status">${verify.ok ? `哈希链校验通过：共 ${verify.count} 条记录，没有被修改或删除。` : html`<strong>哈希链校验失败！</strong>${verify.problems.map((p) => html`<br>第 ${p.id} 条：${p.problem}`)}`}</p>
    ${checkpoint ? html`<p class="field-hint">昨天（${checkpoint.day}）结束时的校验点：${checkpoint.length} 条，末条哈希 <span class="mono">${groupedHash(checkpoint.head)}</span>。同样的数字公布在"数据公开"页。</p>` : ''}
    <form method="get" action="/admin/audit/" class="admin-filters" aria-label="筛选审计日志">
      <div class="field"><label for="a-from">从（日期）</label><input id="a-from" name="from" type="date" value="${filter.from ?? ''}"></div>
      <div class="field"><label for="a-to">到（日期）</label><input id="a-to" name="to" type="date" value="${filter.to ?? ''}"></div>
      ${select('action', '操作', Object.entries(AUDIT_ACTIONS) as [string, string][], filter.action)}
      ${select('actor', '人员', [...names.entries()].sort((a, b) => a[1].localeCompare(b[1], 'zh-CN')), filter.actor)}
      <div class="field"><label for="a-case">案件编号</label><input id="a-case" name="case" value="${filter.case ?? ''}" placeholder="如 2026-0007"></div>
      <button type="submit" class="button">筛选</button>
    </form>
    ${caseNotFound ? html`<p class="notice danger" role="alert">没有编号为"${filter.case}"的案件。</p>` : ''}
    <p><a class="button secondary" href="/api/admin/audit.csv${query.toString() ? `?${query.toString()}` : ''}" download>导出筛选结果（CSV）</a></p>
    <div class="table-scroll" tabindex="0" role="region" aria-label="审计日志表格（可左右滚动）"><table class="admin-table audit-table"><caption>共 ${total} 条，第 ${page} / ${pages} 页，最新的在前</caption>
      <thead><tr><th scope="col">序号</th><th scope="col">时间（北京时间）</th><th scope="col">人员</th><th scope="col">操作</th><th scope="col">案件编号</th><th scope="col">详情</th></tr></thead>
      <tbody>${entries.map((e) => {
        const d = describeAudit(e, names);
        return html`<tr><td>${e.id}</td><td class="nowrap">${beijingTime(e.at)}</td><td class="nowrap">${names.get(e.actor) ?? (e.actor === 'system' ? '系统' : e.actor === 'cli' ? '命令行' : e.actor)}</td>
          <td>${d.action}</td><td class="nowrap">${e.reportId ? numbers.get(e.reportId) ?? '' : ''}</td><td>${d.detail}</td></tr>`;
      })}</tbody></table></div>
    <p>${page > 1 ? html`<a class="button secondary" href="${link(page - 1)}">上一页</a> ` : ''}${page < pages ? html`<a class="button secondary" href="${link(page + 1)}">下一页</a>` : ''}</p>`;
}
