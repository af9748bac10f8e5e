/** Reward calculator over the versioned rule data in config/rewards.ts (suggests; a supervisor decides). */
import { GRADE_NAMES, REWARD_RULE_SETS, ruleSet, type RewardCase, type RuleSet } from '../../../config/rewards.ts';
import { now } from '../../clock.ts';
import { UserError } from '../../errors.ts';
import { eq } from 'drizzle-orm';
import { first, serialize, type Db } from '../../db/client.ts';
import { caseNotes, reportMessages, reports, rewardDecisions } from '../../db/schema.ts';
import { sealText } from '../reports/follow-up.ts';
import { dayOf } from '../reports/shared.ts';
import { appendAuditIn } from './audit.ts';
import { visibleCase } from './cases.ts';
import type { StaffSession } from './staff.ts';

export interface RewardSuggestion {
  ruleSet: string;
  document: string;
  /** The rule set's name and the texts its figures come from (shown with the working). */
  name: string;
  sources: { title: string; where: string }[];
  /**
   * False when the report falls after a revision whose amounts are not entered: the figures are the
   * earlier text's, for reference, and the supervisor must confirm the amount against the current text.
   */
  confirmed: boolean;
  minYuan: number;
  maxYuan: number;
  /** Plain-language working, shown to the supervisor and stored with the decision. */
  working: string;
  warnings: string[];
}

const yuan = (n: number) => `${n.toLocaleString('zh-CN')} 元`;

export function suggestReward(ruleSetId: string, input: RewardCase, ctx: { sector: string; reportedOn: string }): RewardSuggestion {
  const rules: RuleSet | undefined = ruleSet(ruleSetId);
  if (!rules) throw new UserError(400, 'invalid_field', '奖励规则版本不存在。', 'rule_set');
  const warnings: string[] = [];
  if (!rules.applicable) warnings.push('这是国家规定，仅供参考；本县按山东省规定决定。');
  if (ctx.reportedOn < rules.effectiveFrom) warnings.push(`举报日期早于这版规定的施行日期（${rules.effectiveFrom}）。`);
  const superseded = !!rules.supersededOn && ctx.reportedOn >= rules.supersededOn;
  const confirmed = rules.applicable && !superseded;
  if (superseded) {
    warnings.push(
      `这件举报收到于 ${ctx.reportedOn}，此时${rules.document}已被修订（${rules.supersededNote ?? '修订文本见发文单位'}）。修订后的金额本系统没有核实录入，下面的数字只按${rules.document}算出，仅供参考：请对照现行文本确定金额，并勾选"已对照现行文本核实金额"。`,
    );
  }
  const base = { ruleSet: rules.id, document: rules.document, name: rules.name, sources: rules.sources, confirmed, warnings };
  const fire = ctx.sector === 'fire';
  switch (input.kind) {
    case 'general_hazard': {
      if (!rules.generalHazard) throw new UserError(400, 'invalid_field', `${rules.document}没有一般事故隐患的奖励标准。`, 'kind');
      if (fire && rules.fireHazardExcluded) throw new UserError(400, 'not_applicable', `${rules.document}：火灾隐患不适用这一奖励标准，请按消防部门的规定办理。`, 'kind');
      const g = rules.generalHazard;
      return { ...base, minYuan: g.minYuan, maxYuan: g.maxYuan, working: `一般事故隐患：${yuan(g.minYuan)}至${yuan(g.maxYuan)}（${rules.document}）。` };
    }
    case 'major_or_illegal': {
      if (fire && rules.fireHazardExcluded) throw new UserError(400, 'not_applicable', `${rules.document}：火灾隐患不适用这一奖励标准，请按消防部门的规定办理。`, 'kind');
      if (!Number.isFinite(input.fineYuan) || input.fineYuan <= 0 || input.fineYuan > 1e9) throw new UserError(400, 'invalid_field', '请填写行政处罚罚款金额（元，大于 0）。', 'fine_yuan');
      const m = rules.majorOrIllegal;
      const raw = Math.round((input.fineYuan * m.percentOfFine) / 100);
      const amount = Math.min(m.maxYuan, Math.max(m.minYuan, raw));
      return { ...base, minYuan: amount, maxYuan: amount, working: `罚款 ${yuan(input.fineYuan)} × ${m.percentOfFine}% = ${yuan(raw)}；不低于 ${yuan(m.minYuan)}、不超过 ${yuan(m.maxYuan)}，应为 ${yuan(amount)}（${rules.document}）。` };
    }
    case 'concealed_accident': {
      if (!Number.isInteger(input.deaths) || input.deaths < 1 || input.deaths > 1000) throw new UserError(400, 'invalid_field', '请填写查实的瞒报谎报死亡人数（正整数）。', 'deaths');
      const per = rules.concealedPerDeathYuan[input.grade];
      if (!per) throw new UserError(400, 'invalid_field', '请选择事故等级。', 'grade');
      const raw = per * input.deaths;
      const amount = Math.min(raw, rules.concealedCapYuan);
      return { ...base, minYuan: amount, maxYuan: amount, working: `${GRADE_NAMES[input.grade]}每查实 1 人 ${yuan(per)} × ${input.deaths} 人 = ${yuan(raw)}；最高 ${yuan(rules.concealedCapYuan)}，应为 ${yuan(amount)}（${rules.document}）。` };
    }
  }
}

