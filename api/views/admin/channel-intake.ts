/**
 * The intake officer's entry form for reports received by phone, letter, visit or transfer, and the
 * receipt page to read out or post (issue 15). Plain HTML forms: they work without JavaScript.
 */
import { TOWNSHIPS } from '../../../config/county.ts';
import { STAFF_ENTRY_CHANNELS } from '../../../config/channels.ts';
import { ATTACHMENT_ACCEPT, ATTACHMENT_LIMITS, FIELD_LIMITS } from '../../../config/reporting.ts';
import { REPORT_CATEGORIES, SECTOR_CODES, SECTOR_NAMES, type SectorCode } from '../../../config/taxonomy.ts';
import { formatReceipt } from '../../crypto/index.ts';
import type { EnteredReport } from '../../services/channels/staff-intake.ts';
import type { StaffSession } from '../../services/admin/staff.ts';
import { adminNav } from './common.ts';
import { html, type SafeHtml } from '../html.ts';

const STYLE = html`<link rel="stylesheet" href="/styles/channels.css">`;
const csrf = (s: StaffSession) => html`<input type="hidden" name="_csrf" value="${s.csrfToken}">`;

type Values = Record<string, string>;

function option(value: string, label: string, current: string | undefined): SafeHtml {
  return html`<option value="${value}"${value === current ? html` selected` : ''}>${label}</option>`;
}

export function intakeFormPage(s: StaffSession, today: string, values: Values = {}, error?: string): SafeHtml {
  const v = (k: string) => values[k] ?? '';
  const realName = v('identity_mode') === 'real_name';
  return html`${adminNav(s, '/admin/intake/')}${STYLE}
    <div class="page-head"><h1>录入来电、来信、来访举报</h1>
      <p class="lead">电话（12345、12350 等）、来信、来访和其他单位转交的举报在这里录入，与网上举报走同一个办理流程。提交后会生成查询码：电话举报请读给举报人，来信请随回执寄出。</p></div>
    ${error ? html`<p class="notice danger" role="alert">${error}</p>` : ''}
    <form method="post" action="/api/admin/intake" enctype="multipart/form-data" class="admin-form card intake-form">${csrf(s)}
      <fieldset><legend>怎样收到的</legend>
        <div class="field"><label for="in-channel">收到方式</label><select id="in-channel" name="channel" required>
          <option value="">请选择</option>${STAFF_ENTRY_CHANNELS.map((c) => option(c.code, c.name, v('channel')))}</select></div>
        <div class="field"><label for="in-received">收到日期</label><input id="in-received" name="received_on" type="date" max="${today}" value="${v('received_on') || today}" required>
          <p class="field-hint">受理和办结期限从这一天算起。</p></div>
        <div class="field"><label for="in-source">转交单位（其他单位转交时填写）</label><input id="in-source" name="source_body" maxlength="60" value="${v('source_body')}"></div>
      </fieldset>
      <fieldset><legend>举报内容（与网上举报相同）</legend>
        <div class="field"><label for="in-category">举报类别</label><select id="in-category" name="category" required><option value="">请选择</option>${REPORT_CATEGORIES.map((c) => option(c.code, c.name, v('category')))}</select></div>
        <div class="field"><label for="in-sector">行业领域</label><select id="in-sector" name="sector" required><option value="">请选择</option>${SECTOR_CODES.map((c) => option(c, SECTOR_NAMES[c as SectorCode], v('sector')))}</select></div>
        <div class="field"><label for="in-township">所在镇街</label><select id="in-township" name="township" required><option value="">请选择</option>${TOWNSHIPS.map((t) => option(t.code, t.name, v('township')))}</select></div>
        <div class="field"><label for="in-place">具体地点</label><input id="in-place" name="place" required minlength="${FIELD_LIMITS.place.min}" maxlength="${FIELD_LIMITS.place.max}" value="${v('place')}"></div>
        <div class="field"><label for="in-description">问题描述（按举报人所说记录）</label><textarea id="in-description" name="description" rows="6" required minlength="${FIELD_LIMITS.description.min}" maxlength="${FIELD_LIMITS.description.max}">${v('description')}</textarea></div>
        <div class="field"><label for="in-observed">发现时间（可不填）</label><input id="in-observed" name="observed_at" type="date" max="${today}" value="${v('observed_at')}"></div>
        <div class="field"><label for="in-files">附件：来信扫描件、照片（可不填，最多 ${ATTACHMENT_LIMITS.maxFiles} 个，每个不超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB）</label>
          <input id="in-files" name="files" type="file" multiple accept="${ATTACHMENT_ACCEPT}">
          <p class="field-hint">照片会重新生成并去掉拍摄位置、设备等信息；PDF 和视频里的附加信息无法清除。所有附件加密保存。</p></div>
      </fieldset>
      <fieldset><legend>举报人身份</legend>
        <label class="check"><input type="radio" name="identity_mode" value="anonymous"${realName ? '' : html` checked`}> 匿名（不记录姓名电话）</label>
        <label class="check"><input type="radio" name="identity_mode" value="real_name"${realName ? html` checked` : ''}> 实名（姓名和电话只加密给身份保管人，办理人员看不到）</label>
        <div class="field"><label for="in-name">姓名（实名时填写）</label><input id="in-name" name="identity_name" maxlength="${FIELD_LIMITS.identityName.max}" autocomplete="off" value="${realName ? v('identity_name') : ''}"></div>
        <div class="field"><label for="in-phone">联系电话（实名时填写）</label><input id="in-phone" name="identity_phone" inputmode="tel" autocomplete="off" value="${realName ? v('identity_phone') : ''}"></div>
      </fieldset>
      <button type="submit" class="button">保存并生成查询码</button>
    </form>`;
}

