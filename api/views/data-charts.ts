/**
 * Bar charts for /data/ (issue 13): HTML rows with text in rem, so labels and numbers grow with the
 * reader's text size and long sector names wrap in full; the bars are tiny SVGs (no inline styles,
 * which the Content-Security-Policy forbids). Suppressed cells read "少于3"; zero is 0.
 */
import type { StatsRow } from '../services/admin/stats.ts';
import { html, type SafeHtml } from './html.ts';

export const SUPPRESSED = '少于3';

export function countText(v: number | null): string {
  return v === null ? SUPPRESSED : v.toLocaleString('zh-CN');
}

function bar(kind: 'received' | 'closed', name: string, value: number | null, max: number): SafeHtml {
  const width = value === null || value === 0 ? 0 : Math.max(1, Math.round((value / max) * 100));
  return html`<div class="bar-line"><span class="bar-name">${name}</span><svg class="bar-svg" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect class="bar-${kind}" x="0" y="0" width="${width}" height="10"/></svg><span class="bar-value${value === null ? ' suppressed' : ''}">${countText(value)}</span></div>`;
}

/** Received and closed per row; the same numbers are in the table below each chart. */
export function barChart(id: string, title: string, rows: StatsRow[]): SafeHtml {
  const max = Math.max(1, ...rows.flatMap((r) => [r.received ?? 0, r.closed ?? 0]));
  const visible = rows.filter((r) => r.received !== null);
  const summary = visible.length ? visible.map((r) => `${r.label}收到 ${countText(r.received)} 件、办结 ${countText(r.closed)} 件`).join('；') : '各项数量都少于 3 件，不单独公布。';
  return html`<figure class="chart" id="${id}">
    <figcaption>${title}（图中数字与下表相同）</figcaption>
    <div class="bar-rows" role="img" aria-label="${title}：${summary}">${rows.map(
      (r) => html`<div class="bar-row"><span class="bar-label">${r.label}</span>${bar('received', '收到', r.received, max)}${bar('closed', '办结', r.closed, max)}</div>`,
    )}</div>
  </figure>`;
}