export function parseRewardCase(input: Record<string, unknown>): RewardCase {
  const kind = input.kind;
  const num = (k: string) => (typeof input[k] === 'number' ? (input[k] as number) : typeof input[k] === 'string' && (input[k] as string).trim() !== '' ? Number(input[k]) : NaN);
  if (kind === 'general_hazard') return { kind };
  if (kind === 'major_or_illegal') return { kind, fineYuan: num('fine_yuan') };
  if (kind === 'concealed_accident') {
    const grade = input.grade;
    if (grade !== 'ordinary' && grade !== 'larger' && grade !== 'major' && grade !== 'especially_major') throw new UserError(400, 'invalid_field', '请选择事故等级。', 'grade');
    return { kind, deaths: num('deaths'), grade };
  }
  throw new UserError(400, 'invalid_field', '请选择举报情形（一般事故隐患 / 重大事故隐患和非法违法行为 / 瞒报谎报事故）。', 'kind');
}

// ---------------------------------------------------------------------------------------------
// Recording the decision (supervisor)


/** What a rewarded reporter is told: prove it is them with the receipt, give only what payment needs. */
export const CLAIM_PROCEDURE =
  '领取方式：请在本页给我们留言，说明您想到县应急局现场领取还是银行转账。领取时只需出示本查询码，证明您就是举报人；' +
  '转账时只需提供收款人姓名和银行账号。您不需要提供工作单位、住址或其他身份信息，匿名举报人也一样。';

/** The rule set the calculator opens with for a report: the newest applicable one in force on the day it was received. */
export function defaultRuleSetFor(reportedOn: string): string {
  const inForce = REWARD_RULE_SETS.filter((r) => r.applicable && r.effectiveFrom <= reportedOn).sort((a, b) => b.effectiveFrom.localeCompare(a.effectiveFrom));
  return (inForce[0] ?? REWARD_RULE_SETS.find((r) => r.applicable) ?? REWARD_RULE_SETS[0]!).id;
}

export interface RewardDecisionInput {
  decision: 'granted' | 'not_granted';
  amountYuan: number | null;
  ruleSet: string;
  case: RewardCase | null;
  /** For the reporter: the reason for refusing, or a note with the award. */
  reason: string;
  /** Ticked when the amount was checked against the current text (needed when the calculator is not confirmed). */
  verifiedAgainstCurrentText?: boolean;
  /** Required to change a decision already made (kept as a staff-only note and audited). */
  correctionReason?: string;
}

/** Largest amount any rule entered here allows; a manually confirmed amount may not exceed it either. */
const ABSOLUTE_MAX_YUAN = 500000;

