/**
 * Edge validation of report submissions and reporter messages. Every refusal is a UserError with a
 * Chinese message that names the field (label and API code), so a form or an integrator can fix it.
 */
import { z } from 'zod';
import { TOWNSHIPS } from '../../../config/county.ts';
import { ATTACHMENT_LIMITS, FIELD_LIMITS } from '../../../config/reporting.ts';
import { REPORT_CATEGORY_CODES, SECTOR_CODES, type ReportCategoryCode, type SectorCode } from '../../../config/taxonomy.ts';
import { UserError } from '../../errors.ts';
import { isEmptyFilePart } from './attachments.ts';

export const FIELD_LABELS: Record<string, string> = {
  category: '举报类别',
  sector: '行业领域',
  township: '所在镇街',
  place: '具体地点',
  description: '问题描述',
  observed_at: '发现时间',
  identity_mode: '举报方式',
  identity_name: '姓名',
  identity_phone: '联系电话',
  files: '附件',
  receipt: '查询码',
  body: '留言内容',
};

export function fieldError(field: string, problem: string, status: 400 | 413 = 400): UserError {
  return new UserError(status, 'invalid_field', `${FIELD_LABELS[field] ?? field}（${field}）${problem}`, field);
}

/** Text as people type it: NFC, no control characters except newlines and tabs, trimmed. */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

type FormValue = string | File;

/** One text value of a field: absent → '', repeated or a file → refused. */
export function textField(form: FormData, field: string, maxChars: number): string {
  const values = form.getAll(field) as FormValue[];
  if (values.length === 0) return '';
  if (values.length > 1) throw fieldError(field, '只能填写一次。');
  const v = values[0];
  if (typeof v !== 'string') throw fieldError(field, '应该是文字，不能是文件。');
  if (v.length > maxChars * 4) throw fieldError(field, `太长了，最多 ${maxChars} 个字。`);
  const text = cleanText(v);
  if ([...text].length > maxChars) throw fieldError(field, `太长了，最多 ${maxChars} 个字。`);
  return text;
}

const TOWNSHIP_CODES = TOWNSHIPS.map((t) => t.code);

function codeField<T extends string>(form: FormData, field: string, allowed: readonly T[]): T {
  const v = textField(form, field, 64);
  if (!v) throw fieldError(field, '必须选择一项。');
  if (!allowed.includes(v as T)) throw fieldError(field, `的值"${v.slice(0, 30)}"不在可选范围内，可选：${allowed.join('、')}。`);
  return v as T;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/;

/** "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" (as <input type="date"/"datetime-local"> sends), not in the future. */
export function parseObservedAt(value: string, now = new Date()): string {
  const m = DATE_RE.exec(value);
  if (!m) throw fieldError('observed_at', '格式不正确，请写成 2026-05-01 或 2026-05-01T14:30。');
  const [y, mo, d, h = '00', mi = '00'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const date = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h, +mi));
  if (date.getUTCFullYear() !== +y! || date.getUTCMonth() !== +mo! - 1 || date.getUTCDate() !== +d! || +h > 23 || +mi > 59) {
    throw fieldError('observed_at', '不是一个有效的日期。');
  }
  // Times are Beijing time; allow a day of slack for clocks and time zones.
  if (date.getTime() - 8 * 3600_000 > now.getTime() + 24 * 3600_000) throw fieldError('observed_at', '不能晚于今天。');
  if (+y! < 2000) throw fieldError('observed_at', '年份不正确。');
  return m[4] ? `${y}-${mo}-${d} ${h}:${mi}` : `${y}-${mo}-${d}`;
}

const PHONE_RE = /^(?:1[3-9]\d{9}|0\d{2,3}\d{7,8})$/;

export interface Identity {
  name: string;
  phone: string;
}

export interface ReportInput {
  category: ReportCategoryCode;
  sector: SectorCode;
  township: string;
  place: string;
  description: string;
  observedAt: string | null;
  identity: Identity | null;
}

/**
 * Identity rules: `identity_mode=anonymous` discards any name or phone still in the form (a reporter
 * who switched back to anonymous must not be identified); otherwise name and phone go together.
 */
function parseIdentity(form: FormData): Identity | null {
  const mode = textField(form, 'identity_mode', 20);
  if (mode && mode !== 'anonymous' && mode !== 'real_name') throw fieldError('identity_mode', '只能是 anonymous（匿名）或 real_name（实名）。');
  if (mode === 'anonymous') return null;
  const name = textField(form, 'identity_name', FIELD_LIMITS.identityName.max);
  const phoneRaw = textField(form, 'identity_phone', 30);
  if (!name && !phoneRaw) {
    if (mode === 'real_name') throw fieldError('identity_name', '：选择了实名举报，请填写姓名和联系电话；不想留身份请选"匿名举报"。');
    return null;
  }
  if (!name) throw fieldError('identity_name', '没有填写：实名举报需要同时填写姓名和联系电话。');
  if (!phoneRaw) throw fieldError('identity_phone', '没有填写：实名举报需要同时填写姓名和联系电话。');
  const phone = phoneRaw.replace(/[\s\-－()（）]/g, '').replace(/^\+?86(?=1)/, '');
  if (!PHONE_RE.test(phone)) throw fieldError('identity_phone', '格式不正确：请填写 11 位手机号，或带区号的固定电话（如 0531-12345678）。');
  return { name, phone };
}

export function parseReportFields(form: FormData, now = new Date()): ReportInput {
  const category = codeField(form, 'category', REPORT_CATEGORY_CODES);
  const sector = codeField(form, 'sector', SECTOR_CODES);
  const township = codeField(form, 'township', TOWNSHIP_CODES);
  const place = textField(form, 'place', FIELD_LIMITS.place.max);
  if ([...place].length < FIELD_LIMITS.place.min) throw fieldError('place', `请填写具体地点（至少 ${FIELD_LIMITS.place.min} 个字），例如单位名称、路名门牌或附近标志。`);
  const description = textField(form, 'description', FIELD_LIMITS.description.max);
  if ([...description].length < FIELD_LIMITS.description.min) throw fieldError('description', `请把看到的情况写清楚（至少 ${FIELD_LIMITS.description.min} 个字）。`);
  const observedRaw = textField(form, 'observed_at', 30);
  const observedAt = observedRaw ? parseObservedAt(observedRaw, now) : null;
  const identity = parseIdentity(form);
  return { category, sector, township, place, description, observedAt, identity };
}

/** The uploaded files of a form: empty parts dropped, count and size checked before any work. */
export function fileParts(form: FormData, maxFiles: number = ATTACHMENT_LIMITS.maxFiles): File[] {
  const parts = form.getAll('files') as FormValue[];
  const files: File[] = [];
  for (const p of parts) {
    if (typeof p === 'string') {
      if (p === '') continue;
      throw fieldError('files', '应该是上传的文件。');
    }
    if (isEmptyFilePart(p)) continue;
    files.push(p);
  }
  if (files.length > maxFiles) throw fieldError('files', `最多 ${maxFiles} 个，这次选了 ${files.length} 个。`);
  for (const f of files) {
    if (f.size > ATTACHMENT_LIMITS.maxBytes) {
      throw new UserError(413, 'file_too_large', `每个附件不能超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB。请压缩后再上传，或分成几次补充。`, 'files');
    }
  }
  return files;
}

export const receiptSchema = z.object({ receipt: z.string().max(100) });
