/** Deadline and retention settings, and the manual purge. */
import type { HandlingSettings } from '../../../config/staff.ts';
import { SETTING_LABELS } from '../../services/admin/settings.ts';
import type { PurgeResult } from '../../services/admin/retention.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminNav, csrfField } from './common.ts';

export function settingsPage(s: StaffSession, settings: HandlingSettings, saved: boolean, purged?: PurgeResult, refused?: { error: string; values: Record<string, string> }): SafeHtml {
  return html`${adminNav(s, '/admin/settings/')}<div class="page-head"><h1>期限和保存设置</h1>
    <p class="lead">默认值依照山东省规定：受理 7 天，办结 60 天，可延期一次、最长 30 天。修改只影响以后的期限计算。</p></div>
    ${saved ? html`<p class="notice" role="status">设置已保存。</p>` : ''}
    ${refused ? html`<p class="notice danger" role="alert">${refused.error}没有保存，请改正后再保存。</p>` : ''}
    ${purged
      ? html`<p class="notice" role="status">${purged.cases ? `到期清除已执行：清除了 ${purged.cases} 件案件的 ${purged.files} 个附件和 ${purged.identities} 份实名身份信息，已记入审计日志。` : `到期清除已执行：没有办结超过 ${settings.retentionDays} 天、还留有附件或身份信息的案件，什么也没有删除。`}</p>`
      : ''}
    <form method="post" action="/api/admin/settings" class="admin-form card">${csrfField(s)}
      ${(Object.keys(SETTING_LABELS) as (keyof HandlingSettings)[]).map((k) => html`<div class="field"><label for="set-${k}">${SETTING_LABELS[k]}</label><input id="set-${k}" name="${k}" type="number" value="${refused?.values[k] ?? settings[k]}" required></div>`)}
      <button type="submit" class="button">保存</button></form>
    <form method="post" action="/api/admin/retention/run" class="admin-form card"><h2>到期清除</h2>${csrfField(s)}
      <p>删除办结超过 ${settings.retentionDays} 天的案件的附件和实名身份，保留案件记录和统计数字，并记入审计日志。每天启动时和每 24 小时也会自动执行。</p>
      <button type="submit" class="button secondary">现在执行</button></form>`;
}

