/** The reward calculator as the decision form uses it: a suggestion, or the reason it cannot compute one. */
import { UserError } from '../../errors.ts';
import type { CaseView } from '../../services/admin/cases.ts';
import { defaultRuleSetFor, parseRewardCase, suggestReward, type RewardSuggestion } from '../../services/admin/rewards.ts';

export function rewardSuggestionOrError(input: Record<string, unknown>, view: Pick<CaseView, 'sector' | 'created_on'>): { calculation?: RewardSuggestion; error?: string } {
  try {
    const ruleSet = typeof input.rule_set === 'string' && input.rule_set ? input.rule_set : defaultRuleSetFor(view.created_on);
    return { calculation: suggestReward(ruleSet, parseRewardCase(input), { sector: view.sector, reportedOn: view.created_on }) };
  } catch (e) {
    if (e instanceof UserError) return { error: e.message.replace(/（[a-z_]+）/g, '') };
    throw e;
  }
}
