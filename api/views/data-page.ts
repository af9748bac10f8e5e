/**
 * /data/ (数据公开): public figures as SVG bar charts with the same numbers in tables, rendered on
 * the server so it works without JavaScript and is always current. Suppressed cells read "少于3".
 */
import type { PublicStats, StatsRow } from '../services/admin/stats.ts';
import { groupedHash } from '../services/admin/audit.ts';
import { html, type SafeHtml } from './html.ts';
import { barChart } from './data-charts.ts';

const SUPPRESSED = '少于3';
const n = (v: number | null) => (v === null ? SUPPRESSED : v.toLocaleString('zh-CN'));
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);
const daysText = (v: number | null) => (v === null ? '—' : `${v} 天`);

function table(caption: string, first: string, rows: StatsRow[]): SafeHtml {
  return html`<div class="table-scroll" tabindex="0" role="region" aria-label="${caption}（可左右滚动）"><table class="data-table"><caption>${caption}</caption>
    <thead><tr><th scope="col">${first}</th><th scope="col">收到</th><th scope="col">受理</th><th scope="col">办结</th><th scope="col">办结率</th><th scope="col">办结用时中位数</th><th scope="col">奖励（件）</th><th scope="col">奖励金额（元）</th></tr></thead>
    <tbody>${rows.map(
      (r) => html`<tr><th scope="row">${r.label}</th><td>${n(r.received)}</td><td>${n(r.accepted)}</td><td>${n(r.closed)}</td><td>${pct(r.closure_rate)}</td><td>${daysText(r.median_days_to_close)}</td><td>${n(r.rewards_granted)}</td><td>${n(r.rewards_total_yuan)}</td></tr>`,
    )}</tbody></table></div>`;
}

export function dataPage(stats: PublicStats): SafeHtml {
  const t = stats.totals;
  return html`<link rel="stylesheet" href="/styles/data.css">
    <div class="page-head" data-pagefind-body><h1>数据公开</h1>
      <p class="lead">商河安全平台收到的安全生产举报的办理情况，按月份、行业领域和举报渠道统计，统计到昨天（${stats.generated_on}）为止。</p></div>
    <section aria-labelledby="totals-h"><h2 id="totals-h">总体情况</h2>
      <ul class="stat-cards">
        <li class="card"><span class="stat-label">收到举报</span><span class="stat-value">${n(t.received)}</span></li>
        <li class="card"><span class="stat-label">已受理</span><span class="stat-value">${n(t.accepted)}</span></li>
        <li class="card"><span class="stat-label">已办结</span><span class="stat-value">${n(t.closed)}</span></li>
        <li class="card"><span class="stat-label">办结率</span><span class="stat-value">${pct(t.closure_rate)}</span></li>
        <li class="card"><span class="stat-label">办结用时中位数</span><span class="stat-value">${daysText(t.median_days_to_close)}</span></li>
        <li class="card"><span class="stat-label">发放奖励</span><span class="stat-value">${n(t.rewards_granted)} 件</span><span class="stat-sub">${t.rewards_total_yuan === null ? '' : `共 ${t.rewards_total_yuan.toLocaleString('zh-CN')} 元`}</span></li>
      </ul>
    </section>
    <section aria-labelledby="month-h"><h2 id="month-h">按月份（近 12 个月）</h2>
      ${barChart('chart-month', '近 12 个月每月收到和办结的举报数', stats.by_month)}
      ${table('按月份统计（按收到举报的月份）', '月份', stats.by_month)}
    </section>
    <section aria-labelledby="sector-h"><h2 id="sector-h">按行业领域</h2>
      ${barChart('chart-sector', '各行业领域收到和办结的举报数', stats.by_sector)}
      ${table('按行业领域统计（全部时间）', '行业领域', stats.by_sector)}
    </section>
    <section aria-labelledby="channel-h"><h2 id="channel-h">按举报渠道</h2>
      <p>网上举报、电话（12345、12350 等）、来信、来访、其他单位转交和 12345 工单都走同一个办理流程，计入同一个办结率。</p>
      ${table('按举报渠道统计（全部时间）', '渠道', stats.by_channel)}
    </section>
    <section class="notice" aria-labelledby="about-h"><h2 id="about-h">怎样读这些数字</h2>
      <ul>
        <li>为了保护举报人，<strong>少于 3 件的数字一律显示为"${SUPPRESSED}"</strong>，由它算出的办结率、用时和金额也不公布。</li>
        <li>办结率 = 已办结 ÷ 已受理。办结用时从收到举报之日算到办结之日。</li>
        <li>举报应在 ${stats.close_days} 日内办结，情况复杂的可延期一次、最长 ${stats.max_extension_days} 日，并告知举报人原因。</li>
        <li>所有数字只统计到昨天（${stats.generated_on}）为止的完整日子，当天收到或办理的举报第二天才计入，谁也不能从数字的变化推测某一件举报是什么时候提交的。没有的项目显示 0。</li>
        <li>机器可读的同一份数据：<a href="/api/stats">/api/stats</a>（JSON）。</li>
      </ul>
    </section>
    <section class="notice" aria-labelledby="checkpoint-h"><h2 id="checkpoint-h">审计日志校验点</h2>
      <p>后台的每一次查看和办理都记入一条首尾相连的审计日志。截至 ${stats.audit_checkpoint.day} 24 时，日志共 <strong>${stats.audit_checkpoint.length}</strong> 条，末条的哈希值是：</p>
      <p class="mono checkpoint-hash">${groupedHash(stats.audit_checkpoint.head)}</p>
      <p>请记下或截图保存这两个数字（每天更新一次，也印在每月报送县安委会的统计表上）。以后只要日志里第 ${stats.audit_checkpoint.length} 条的哈希值不再是这个数，就说明此前的记录被改写过。核对方法：在服务器上运行 <code>npm run audit:verify -- --checkpoint 条数:哈希值</code>。</p>
    </section>`;
}
