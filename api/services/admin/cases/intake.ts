/** Intake: the acceptance decision (受理 / 不予受理) on a received report. */
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import type { caseTracking } from '../../../db/schema.ts';
import { requireNote } from './commit.ts';

/** What the reporter reads for the acceptance decision (the text for the reporter follows it). */
export const ACCEPTANCE_TEXT = {
  accepted: '您的举报已受理，我们会尽快安排负责的部门核查。',
  not_accepted: '您的举报不予受理。原因：',
} as const;

/** The reporter's text and tracking update for an acceptance step; null for any other step. */
export function acceptanceStep(to: ReportStatusCode, note: string, today: string): { text: string; update: Partial<typeof caseTracking.$inferInsert> } | null {
  if (to === 'accepted') return { text: ACCEPTANCE_TEXT.accepted + (note ? ` ${note}` : ''), update: { acceptedOn: today } };
  if (to === 'not_accepted') return { text: ACCEPTANCE_TEXT.not_accepted + requireNote(note, '不予受理的原因', 4), update: {} };
  return null;
}
