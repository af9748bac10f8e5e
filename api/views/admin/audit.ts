/** The auditor's view of the hash-chained audit log. */
import type { auditLog } from '../../db/schema.ts';
import { AUDIT_ACTIONS, type AuditAction } from '../../services/admin/audit.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav } from './common.ts';

type AuditRow = typeof auditLog.$inferSelect;

export function auditPage(s: StaffSession, entries: AuditRow[], total: number, page: number, verify: { ok: boolean; count: number; problems: { id: number; problem: string }[] }, names: Map<string, string>): SafeHtml {
  const pages = Math.max(1, Math.ceil(total / 50));
  return html`${adminNav(s, '/admin/audit/')}<div class="page-head"><h1>审计日志</h1>
    <p class="lead">打开举报、查看身份、状态变更、奖励决定、登录和到期清除都会记录在这里。每条记录都包含上一条的哈希值，任何修改或删除都能被发现。</p></div>
    <p class="notice ${verify.ok ? '' : 'danger'}" role="status">${verify.ok ? `哈希链校验通过：共 ${verify.count} 条记录，没有被修改或删除。` : html`<strong>哈希链校验失败！</strong>${verify.problems.map((p) => html`<br>第 ${p.id} 条：${p.problem}`)}`}</p>
    <div class="table-scroll" tabindex="0" role="region" aria-label="审计日志表格（可左右滚动）"><table class="admin-table"><caption>第 ${page} / ${pages} 页，最新的在前</caption>
      <thead><tr><th scope="col">序号</th><th scope="col">时间（北京时间）</th><th scope="col">人员</th><th scope="col">操作</th><th scope="col">案件</th><th scope="col">详情</th></tr></thead>
      <tbody>${entries.map(
        (e) => html`<tr><td>${e.id}</td><td>${new Date(e.at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}</td><td>${names.get(e.actor) ?? e.actor}</td>
          <td>${AUDIT_ACTIONS[e.action as AuditAction] ?? e.action}</td><td>${e.reportId ? e.reportId.slice(0, 6) : ''}</td><td class="mono">${e.detail === '{}' ? '' : e.detail}</td></tr>`,
      )}</tbody></table></div>
    <p>${page > 1 ? html`<a class="button secondary" href="/admin/audit/?page=${page - 1}">上一页</a> ` : ''}${page < pages ? html`<a class="button secondary" href="/admin/audit/?page=${page + 1}">下一页</a>` : ''}</p>`;
}

