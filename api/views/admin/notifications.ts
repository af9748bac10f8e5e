/**
 * Notification pages (issue 15): each person's own choice (e-mail, instant or daily digest), and the
 * administrator's page with the SMTP status, group robots per department and failed deliveries.
 * Secrets — the SMTP password, robot keys, 加签 secrets — are never rendered.
 */
import type { NotifyConfig } from '../../services/notify/config.ts';
import { describeSmtp } from '../../services/notify/config.ts';
import type { DeliveryView } from '../../services/notify/deliver.ts';
import { describeWebhook, NOTIFY_MODES, scopeName, WEBHOOK_KINDS, WEBHOOK_SCOPES, type Prefs, type WebhookSetting } from '../../services/notify/settings.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { adminNav } from './common.ts';
import { html, type SafeHtml } from '../html.ts';

const STYLE = html`<link rel="stylesheet" href="/styles/channels.css">`;
const csrf = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;
const WHEN = (iso: string | null) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');

export const WHAT_IS_SENT = '提醒只说明有几件新案件、举报人新留言、临期或超期的案件，附上案件编号和后台链接，不含举报内容、地点、姓名或查询码。';

export function myNotificationsPage(s: StaffSession, prefs: Prefs, config: NotifyConfig | null, digestHour: number, saved: boolean): SafeHtml {
  return html`${adminNav(s, '/admin/notifications/me')}${STYLE}<div class="page-head"><h1>我的提醒</h1>
    <p class="lead">${WHAT_IS_SENT}受理员和主管领导收到新案件提醒，办理人员收到转办到本部门的案件、举报人留言和期限提醒，超期案件也提醒主管领导。</p></div>
    ${saved ? html`<p class="notice" role="status">已保存：${NOTIFY_MODES.find((m) => m.code === prefs.mode)?.name}${prefs.email ? `，发到 ${prefs.email}` : ''}。</p>` : ''}
    ${config?.smtp ? '' : html`<p class="notice danger">系统还没有设置邮件服务器，暂时不会发出邮件提醒。请联系系统管理员。</p>`}
    <form method="post" action="/api/admin/notifications/me" class="admin-form card">${csrf(s)}
      <div class="field"><label for="np-email">接收提醒的邮箱</label><input id="np-email" name="email" type="email" autocomplete="email" value="${prefs.email ?? ''}"></div>
      <fieldset><legend>提醒方式</legend>${NOTIFY_MODES.map((m) => html`<label class="check"><input type="radio" name="mode" value="${m.code}"${prefs.mode === m.code ? html` checked` : ''}> ${m.name}${m.code === 'digest' ? `（每天 ${digestHour} 点以后发一封）` : ''}</label>`)}</fieldset>
      <button type="submit" class="button">保存</button></form>`;
}

const STATUS = { pending: '等待发送', sent: '已发送', failed: '发送失败' } as const;

