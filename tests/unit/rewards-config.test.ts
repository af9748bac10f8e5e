import { describe, expect, it } from 'vitest';
import { applicableOn, PENDING_REVISION, ruleSet } from '../../config/rewards.ts';
import { suggestReward } from '../../api/services/admin/rewards.ts';

const shandong2021 = ruleSet('shandong-2021')!;
const ctx = (reportedOn: string) => ({ sector: 'hazardous_chemicals', reportedOn });

describe('Shandong 2021 reward rules end where 鲁应急发〔2025〕12号 begins', () => {
  it('decides reports up to 2025-12-24 and not from 2025-12-25', () => {
    expect(applicableOn(shandong2021, '2025-12-24')).toBe(true);
    expect(applicableOn(shandong2021, '2025-12-25')).toBe(false);
    expect(applicableOn(shandong2021, '2026-06-01')).toBe(false);
    expect(applicableOn(shandong2021, '2021-03-17')).toBe(false);
    expect(PENDING_REVISION).toMatchObject({ document: '鲁应急发〔2025〕12号', issuedOn: '2025-12-25', amountsConfirmed: false });
  });

  it('the calculator warns that the 2021 figures are only a reference from 2025-12-25', () => {
    const before = suggestReward('shandong-2021', { kind: 'general_hazard' }, ctx('2025-12-24'));
    expect(before.warnings.join()).not.toMatch(/2025〕12号/);
    const after = suggestReward('shandong-2021', { kind: 'general_hazard' }, ctx('2025-12-25'));
    expect(after.warnings.join()).toMatch(/鲁应急发〔2025〕12号.*正在核实.*不能作为奖励决定的依据/);
  });

  it('the national rules stay reference-only', () => {
    expect(applicableOn(ruleSet('national-2018')!, '2024-01-01')).toBe(false);
  });
});
