/**
 * /data/ (数据公开): public figures as SVG bar charts with the same numbers in tables, rendered on
 * the server so it works without JavaScript and is always current. Suppressed cells read "少于3".
 */
import type { PublicStats, StatsRow } from '../services/admin/stats.ts';
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
      <p class="lead">商河安全平台收到的安全生产举报的办理情况，按月份和行业领域统计，每次打开本页都是最新数字（统计到 ${stats.generated_on}）。</p></div>
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
    <section class="notice" aria-labelledby="about-h"><h2 id="about-h">怎样读这些数字</h2>
      <ul>
        <li>为了保护举报人，<strong>少于 3 件的数字一律显示为"${SUPPRESSED}"</strong>，由它算出的办结率、用时和金额也不公布。</li>
        <li>办结率 = 已办结 ÷ 已受理。办结用时从收到举报之日算到办结之日。</li>
        <li>举报应在 60 日内办结，情况复杂的可延期一次、最长 30 日，并告知举报人原因。</li>
        <li>机器可读的同一份数据：<a href="/api/stats">/api/stats</a>（JSON）。</li>
      </ul>
    </section>`;
}
