/** Reward calculator over the versioned rule data in config/rewards.ts (suggests; a supervisor decides). */
import { applicableOn, GRADE_NAMES, ruleSet, type RewardCase, type RuleSet } from '../../../config/rewards.ts';
import { UserError } from '../../errors.ts';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { reportMessages, reports, rewardDecisions } from '../../db/schema.ts';
import { sealText } from '../reports/follow-up.ts';
import { dayOf } from '../reports/shared.ts';
import { appendAuditIn } from './audit.ts';
import { visibleCase } from './cases.ts';
import type { StaffSession } from './staff.ts';

export interface RewardSuggestion {
  ruleSet: string;
  document: string;
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
  // The end date lives in config/rewards.ts (applicableUntil), not here.
  if (rules.applicable && ctx.reportedOn >= rules.effectiveFrom && !applicableOn(rules, ctx.reportedOn)) warnings.push(rules.supersededNote ?? `${rules.document}不适用于 ${rules.applicableUntil} 以后的举报。`);
  const base = { ruleSet: rules.id, document: rules.document, warnings };
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

export interface RewardDecisionInput {
  decision: 'granted' | 'not_granted';
  amountYuan: number | null;
  ruleSet: string;
  case: RewardCase | null;
  reason: string;
}

export function recordRewardDecision(db: Db, session: StaffSession, reportId: string, input: RewardDecisionInput): void {
  const { r, t } = visibleCase(db, session, reportId);
  if (r.rewardDecision) throw new UserError(409, 'already_decided', '这件举报已经作出奖励决定。');
  const reason = input.reason.trim();
  if (reason.length > 2000) throw new UserError(400, 'invalid_field', '说明最多 2000 字。', 'reason');
  let suggestion: RewardSuggestion | null = null;
  let text: string;
  if (input.decision === 'granted') {
    if (t.substantiated !== true) throw new UserError(409, 'not_substantiated', '举报经核查属实后才能给予奖励。');
    if (!input.case) throw new UserError(400, 'invalid_field', '请选择奖励情形。', 'kind');
    suggestion = suggestReward(input.ruleSet, input.case, { sector: r.sector, reportedOn: r.createdOn });
    const amount = input.amountYuan;
    if (amount === null || !Number.isInteger(amount) || amount < suggestion.minYuan || amount > suggestion.maxYuan) {
      throw new UserError(400, 'invalid_field', `奖励金额要在 ${suggestion.minYuan.toLocaleString('zh-CN')}–${suggestion.maxYuan.toLocaleString('zh-CN')} 元之间（${suggestion.working}）`, 'amount_yuan');
    }
    text = `经研究，决定给予您举报奖励 ${amount.toLocaleString('zh-CN')} 元（依据${suggestion.document}）。${reason ? reason + ' ' : ''}${CLAIM_PROCEDURE}`;
  } else {
    if (reason.length < 4) throw new UserError(400, 'invalid_field', '请填写不予奖励的原因（举报人会看到）。', 'reason');
    text = `经研究，这件举报不予奖励。原因：${reason}`;
  }
  const today = dayOf();
  db.transaction(
    (tx) => {
      tx.update(reports)
        .set({ rewardDecision: input.decision, rewardAmountYuan: input.decision === 'granted' ? input.amountYuan : null, rewardDecidedOn: today, updatedOn: today })
        .where(eq(reports.id, reportId))
        .run();
      tx.insert(rewardDecisions).values({ reportId, ruleSet: input.ruleSet, basis: JSON.stringify({ case: input.case, suggestion }), decidedBy: session.user.id, decidedOn: today }).run();
      tx.insert(reportMessages).values({ reportId, author: 'department', sealedBody: sealText(r.publicKey, text), createdOn: today }).run();
      appendAuditIn(tx as unknown as Db, { actor: session.user.id, action: 'reward.decided', reportId, detail: { decision: input.decision, amount_yuan: input.decision === 'granted' ? input.amountYuan : null, rule_set: input.ruleSet } });
    },
    { behavior: 'immediate' },
  );
}
