/**
 * Who runs this site (issue 13): shown in the footer and on /about/. Fill in only what the
 * operating body has confirmed in writing or publishes itself; until then every field stays null
 * and the site says honestly that the details are being confirmed. The server prints a warning at
 * start while 主办单位 is still unconfirmed (api/server.ts).
 */
import { z } from 'zod';

export const operatorSchema = z.object({
  /** 主办单位, e.g. 商河县应急管理局. */
  host: z.string().min(2).nullable(),
  /** 承办 / 技术支持 unit. */
  organiser: z.string().min(2).nullable(),
  /** Office address for letters and visits. */
  address: z.string().min(4).nullable(),
  /** Office phone with area code, e.g. 0531-xxxxxxxx. */
  phone: z
    .string()
    .regex(/^(0\d{2,3}-?\d{7,8}|1\d{10}|\d{5,6})$/, '办公电话格式应为 0531-12345678、手机号或 5–6 位服务号码')
    .nullable(),
  /** Working hours, e.g. 工作日 8:30–12:00、14:00–17:30. */
  hours: z.string().min(2).nullable(),
  /** ICP 备案号 (e.g. 鲁ICP备……号), only once issued. */
  icp: z.string().regex(/ICP备/, 'ICP 备案号应包含"ICP备"').nullable(),
  /** 公安机关备案号 (e.g. 鲁公网安备……号), only once issued. */
  policeRecord: z.string().regex(/公网安备/, '公安备案号应包含"公网安备"').nullable(),
});
export type Operator = z.infer<typeof operatorSchema>;

/**
 * Nothing here has been confirmed by the operating body yet. Do not guess: a wrong phone number
 * or address on a reporting site sends people to the wrong place.
 */
export const OPERATOR: Operator = operatorSchema.parse({
  host: null,
  organiser: null,
  address: null,
  phone: null,
  hours: null,
  icp: null,
  policeRecord: null,
});

/** True while 主办单位 is still unconfirmed. */
export function operatorIsPlaceholder(op: Operator = OPERATOR): boolean {
  return op.host === null;
}

/** Plain-language lines for the footer and /about/: confirmed facts, or an honest placeholder. */
export function operatorLines(op: Operator = OPERATOR): { label: string; value: string }[] {
  const lines: { label: string; value: string }[] = [];
  lines.push({ label: '主办单位', value: op.host ?? '主办单位信息待县应急管理局确认后公布' });
  if (op.organiser) lines.push({ label: '承办和技术支持', value: op.organiser });
  if (op.address) lines.push({ label: '办公地址', value: op.address });
  if (op.phone) lines.push({ label: '办公电话', value: op.phone });
  if (op.hours) lines.push({ label: '办公时间', value: op.hours });
  if (op.icp) lines.push({ label: 'ICP 备案', value: op.icp });
  if (op.policeRecord) lines.push({ label: '公安备案', value: op.policeRecord });
  return lines;
}

/** The start-up warning the server prints while the operator block is still a placeholder. */
export function operatorWarning(op: Operator = OPERATOR): string | null {
  if (!operatorIsPlaceholder(op)) return null;
  return '【提醒】config/operator.ts 里的主办单位还没有填写：网站页脚和"关于本站"页显示"主办单位信息待县应急管理局确认后公布"。请在主办单位书面确认后填写主办单位、地址、办公电话和备案号。';
}
