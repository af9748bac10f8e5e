import { REPORT_STATUS_CODES, type ReportStatusCode } from '../../../config/reporting.ts';
import type { StaffRole } from '../../../config/staff.ts';
import { NEXT_STATUS, TRANSITION_ROLES } from '../../services/admin/cases.ts';

/** Transitions a role may offer from a status (the service checks again). */
export function nextStatusesFor(role: StaffRole, status: string): ReportStatusCode[] {
  if (!(REPORT_STATUS_CODES as readonly string[]).includes(status)) return [];
  return (NEXT_STATUS[status as ReportStatusCode] ?? []).filter((to) => (TRANSITION_ROLES[to] ?? []).includes(role));
}
