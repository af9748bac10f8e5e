/**
 * Server-rendered pages of the reporter flow (they work with JavaScript off): the receipt, the
 * status page with reply and evidence forms, and the refusals. All text is Chinese; every value is
 * escaped by `html`.
 */
import { TOWNSHIPS } from '../../config/county.ts';
import { ATTACHMENT_ACCEPT, ATTACHMENT_LIMITS, QUICK_EXIT_URL } from '../../config/reporting.ts';
import { REPORT_CATEGORIES, SECTOR_NAMES, type SectorCode } from '../../config/taxonomy.ts';
import { formatReceipt } from '../crypto/index.ts';
import type { AttachmentSummary } from '../services/reports/shared.ts';
import type { ReportView } from '../services/reports/follow-up.ts';
import { html, type SafeHtml } from './html.ts';

const categoryName = (code: string) => REPORT_CATEGORIES.find((c) => c.code === code)?.name ?? code;
const townshipName = (code: string) => TOWNSHIPS.find((t) => t.code === code)?.name ?? code;
const sectorName = (code: string) => SECTOR_NAMES[code as SectorCode] ?? code;

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function attachmentList(items: AttachmentSummary[]): SafeHtml {
  if (!items.length) return html``;
  return html`<ul class="attachment-list">
    ${items.map(
      (a) => html`<li>
        <strong>${a.name}</strong> <span class="field-hint">${a.type}，${sizeText(a.size)}</span>
        ${a.kind === 'image'
          ? a.removed.length
            ? html`<span class="meta-removed">已清除隐藏信息：${a.removed.join('、')}。</span>`
            : html`<span class="meta-removed">没有发现隐藏信息；图片已重新生成，不含任何附加信息。</span>`
          : a.kind === 'video' && !a.metadata_may_remain
            ? html`<span class="meta-removed">已清除视频文件附带的拍摄时间、拍摄位置、手机型号等信息；画面和声音没有改动，画面里拍到的东西仍然看得到。</span>`
            : html`<span class="meta-warn">提醒：${a.kind === 'pdf' ? 'PDF 文档' : '视频'}里可能仍带有作者、设备、拍摄位置等信息，本站无法可靠清除。</span>`}
      </li>`,
    )}
  </ul>`;
}

const SCRIPT = html`<script src="/scripts/report-pages.js" defer></script>`;

/**
 * 一键离开 (after GOV.UK's "Exit this page"): a plain link without JavaScript; with it,
 * /scripts/quick-exit.js blanks the page and replaces it (location.replace) on a click or on pressing
 * Shift three times, so the report page does not stay in the tab's history.
 */
export function quickExit(): SafeHtml {
  return html`<div class="quick-exit" data-quick-exit>
      <a class="quick-exit-button" href="${QUICK_EXIT_URL}" rel="noreferrer" data-quick-exit-link>一键离开</a>
      <span class="quick-exit-hint" data-quick-exit-hint hidden>或连按三次 Shift 键</span>
    </div>
    <script src="/scripts/quick-exit.js" defer></script>`;
}

export function receiptPage(receipt: string, attachments: AttachmentSummary[]): SafeHtml {
  const code = formatReceipt(receipt);
  return html`${quickExit()}<div data-sensitive><div class="page-head"><h1>举报已提交</h1>
    <p class="lead">您的举报${attachments.length ? '和附件' : ''}已经加密保存。请马上记下下面的查询码。</p></div>
    <section class="receipt-box" aria-labelledby="receipt-title">
      <h2 id="receipt-title">您的查询码</h2>
      <p class="receipt-code" id="receipt-code" data-receipt-code>${code}</p>
      <p class="receipt-actions" data-js-only hidden>
        <button type="button" class="button" data-copy-receipt>复制查询码</button>
        <button type="button" class="button secondary" data-print>打印本页</button>
        <span class="copy-status" role="status" data-copy-status></span>
      </p>
    </section>
    <div class="notice danger">
      <p><strong>查询码只显示这一次，丢失后无法找回。</strong>本站不保存查询码本身，工作人员也查不到它，不能补发。</p>
      <p>请把 20 位数字抄在纸上或打印出来，妥善保管；不要发到聊天群，不要告诉别人。凭它可以查看办理进度、和办理部门互相留言、补充证据，举报属实时凭它申领奖励。</p>
    </div>
    ${attachments.length ? html`<h2>附件处理情况</h2>${attachmentList(attachments)}` : ''}
    <h2>接下来</h2>
    <ol>
      <li>受理人员会审核您的举报，并转交负责的部门核查，一般在 60 日内办结。</li>
      <li>过几天请到<a href="/report/status/">举报查询</a>页面输入查询码，查看进度和部门的留言。</li>
      <li>如果是共用的手机或电脑，看完请关闭这个页面，并清除浏览记录。</li>
    </ol>
    <p class="notice warn">遇到正在发生的危险，请立即拨打 119、120 或 110，不要等待网上办理。</p></div>
    ${SCRIPT}`;
}

