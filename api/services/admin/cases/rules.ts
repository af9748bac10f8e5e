/** Workflow rules: which status may follow which, and who may make each step. */
import type { ReportStatusCode } from '../../../../config/reporting.ts';
import type { StaffRole } from '../../../../config/staff.ts';

export const OPEN_STATUSES: ReportStatusCode[] = ['accepted', 'assigned', 'investigating', 'substantiated', 'unsubstantiated', 'rectifying', 'extended'];
export const FINAL_STATUSES: ReportStatusCode[] = ['closed', 'not_accepted'];

/** Which actions each status allows next (assignment is its own action, see assignCase). */
export const NEXT_STATUS: Partial<Record<ReportStatusCode, ReportStatusCode[]>> = {
  received: ['accepted', 'not_accepted'],
  assigned: ['investigating'],
  investigating: ['substantiated', 'unsubstantiated'],
  substantiated: ['rectifying', 'closed'],
  unsubstantiated: ['closed'],
  rectifying: ['closed'],
};

/** Who may make each transition. */
export const TRANSITION_ROLES: Partial<Record<ReportStatusCode, StaffRole[]>> = {
  accepted: ['intake', 'supervisor'],
  not_accepted: ['intake', 'supervisor'],
  investigating: ['handler', 'supervisor'],
  substantiated: ['handler', 'supervisor'],
  unsubstantiated: ['handler', 'supervisor'],
  rectifying: ['handler', 'supervisor'],
  closed: ['handler', 'supervisor'],
};

