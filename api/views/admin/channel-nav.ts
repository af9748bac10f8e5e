/** Back-office navigation entries added by issue 15 (spread into adminNav's list; a leaf module, no imports). */
export const CHANNEL_NAV_LINKS: [string, string, ('intake' | 'handler' | 'supervisor' | 'custodian' | 'auditor' | 'admin')[]][] = [
  ['/admin/intake/', '录入来电来信', ['intake', 'supervisor']],
  ['/admin/hotline/', '12345 工单', ['intake', 'supervisor']],
  ['/admin/notifications/', '提醒发送情况', ['admin']],
  ['/admin/notifications/me', '我的提醒', ['intake', 'handler', 'supervisor', 'custodian', 'auditor', 'admin']],
];
