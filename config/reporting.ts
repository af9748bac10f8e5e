/**
 * Rules of the reporting service that the site, the API and the back office share: statuses,
 * attachment limits and the plain-language labels shown to reporters.
 */

/** Report statuses (plaintext in the database; API codes). */
export const REPORT_STATUSES = [
  { code: 'received', name: '已收到', hint: '举报已安全保存，等待受理审核。' },
  { code: 'accepted', name: '已受理', hint: '举报已受理，正在安排核查。' },
  { code: 'assigned', name: '已转办', hint: '已转交负责的部门办理。' },
  { code: 'investigating', name: '核查中', hint: '办理部门正在核查。' },
  { code: 'extended', name: '延期办理', hint: '情况复杂，办理期限已延长，原因见部门留言。' },
  { code: 'closed', name: '已办结', hint: '办理完毕，结果见部门留言。' },
  { code: 'not_accepted', name: '不予受理', hint: '不符合受理条件，原因见部门留言。' },
  // Back office (issue 7): outcome of the check and rectification.
  { code: 'substantiated', name: '经核查属实', hint: '举报的问题经核查属实，正在依法处理。' },
  { code: 'unsubstantiated', name: '经核查不属实', hint: '经核查，举报的问题不属实，说明见部门留言。' },
  { code: 'rectifying', name: '整改中', hint: '已责令限期整改，部门会跟踪整改结果。' },
] as const;
export type ReportStatusCode = (typeof REPORT_STATUSES)[number]['code'];
export const REPORT_STATUS_CODES = REPORT_STATUSES.map((s) => s.code) as [ReportStatusCode, ...ReportStatusCode[]];
export const REPORT_STATUS_NAMES = Object.fromEntries(REPORT_STATUSES.map((s) => [s.code, s.name])) as Record<ReportStatusCode, string>;

export const REWARD_DECISIONS = [
  { code: 'granted', name: '给予奖励' },
  { code: 'not_granted', name: '不予奖励' },
] as const;
export type RewardDecisionCode = (typeof REWARD_DECISIONS)[number]['code'];

/** Prefix of the office case number, e.g. 商安举〔2026〕0001号 (商河县安全生产举报). */
export const CASE_NUMBER_PREFIX = '商安举';

/**
 * Where 一键离开 (quick exit) takes a reporter: a neutral, everyday page on another site, so that
 * neither the screen nor the tab's history points at the reporting pages.
 */
export const QUICK_EXIT_URL = 'https://www.baidu.com/';

export const ATTACHMENT_LIMITS = {
  maxFiles: 5,
  maxBytes: 20 * 1024 * 1024,
} as const;

/** Accepted attachment types, detected from the file's bytes (never from its name). */
export const ATTACHMENT_TYPES = {
  'image/jpeg': { kind: 'image', label: 'JPEG 图片' },
  'image/png': { kind: 'image', label: 'PNG 图片' },
  'image/webp': { kind: 'image', label: 'WebP 图片' },
  'image/gif': { kind: 'image', label: 'GIF 图片' },
  'image/avif': { kind: 'image', label: 'AVIF 图片' },
  'image/tiff': { kind: 'image', label: 'TIFF 图片' },
  'video/mp4': { kind: 'video', label: 'MP4 视频' },
  'video/quicktime': { kind: 'video', label: 'MOV 视频' },
  'video/webm': { kind: 'video', label: 'WebM 视频' },
  'video/3gpp': { kind: 'video', label: '3GP 视频' },
  'video/x-matroska': { kind: 'video', label: 'MKV 视频' },
  'application/pdf': { kind: 'pdf', label: 'PDF 文档' },
} as const satisfies Record<string, { kind: 'image' | 'video' | 'pdf'; label: string }>;
export type AttachmentMime = keyof typeof ATTACHMENT_TYPES;

/** What a reporter may put in the `accept` attribute hint (the server still checks the bytes). */
export const ATTACHMENT_ACCEPT = 'image/*,video/*,application/pdf';

export const FIELD_LIMITS = {
  place: { min: 2, max: 300 },
  description: { min: 10, max: 5000 },
  identityName: { max: 50 },
  message: { min: 1, max: 5000 },
} as const;
