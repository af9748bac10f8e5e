/**
 * Printable A4 office documents: the 转办单 (assignment slip to the lead unit, with its deadline) and
 * the 回复函 (reply letter with the result). Neither carries the reporter's identity: a real-name
 * reporter's name and phone stay sealed to the identity custodian.
 */
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import type { CaseView } from '../../services/admin/cases.ts';
import { ACCEPTANCE_TEXT, REPORTER_TEXT } from '../../services/admin/cases.ts';
import { html, type SafeHtml } from '../html.ts';
import { categoryName, sectorName, townshipName } from './common.ts';

const cnDate = (day: string | null) => (day ? `${day.slice(0, 4)}年${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日` : '____年__月__日');
const blank = html`<span class="sign-blank"></span>`;

/** The reporter-visible outcome of a step, without the standard opening sentence. */
export function stepOutcome(c: CaseView, status: string, prefix: string | undefined): string | null {
  const e = [...c.timeline].reverse().find((x) => x.status === status);
  // Steps recorded before events were linked to their message: find the message by its standard opening.
  const text = e?.outcome ?? (prefix ? [...c.messages].reverse().find((m) => m.from === 'department' && m.body.startsWith(prefix))?.body : undefined);
  if (!text) return null;
  return prefix && text.startsWith(prefix) ? text.slice(prefix.length).trim() || null : text;
}

export function slipPage(c: CaseView, assignedOn: string, extensionMax: number): SafeHtml {
  const units = c.departments.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、');
  // The clerk's own requirement, written as the internal note of the (latest) assignment.
  const requirement = [...c.notes].reverse().find((n) => n.step === 'assigned')?.body ?? null;
  return html`<article class="a4 letter" aria-labelledby="slip-h">
    <h1 id="slip-h" class="letter-title">商河县安全生产举报案件转办单</h1>
    <p class="letter-meta"><span>${c.ref}</span><span>转办日期：${cnDate(assignedOn)}</span></p>
    <table class="letter-table"><tbody>
      <tr><th scope="row">承办单位</th><td colspan="3">${units}</td></tr>
      <tr><th scope="row">举报类别</th><td>${categoryName(c.category)}</td><th scope="row">行业领域</th><td>${sectorName(c.sector)}</td></tr>
      <tr><th scope="row">所在镇街</th><td>${townshipName(c.township)}</td><th scope="row">举报方式</th><td>${c.real_name ? '实名（身份由身份保管人密封保管，本单不载明）' : '匿名'}</td></tr>
      <tr><th scope="row">收到日期</th><td>${cnDate(c.created_on)}</td><th scope="row">受理日期</th><td>${cnDate(c.accepted_on)}</td></tr>
      <tr><th scope="row">办结期限</th><td colspan="3"><strong>${cnDate(c.due_on)}前</strong></td></tr>
      <tr><th scope="row">地点</th><td colspan="3">${c.place}</td></tr>
      <tr><th scope="row">举报内容</th><td colspan="3" class="prewrap">${c.description}</td></tr>
      <tr><th scope="row">附件</th><td colspan="3">${c.files.filter((f) => f.source === 'reporter').length} 个，请在办理后台查看（附件不随本单打印）</td></tr>
      ${requirement ? html`<tr><th scope="row">转办要求</th><td colspan="3" class="prewrap">${requirement}</td></tr>` : ''}
      <tr><th scope="row">办理要求</th><td colspan="3">请于办结期限前完成核查处理，在办理后台记录核查结论、整改情况和办理结果。情况复杂需要延期的，须在期限届满前说明理由，延期一次、最长 ${extensionMax} 天。举报人身份和举报内容属工作秘密，不得泄露，严禁打击报复举报人。</td></tr>
    </tbody></table>
    <div class="sign-grid">
      <p>经办人：${blank}</p><p>审核人：${blank}</p>
      <p>签发人：${blank}</p><p>日期：____年__月__日</p>
    </div>
    <div class="sign-receipt"><h2>承办单位签收</h2>
      <div class="sign-grid"><p>签收人：${blank}</p><p>签收日期：____年__月__日</p></div></div>
    <p class="no-print"><a href="/admin/cases/${c.id}">返回案件</a> · 用浏览器的"打印"（Ctrl+P）打印，纸张选 A4。</p>
  </article>`;
}

export function replyPage(c: CaseView): SafeHtml {
  const refused = c.status === 'not_accepted';
  const conclusion = c.substantiated === true ? '经核查，您反映的问题属实。' : c.substantiated === false ? '经核查，您反映的问题不属实。' : '';
  const verified = c.substantiated === true ? stepOutcome(c, 'substantiated', REPORTER_TEXT.substantiated) : c.substantiated === false ? stepOutcome(c, 'unsubstantiated', REPORTER_TEXT.unsubstantiated) : null;
  const result = refused ? stepOutcome(c, 'not_accepted', ACCEPTANCE_TEXT.not_accepted) : stepOutcome(c, 'closed', REPORTER_TEXT.closed);
  const units = c.departments.map((d) => DEPARTMENT_NAMES[d as DepartmentCode] ?? d).join('、');
  return html`<article class="a4 letter" aria-labelledby="reply-h">
    <h1 id="reply-h" class="letter-title">关于${c.ref}举报事项的答复</h1>
    <p>举报人：</p>
    <p class="letter-body">您于${cnDate(c.created_on)}通过"商河安全"平台反映的${townshipName(c.township)}${sectorName(c.sector)}领域${categoryName(c.category)}问题，${
      refused
        ? html`经审查，不予受理。原因：${result ?? '见查询页留言'}`
        : html`我们已于${cnDate(c.accepted_on)}受理${units ? html`，并转${units}办理` : ''}。现将办理情况答复如下：`
    }</p>
    ${refused
      ? ''
      : html`${conclusion ? html`<p class="letter-body">一、核查结论：${conclusion}${verified ? html`${verified}` : ''}</p>` : ''}
        ${c.rectify_due_on ? html`<p class="letter-body">二、整改情况：已责令限期整改，整改期限至${cnDate(c.rectify_due_on)}。</p>` : ''}
        <p class="letter-body">${c.rectify_due_on ? '三' : conclusion ? '二' : '一'}、办理结果：${result ?? '（尚未办结）'}</p>
        ${c.reward ? html`<p class="letter-body">奖励：${c.reward === 'granted' ? `经研究，给予举报奖励 ${c.reward_amount_yuan?.toLocaleString('zh-CN')} 元，凭查询码领取。` : '经研究，不予奖励，原因见查询页留言。'}</p>` : ''}`}
    <p class="letter-body">感谢您对安全生产工作的支持。如对答复有异议，可凭查询码在"商河安全"平台的"举报查询"页留言。</p>
    <div class="letter-sign"><p>（单位盖章）</p><p>____年__月__日</p></div>
    <p class="letter-foot">本函不载明举报人姓名和联系方式。经办人：${blank}　联系电话：${blank}</p>
    <p class="no-print"><a href="/admin/cases/${c.id}">返回案件</a> · 用浏览器的"打印"（Ctrl+P）打印，纸张选 A4。</p>
  </article>`;
}