/** Digits grouped by four, as they are read out on the phone. */
export function readOutGroups(receipt: string): string[] {
  return formatReceipt(receipt).split(' ');
}

export function intakeReceiptPage(s: StaffSession, r: EnteredReport, siteUrl: string): SafeHtml {
  const groups = readOutGroups(r.receipt);
  return html`${adminNav(s, '/admin/intake/')}${STYLE}
    <div class="page-head no-print"><h1>举报已录入</h1>
      <p class="lead">${r.channelName} · 收到日期 ${r.receivedOn}${r.realName ? ' · 实名（身份已密封交身份保管人）' : ' · 匿名'}${r.attachments.length ? ` · ${r.attachments.length} 个附件已加密保存` : ''}</p></div>
    <section class="card receipt-officer no-print" aria-labelledby="rc-h">
      <h2 id="rc-h">查询码（只显示这一次）</h2>
      <p class="receipt-code" data-receipt-code>${groups.join(' ')}</p>
      <p><strong>电话举报：</strong>请一组一组读给举报人，请对方复述一遍核对：${groups.map((g, i) => html`<span class="readout">第${i + 1}组 ${g}</span>`)}</p>
      <p><strong>来信举报：</strong>打印下面的回执，随回信寄给举报人。<strong>来访：</strong>打印回执当面交给举报人。</p>
      <p class="notice">系统不保存查询码，离开本页后任何人都无法再看到它。读给或交给举报人后，请不要另行记录或拍照。</p>
      ${r.attachments.length ? html`<ul class="field-hint">${r.attachments.map((a) => html`<li>${a.name}（${a.type}）${a.removed.length ? `：已去掉${a.removed.join('、')}` : a.metadata_may_remain ? '：其中的附加信息可能无法清除' : ''}</li>`)}</ul>` : ''}
      <p><a class="button" href="/admin/intake/">录入下一件</a></p>
    </section>
    <section class="receipt-slip" aria-labelledby="slip-h">
      <h2 id="slip-h">商河县安全生产举报回执</h2>
      <p>您反映的安全生产问题已于 ${r.receivedOn} 收到（${r.channelName}），我们将依法依规办理。</p>
      <p>查询码：<strong class="receipt-code-print">${groups.join(' ')}</strong></p>
      <p>请妥善保存查询码，不要告诉他人。打开 ${siteUrl}/report/status/ 输入查询码，可以查看办理进度和办理部门的回复，也可以补充情况和材料。查询码丢失后无法补发。</p>
      <p class="slip-sign">受理单位（盖章）：＿＿＿＿＿＿＿＿　经办人：＿＿＿＿＿　日期：${r.receivedOn}</p>
    </section>
    <p class="no-print field-hint">用浏览器的打印功能（Ctrl+P）打印本页时，只打印上面这张回执。</p>`;
}