export function lookupForm(message?: string): SafeHtml {
  return html`<form class="lookup-form" method="post" action="/report/status/" autocomplete="off">
      ${message ? html`<p class="notice danger" role="alert">${message}</p>` : ''}
      <div class="field">
        <label for="receipt">查询码</label>
        <span class="field-hint" id="receipt-hint">提交举报时得到的 20 位数字，空格可写可不写。</span>
        <input type="text" id="receipt" name="receipt" inputmode="numeric" autocomplete="off" spellcheck="false" required aria-describedby="receipt-hint" maxlength="40" />
      </div>
      <button type="submit" class="button">查看办理情况</button>
    </form>`;
}

export function notFoundPage(): SafeHtml {
  return html`${quickExit()}<div class="page-head"><h1>没有找到对应的举报</h1>
    <p class="lead">请核对查询码是否抄写正确。为保护举报人，我们不会提示是哪一位数字错了。</p></div>
    ${lookupForm('这个查询码没有对应的举报。')}
    <p>查询码丢失后无法找回。如果问题仍然存在，可以重新举报，或拨打 12345、12350。</p>
    ${SCRIPT}`;
}

const REWARD_TEXT = {
  pending: '还没有作出奖励决定。举报经核查属实后，由有关部门依照奖励办法决定是否给予奖励和奖励金额。',
  granted: '经核查，您的举报符合奖励条件。',
  not_granted: '经核查，您的举报不符合奖励条件。原因请见办理部门的留言。',
} as const;

function rewardSection(view: ReportView): SafeHtml {
  const r = view.reward;
  return html`<section aria-labelledby="reward-title" class="card reward-card">
    <h2 id="reward-title">奖励</h2>
    <p>${REWARD_TEXT[r.decision]}${r.decision === 'granted' && r.amount_yuan ? html` 奖励金额：<strong>${r.amount_yuan.toLocaleString('zh-CN')} 元</strong>。` : ''}</p>
    ${r.decision === 'granted'
      ? html`<p><strong>怎样领取：</strong>办理部门会在下面的留言里告诉您领取的地点、时间和需要的材料。匿名举报人凭这个查询码证明自己是举报人，不需要先公开身份；请不要把查询码交给别人代领。</p>`
      : ''}
  </section>`;
}

/** The deadline, and the one extension only while it can still happen (not after refusal, closure or a first extension). */
export function deadlineSentence(view: ReportView): string {
  if (view.status === 'not_accepted') return '。';
  if (view.status === 'closed') return '；已办结。';
  const extended = view.timeline.some((e) => e.status === 'extended');
  return `；办理期限：${view.due_on} 前${extended ? '（已延长过一次，不能再延长）' : '（可依规定延长一次，延长时会告诉您原因）'}。`;
}

/**
 * The status page. The reply form carries a reply token, never the receipt, so neither the page nor
 * the browser's saved form state holds the code.
 */
