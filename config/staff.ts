/**
 * Back-office roles and handling rules (issue 7). Deadlines are defaults: an administrator can
 * change them in the back office (stored in app_meta), and they apply to cases from then on.
 */

export const STAFF_ROLES = [
  { code: 'intake', name: '受理员', hint: '县应急局 / 安委办：受理或不予受理，按行业转办' },
  { code: 'handler', name: '办理人员', hint: '所属部门的案件：核查、整改、办结、与举报人留言' },
  { code: 'supervisor', name: '主管领导', hint: '查看全部案件，作出奖励决定，可办理任何环节' },
  { code: 'custodian', name: '身份保管人', hint: '审批查看实名举报人身份的申请' },
  { code: 'auditor', name: '审计员', hint: '只读：查看案件列表和审计日志，不能打开举报内容' },
  { code: 'admin', name: '系统管理员', hint: '管理账号、期限和保存期限设置' },
] as const;
export type StaffRole = (typeof STAFF_ROLES)[number]['code'];
export const STAFF_ROLE_CODES = STAFF_ROLES.map((r) => r.code) as [StaffRole, ...StaffRole[]];
export const STAFF_ROLE_NAMES = Object.fromEntries(STAFF_ROLES.map((r) => [r.code, r.name])) as Record<StaffRole, string>;

export interface HandlingSettings {
  /** Days from receipt to the acceptance decision. */
  acceptDays: number;
  /** Days from receipt to closure (鲁 rules: 60). */
  closeDays: number;
  /** Longest single extension (鲁 rules: 30), with a reason shown to the reporter. */
  maxExtensionDays: number;
  /** A case is "due soon" this many days before its deadline. */
  dueSoonDays: number;
  /** Attachments and identities of closed cases are purged this many days after closure. */
  retentionDays: number;
}

export const DEFAULT_HANDLING: HandlingSettings = {
  acceptDays: 7,
  closeDays: 60,
  maxExtensionDays: 30,
  dueSoonDays: 3,
  retentionDays: 365,
};

export const LOGIN_RULES = {
  /** Failed attempts before the account is locked. */
  maxFailures: 5,
  lockMinutes: 15,
  /** Session ends after this long without a request, and in any case after maxHours. */
  idleMinutes: 30,
  maxHours: 10,
  minPasswordLength: 12,
} as const;