/** Records (or, with a reason, corrects) the reward decision; the reporter reads the final one. */
export async function recordRewardDecision(db: Db, session: StaffSession, reportId: string, input: RewardDecisionInput): Promise<void> {
  const { r, t } = await visibleCase(db, session, reportId);
  const correcting = !!r.rewardDecision;
  const correction = (input.correctionReason ?? '').trim();
  if (correcting && correction.length < 4) throw new UserError(409, 'already_decided', '这件举报已经作出奖励决定。要更正，请写明更正原因（至少 4 个字，只有后台工作人员看得到，会记入审计日志）。', 'correction_reason');
  if (correction.length > 2000) throw new UserError(400, 'invalid_field', '更正原因最多 2000 字。', 'correction_reason');
  const reason = input.reason.trim();
  if (reason.length > 2000) throw new UserError(400, 'invalid_field', '给举报人的说明最多 2000 字。', 'reason');
  let suggestion: RewardSuggestion | null = null;
  let text: string;
  if (input.decision === 'granted') {
    if (t.substantiated !== true) throw new UserError(409, 'not_substantiated', '举报经核查属实后才能给予奖励。');
    if (!input.case) throw new UserError(400, 'invalid_field', '请选择奖励情形。', 'kind');
    suggestion = suggestReward(input.ruleSet, input.case, { sector: r.sector, reportedOn: r.createdOn });
    const amount = input.amountYuan;
    if (amount === null || !Number.isInteger(amount) || amount <= 0) throw new UserError(400, 'invalid_field', '请填写奖励金额（元，正整数）。', 'amount_yuan');
    if (suggestion.confirmed) {
      if (amount < suggestion.minYuan || amount > suggestion.maxYuan) {
        throw new UserError(400, 'invalid_field', `奖励金额要在 ${suggestion.minYuan.toLocaleString('zh-CN')}–${suggestion.maxYuan.toLocaleString('zh-CN')} 元之间（${suggestion.working}）`, 'amount_yuan');
      }
    } else {
      if (!input.verifiedAgainstCurrentText) throw new UserError(400, 'invalid_field', '这件举报适用的现行奖励标准本系统尚未核实录入：请对照现行文本确定金额，勾选"已对照现行文本核实金额"，并在说明里写明依据的条款。', 'verified');
      if (reason.length < 4) throw new UserError(400, 'invalid_field', '请在说明里写明金额依据的现行文本条款（举报人会看到）。', 'reason');
      if (amount > ABSOLUTE_MAX_YUAN) throw new UserError(400, 'invalid_field', `奖励金额不能超过 ${ABSOLUTE_MAX_YUAN.toLocaleString('zh-CN')} 元。`, 'amount_yuan');
    }
    text = `经研究，决定给予您举报奖励 ${amount.toLocaleString('zh-CN')} 元（依据${suggestion.confirmed ? suggestion.document : '现行山东省安全生产举报奖励规定'}）。${reason ? reason + ' ' : ''}${CLAIM_PROCEDURE}`;
  } else {
    if (reason.length < 4) throw new UserError(400, 'invalid_field', '请填写不予奖励的原因（举报人会看到）。', 'reason');
    text = `经研究，这件举报不予奖励。原因：${reason}`;
  }
  if (correcting) text = `奖励决定已更正，以本条为准。${text}`;
  const today = dayOf();
  const amountYuan = input.decision === 'granted' ? input.amountYuan : null;
  const previous = first(await db.select().from(rewardDecisions).where(eq(rewardDecisions.reportId, reportId)).limit(1));
  const basis = JSON.stringify({ case: input.case, suggestion, verified_against_current_text: !!input.verifiedAgainstCurrentText, ...(previous ? { previous: { decision: r.rewardDecision, amount_yuan: r.rewardAmountYuan, revision: previous.revision, basis: JSON.parse(previous.basis) } } : {}) });
  const sealedText = sealText(r.publicKey, text);
  const sealedCorrection = correcting ? sealText(r.publicKey, `更正奖励决定（原为${r.rewardDecision === 'granted' ? `给予奖励 ${r.rewardAmountYuan ?? 0} 元` : '不予奖励'}）。更正原因：${correction}`) : null;
  const createdAt = now().toISOString();
  await db.transaction(async (tx) => {
    // Message ids are read in order by notifications (api/services/notify/derive.ts).
    await serialize(tx, 'report_messages');
    // Re-checked inside the transaction: two supervisors deciding (or correcting) at once cannot both
    // build on the same earlier decision.
    const current = first(await tx.select({ d: reports.rewardDecision }).from(reports).where(eq(reports.id, reportId)).limit(1));
    const again = first(await tx.select({ revision: rewardDecisions.revision }).from(rewardDecisions).where(eq(rewardDecisions.reportId, reportId)).limit(1));
    if (!!current?.d !== correcting || (again?.revision ?? 0) !== (previous?.revision ?? 0))
      throw new UserError(409, 'already_decided', '奖励决定刚刚被别人修改过，请刷新页面后再操作。');
    await tx.update(reports).set({ rewardDecision: input.decision, rewardAmountYuan: amountYuan, rewardDecidedOn: today, updatedOn: today }).where(eq(reports.id, reportId));
    const row = { ruleSet: input.ruleSet, basis, decidedBy: session.user.id, decidedOn: today, revision: (previous?.revision ?? 0) + 1 };
    if (previous) await tx.update(rewardDecisions).set(row).where(eq(rewardDecisions.reportId, reportId));
    else await tx.insert(rewardDecisions).values({ reportId, ...row });
    await tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealedText, createdOn: today, staffId: session.user.id });
    if (sealedCorrection) await tx.insert(caseNotes).values({ reportId, authorId: session.user.id, sealedBody: sealedCorrection, createdAt });
    await appendAuditIn(tx, {
      actor: session.user.id,
      action: correcting ? 'reward.corrected' : 'reward.decided',
      reportId,
      detail: { decision: input.decision, amount_yuan: amountYuan, rule_set: input.ruleSet, ...(correcting ? { from_decision: r.rewardDecision, from_amount_yuan: r.rewardAmountYuan, revision: row.revision } : {}) },
    });
  });
}
