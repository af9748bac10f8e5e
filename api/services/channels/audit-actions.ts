/** Audit actions added by the channel and notification features (issue 15); merged into AUDIT_ACTIONS. */
export const CHANNEL_AUDIT_ACTIONS = {
  'report.entered': '录入电话、来信、来访或转交的举报',
  'hotline.imported': '导入 12345 工单',
  'hotline.exported': '导出 12345 工单办理结果',
  'notify.settings_changed': '修改提醒设置',
  'notify.retried': '重发失败的提醒',
} as const;