export function notificationsAdminPage(
  s: StaffSession,
  config: NotifyConfig | null,
  hooks: WebhookSetting[],
  deliveries: DeliveryView[],
  counts: { pending: number; failed: number; sent: number; waiting_items: number },
  people: { name: string; email: string | null; mode: string }[],
  names: Map<string, string>,
  notice?: { kind: 'ok' | 'error'; text: string },
): SafeHtml {
  const who = (r: string) => (r.startsWith('staff:') ? (names.get(r.slice(6)) ?? '已删除的账号') : `群机器人：${scopeName(r.slice(5))}`);
  return html`${adminNav(s, '/admin/notifications/')}${STYLE}<div class="page-head"><h1>提醒发送情况</h1>
    <p class="lead">${WHAT_IS_SENT}提醒由后台任务根据案件状态生成，发送失败会自动重试；举报的提交和办理不会等待提醒。</p></div>
    ${notice ? html`<p class="notice ${notice.kind === 'error' ? 'danger' : ''}" role="${notice.kind === 'error' ? 'alert' : 'status'}">${notice.text}</p>` : ''}
    <p class="notice ${counts.failed ? 'danger' : ''}" role="status">等待发送 ${counts.pending} 封，发送失败 ${counts.failed} 封，已发送 ${counts.sent} 封；等待每日汇总的提醒 ${counts.waiting_items} 条。</p>
    <section class="card"><h2>邮件服务器</h2>
      <p>${describeSmtp(config?.smtp ?? null)}。</p>
      <p class="field-hint">在服务器的环境变量 SMTP_URL、SMTP_FROM 中设置，启动时校验（见 README"配置"）。每 ${config?.intervalSeconds ?? 60} 秒检查一次；每日汇总在 ${config?.digestHour ?? 8} 点以后发送；失败后间隔加倍重试，最多 ${config?.maxAttempts ?? 8} 次。</p>
      <form method="post" action="/api/admin/notifications/test" class="button-row">${csrf(s)}<input type="hidden" name="target" value="email:me">
        <button type="submit" class="button secondary">给我的邮箱发一封测试邮件</button></form></section>
    <h2>发送记录</h2>
    ${deliveries.length
      ? html`<div class="table-scroll" tabindex="0" role="region" aria-label="发送记录（可左右滚动）"><table class="admin-table"><caption>失败的排在最前</caption>
      <thead><tr><th scope="col">编号</th><th scope="col">收件人</th><th scope="col">方式</th><th scope="col">条数</th><th scope="col">状态</th><th scope="col">尝试</th><th scope="col">原因 / 时间（北京时间）</th><th scope="col">操作</th></tr></thead>
      <tbody>${deliveries.map(
        (d) => html`<tr><td>${d.id}</td><td>${who(d.recipient)}</td><td>${d.channel === 'email' ? '邮件' : '群机器人'}${d.digest ? '（汇总）' : ''}</td><td>${d.item_count}</td>
          <td class="status-${d.status}">${STATUS[d.status as keyof typeof STATUS] ?? d.status}</td><td>${d.attempts}</td>
          <td>${d.last_error ?? ''}${d.status === 'pending' && d.attempts ? html`<br><span class="field-hint">下次：${WHEN(d.next_attempt_at)}</span>` : d.status === 'sent' ? html`<span class="field-hint">${WHEN(d.sent_at)}</span>` : ''}</td>
          <td>${d.status === 'failed' ? html`<form method="post" action="/api/admin/notifications/deliveries/${d.id}/retry">${csrf(s)}<button type="submit" class="button secondary" aria-label="重发第 ${d.id} 封">重发</button></form>` : ''}</td></tr>`,
      )}</tbody></table></div>`
      : html`<p class="notice">还没有发送过提醒。</p>`}
    <h2>群机器人（按部门）</h2>
    ${hooks.length ? html`<ul>${hooks.map((h) => html`<li>${scopeName(h.scope)}：${describeWebhook(h)}，${h.mode === 'digest' ? '每天汇总' : '立即提醒'}
      <form method="post" action="/api/admin/notifications/test" class="inline-form">${csrf(s)}<input type="hidden" name="target" value="hook:${h.scope}"><button type="submit" class="button secondary">发测试消息</button></form>
      <form method="post" action="/api/admin/notifications/webhooks/delete" class="inline-form">${csrf(s)}<input type="hidden" name="scope" value="${h.scope}"><button type="submit" class="button secondary" aria-label="删除${scopeName(h.scope)}的机器人">删除</button></form></li>`)}</ul>` : html`<p class="field-hint">还没有设置群机器人。</p>`}
    <form method="post" action="/api/admin/notifications/webhooks" class="admin-form card"><h3>设置或更换群机器人</h3>${csrf(s)}
      <div class="field"><label for="wh-scope">部门</label><select id="wh-scope" name="scope">${WEBHOOK_SCOPES.map((x) => html`<option value="${x.code}">${x.name}</option>`)}</select></div>
      <div class="field"><label for="wh-kind">类型</label><select id="wh-kind" name="kind">${WEBHOOK_KINDS.map((k) => html`<option value="${k.code}">${k.name}</option>`)}</select></div>
      <div class="field"><label for="wh-url">Webhook 地址（已设置时留空表示不改）</label><input id="wh-url" name="url" type="url" autocomplete="off" placeholder="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"></div>
      <div class="field"><label for="wh-secret">钉钉加签密钥 SEC…（可不填；已设置时留空表示不改）</label><input id="wh-secret" name="secret" type="password" autocomplete="off"></div>
      <fieldset><legend>提醒方式</legend><label class="check"><input type="radio" name="mode" value="instant" checked> 立即提醒</label><label class="check"><input type="radio" name="mode" value="digest"> 每天汇总</label></fieldset>
      <p class="field-hint">钉钉机器人如设置了"自定义关键词"，请把"商河安全"设为关键词。地址和密钥保存后不再显示。</p>
      <button type="submit" class="button">保存</button></form>
    <h2>个人提醒设置</h2>
    <p class="field-hint">每个人在"我的提醒"里自己设置邮箱和提醒方式。</p>
    <div class="table-scroll" tabindex="0" role="region" aria-label="个人提醒设置（可左右滚动）"><table class="admin-table"><thead><tr><th scope="col">姓名</th><th scope="col">邮箱</th><th scope="col">方式</th></tr></thead>
      <tbody>${people.map((p) => html`<tr><td>${p.name}</td><td>${p.email ?? '未设置'}</td><td>${NOTIFY_MODES.find((m) => m.code === p.mode)?.name ?? '不提醒'}</td></tr>`)}</tbody></table></div>`;
}
