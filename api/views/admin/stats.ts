/** Monthly statistics for the 安委会: month picker, one-page printable summary, CSV. */
import { groupedHash } from '../../services/admin/audit.ts';
import type { Counts, MonthlySummary } from '../../services/admin/stats.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav } from './common.ts';

const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
const days = (v: number | null) => (v === null ? '—' : `${v} 天`);

function row(label: string, c: Counts, head = false): SafeHtml {
  const th = head ? html`<th scope="row">${label}</th>` : html`<th scope="row">${label}</th>`;
  return html`<tr>${th}<td>${c.received}</td><td>${c.accepted}</td><td>${c.closed}</td><td>${pct(c.closure_rate)}</td><td>${days(c.median_days_to_close)}</td><td>${c.overdue}</td><td>${c.extended}</td><td>${c.rewards_granted}</td><td>${c.rewards_total_yuan.toLocaleString('zh-CN')}</td></tr>`;
}

const HEAD = html`<thead><tr><th scope="col">项目</th><th scope="col">收到</th><th scope="col">受理</th><th scope="col">办结</th><th scope="col">办结率</th><th scope="col">用时中位数</th><th scope="col">超期</th><th scope="col">延期</th><th scope="col">奖励（件）</th><th scope="col">奖励金额（元）</th></tr></thead>`;

export function monthlyStatsPage(s: StaffSession, m: MonthlySummary): SafeHtml {
  const t = m.totals;
  return html`<div class="no-print">${adminNav(s, '/admin/stats/')}</div>
    <form method="get" action="/admin/stats/" class="admin-filters no-print" aria-label="选择月份">
      <div class="field"><label for="month">月份</label><input id="month" name="month" type="month" value="${m.month}" required></div>
      <button type="submit" class="button">生成</button>
      <a class="button secondary" href="/api/admin/stats.csv?month=${m.month}" download>下载 CSV</a>
    </form>
    <article class="a4 monthly" aria-labelledby="monthly-h">
      <h1 id="monthly-h">${m.label}安全生产举报办理情况</h1>
      <p class="lead">按收到举报的月份统计；办理情况截至 ${m.as_of}${m.complete ? '' : '（本月尚未结束，数字还会变化）'}。与"数据公开"页同一月份的数字一致（公开页少于 3 的数字不单独显示）。</p>
      <ul class="stat-cards monthly-cards">
        <li><span class="stat-label">收到</span><span class="stat-value">${t.received}</span></li>
        <li><span class="stat-label">受理</span><span class="stat-value">${t.accepted}</span></li>
        <li><span class="stat-label">办结</span><span class="stat-value">${t.closed}</span></li>
        <li><span class="stat-label">办结率</span><span class="stat-value">${pct(t.closure_rate)}</span></li>
        <li><span class="stat-label">办结用时中位数</span><span class="stat-value">${days(t.median_days_to_close)}</span></li>
        <li><span class="stat-label">超期</span><span class="stat-value">${t.overdue}</span></li>
        <li><span class="stat-label">延期</span><span class="stat-value">${t.extended}</span></li>
        <li><span class="stat-label">奖励</span><span class="stat-value">${t.rewards_granted} 件 / ${t.rewards_total_yuan.toLocaleString('zh-CN')} 元</span></li>
      </ul>
      <table class="admin-table monthly-table"><caption>按行业领域</caption>${HEAD}<tbody>${m.by_sector.length ? m.by_sector.map((r) => row(r.label, r)) : html`<tr><td colspan="10">本月没有收到举报。</td></tr>`}${row('合计', t, true)}</tbody></table>
      <table class="admin-table monthly-table"><caption>按镇街</caption>${HEAD}<tbody>${m.by_township.length ? m.by_township.map((r) => row(r.label, r)) : html`<tr><td colspan="10">本月没有收到举报。</td></tr>`}${row('合计', t, true)}</tbody></table>
      <table class="admin-table monthly-table"><caption>按来源渠道（网上、电话、来信、来访、转交、12345 工单同一流程，合计见上表）</caption>${HEAD}<tbody>${m.by_channel.length ? m.by_channel.map((r) => row(r.label, r)) : html`<tr><td colspan="10">本月没有收到举报。</td></tr>`}</tbody></table>
      <p class="field-hint">办结率 = 办结 ÷ 受理；用时从收到之日算到办结之日；超期指办结晚于办结期限或至统计日仍未办结且已过期限；延期指使用了一次延期。</p>
      <section class="checkpoint" aria-labelledby="cp-h"><h2 id="cp-h">审计日志校验点</h2>
        <p>截至 ${m.audit_checkpoint.day} 24 时，审计日志共 <strong>${m.audit_checkpoint.length}</strong> 条，末条哈希值：</p>
        <p class="mono">${groupedHash(m.audit_checkpoint.head)}</p>
        <p class="field-hint">请随本报告存档。以后任何人都可以在服务器上运行 <code>npm run audit:verify -- --checkpoint ${m.audit_checkpoint.length}:${m.audit_checkpoint.head.slice(0, 8)}…</code>（写全 64 位）核对：日志被删改后重新计算哈希，也会在这里对不上。</p>
      </section>
      <div class="letter-sign"><p>制表：____________　审核：____________</p><p>____年__月__日</p></div>
      <p class="no-print field-hint">用浏览器的"打印"（Ctrl+P）打印，纸张选 A4，一页。</p>
    </article>`;
}