export function statusPage(view: ReportView, replyToken: string, notice?: { kind: 'ok' | 'danger'; text: string }): SafeHtml {
  const tokenField = html`<input type="hidden" name="reply_token" value="${replyToken}" />`;
  return html`${quickExit()}<div data-sensitive data-report-view><div class="page-head"><h1>举报办理情况</h1>
    <p class="lead">当前状态：<strong class="status-badge" data-status="${view.status}">${view.status_label}</strong></p>
    <p>案件编号：<strong>${view.case_number}</strong>（办理部门的转办和答复文书都用这个编号；它不能用来查询，查询码请只留给自己）</p>
    <p>${view.status_hint} 收到日期：${view.created_on}${deadlineSentence(view)}</p></div>
    ${notice ? html`<p class="notice ${notice.kind}" role="${notice.kind === 'ok' ? 'status' : 'alert'}">${notice.text}</p>` : ''}
    <h2>办理进度</h2>
    <ol class="timeline">
      ${view.timeline.map((e) => html`<li><span class="timeline-date">${e.on}</span> <strong>${e.label}</strong>${e.note ? html`<p>${e.note}</p>` : ''}</li>`)}
    </ol>
    <h2>留言</h2>
    ${view.messages.length
      ? html`<ol class="messages">
          ${view.messages.map(
            (m) => html`<li class="message ${m.from}">
              <p class="message-meta"><strong>${m.from === 'department' ? '办理部门' : '我（举报人）'}</strong> · ${m.on}</p>
              <p class="message-body">${m.body}</p>
              ${attachmentList(m.attachments)}
            </li>`,
          )}
        </ol>`
      : html`<p>还没有留言。办理部门需要了解更多情况时会在这里留言，请隔几天来看一次。</p>`}
    ${rewardSection(view)}
    <section aria-labelledby="reply-title">
      <h2 id="reply-title">回复或补充证据</h2>
      <p class="field-hint">回复同样是匿名的。除非您自己写出来，办理部门看不到您是谁。</p>
      <form method="post" action="/api/reports/messages" enctype="multipart/form-data" class="reply-form" autocomplete="off">
        ${tokenField}
        <div class="field">
          <label for="reply-body">留言内容</label>
          <textarea id="reply-body" name="body" maxlength="5000" rows="5" autocomplete="off"></textarea>
        </div>
        <div class="field">
          <label for="reply-files">补充照片、视频或 PDF（可不选）</label>
          <span class="field-hint" id="reply-files-hint">最多 ${ATTACHMENT_LIMITS.maxFiles} 个，每个不超过 20 MB。照片的拍摄位置、手机型号等隐藏信息会被自动清除；视频会去掉文件附带的此类信息（画面不变）；PDF 里的此类信息可能无法清除。</span>
          <input type="file" id="reply-files" name="files" multiple accept="${ATTACHMENT_ACCEPT}" aria-describedby="reply-files-hint" />
        </div>
        <p role="status" data-reply-status hidden></p>
        <button type="submit" class="button">发送</button>
      </form>
    </section>
    <details class="report-details">
      <summary>我提交的举报内容</summary>
      <dl>
        <dt>举报类别</dt><dd>${categoryName(view.category)}</dd>
        <dt>行业领域</dt><dd>${sectorName(view.sector)}</dd>
        <dt>所在镇街</dt><dd>${townshipName(view.township)}</dd>
        <dt>具体地点</dt><dd>${view.place}</dd>
        ${view.observed_at ? html`<dt>发现时间</dt><dd>${view.observed_at}</dd>` : ''}
        <dt>举报方式</dt><dd>${view.real_name ? '保密实名（身份单独加密保存，办理人员默认看不到）' : '匿名'}</dd>
        <dt>问题描述</dt><dd class="message-body">${view.description}</dd>
      </dl>
      ${attachmentList(view.attachments)}
    </details>
    <p><a href="/report/status/">查询另一个查询码</a>。这个页面只显示一次：离开后，返回、刷新或从浏览记录打开都不会再显示举报内容。</p></div>
    ${SCRIPT}`;
}

/** A refusal of a form post, with what to fix and how to go back without losing what was typed. */
export function formErrorPage(message: string, heading = '还差一点，举报没有提交'): SafeHtml {
  return html`${quickExit()}<div class="page-head"><h1>${heading}</h1>
    <p class="lead" role="alert">${message}</p></div>
    <p>请用浏览器的"返回"按钮回到表单修改后再提交。为了不在手机上留下痕迹，表单不让浏览器保存填写的内容，返回后文字可能需要重新填写，附件需要重新选择。</p>
    <p>什么都没有保存。遇到正在发生的危险，请立即拨打 119、120 或 110。</p>`;
}

/** Shown when a reply is sent from a status page left open longer than a reply token lives. */
export const REPLY_EXPIRED = '这个页面打开太久，已经失效，留言没有发送。请重新输入查询码，再发送留言。';

/** A single-use view asked for again (Back, reload, history) or a reply form left open too long. */
export function expiredViewPage(message = '为了保护您，举报内容和查询码只显示一次：返回、刷新或从浏览记录打开都不会再显示。'): SafeHtml {
  return html`${quickExit()}<div class="page-head"><h1>页面已经失效</h1>
    <p class="lead">${message}</p></div>
    <p>需要再看办理情况，请重新输入查询码。</p>
    ${lookupForm()}
    ${SCRIPT}`;
}
