/**
 * 12345 hotline work orders (工单), issue 15: import from the platform's CSV or JSON export (column
 * names mapped in config/hotline.ts) and export of each order's result for the hotline to close it.
 *
 * Import is checked as a whole first: a file with any bad row, or with a 工单编号 already imported
 * (or twice in the file), is refused with every problem listed in Chinese and nothing is imported.
 * Each order then becomes a report through the web path (fileReport): content sealed to its report
 * key, the caller's name and number sealed to the identity custodian only. The order row commits in
 * the same transaction, and its primary key refuses a duplicate even from a parallel import.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { TOWNSHIPS } from '../../../config/county.ts';
import { DEPARTMENT_NAMES, type DepartmentCode } from '../../../config/departments.ts';
import { HOTLINE_IMPORT_LIMITS, HOTLINE_MAPPING, type HotlineMapping } from '../../../config/hotline.ts';
import { REPORT_STATUS_NAMES, type ReportStatusCode } from '../../../config/reporting.ts';
import { open } from '../../crypto/index.ts';
import { first, type Db } from '../../db/client.ts';
import { caseAssignments, caseTracking, hotlineOrders, reportMessages, reports } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { appendAuditIn } from '../admin/audit.ts';
import { fileReport, type IntakeDeps } from '../reports/intake.ts';
import { dayOf, formatCaseNumber } from '../reports/shared.ts';
import { parseReportFields, type ReportInput } from '../reports/validation.ts';

export type Row = Record<string, string>;

/** RFC 4180 CSV (quotes, doubled quotes, CRLF or LF, optional BOM) into rows keyed by the header. */
export function parseCsv(text: string): Row[] {
  const src = text.replace(/^\uFEFF/, '');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new UserError(400, 'bad_file', 'CSV 文件格式损坏：有一个引号没有配对。请从 12345 平台重新导出。', 'file');
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  const nonEmpty = records.filter((r) => r.some((c) => c.trim() !== ''));
  if (nonEmpty.length < 2) throw new UserError(400, 'bad_file', 'CSV 文件里没有工单：第一行应是列名，从第二行起每行一张工单。', 'file');
  const header = nonEmpty[0]!.map((h) => h.trim());
  return nonEmpty.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] ?? '').trim()])));
}

/** Text of an upload: UTF-8, or GB18030 (what Excel on a Chinese Windows saves) when not valid UTF-8. */
export function decodeUpload(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

export function parseOrderFile(name: string, bytes: Uint8Array): Row[] {
  if (bytes.length === 0) throw new UserError(400, 'bad_file', '请选择要导入的工单文件（CSV 或 JSON）。', 'file');
  if (bytes.length > HOTLINE_IMPORT_LIMITS.maxBytes) throw new UserError(413, 'too_large', `工单文件不能超过 ${HOTLINE_IMPORT_LIMITS.maxBytes / 1024 / 1024} MB，请分成几个文件导入。`, 'file');
  const text = decodeUpload(bytes);
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  let rows: Row[];
  if (/\.json$/i.test(name) || trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch {
      throw new UserError(400, 'bad_file', 'JSON 文件格式损坏，无法读取。请从 12345 平台重新导出。', 'file');
    }
    const list = Array.isArray(data) ? data : data && typeof data === 'object' && Array.isArray((data as { orders?: unknown }).orders) ? (data as { orders: unknown[] }).orders : null;
    if (!list) throw new UserError(400, 'bad_file', 'JSON 文件应是工单数组，或 {"orders": [...]}。', 'file');
    rows = list.map((o, i) => {
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new UserError(400, 'bad_file', `JSON 第 ${i + 1} 项不是一张工单（应为对象）。`, 'file');
      return Object.fromEntries(Object.entries(o as Record<string, unknown>).map(([k, v]) => [k.trim(), v === null || v === undefined ? '' : String(v).trim()]));
    });
  } else rows = parseCsv(text);
  if (!rows.length) throw new UserError(400, 'bad_file', '文件里没有工单。', 'file');
  if (rows.length > HOTLINE_IMPORT_LIMITS.maxOrders) throw new UserError(400, 'bad_file', `一个文件最多 ${HOTLINE_IMPORT_LIMITS.maxOrders} 张工单，这个文件有 ${rows.length} 张。请分开导入。`, 'file');
  return rows;
}

function pick(row: Row, names: readonly string[]): string {
  for (const n of names) if (row[n] !== undefined && row[n] !== '') return row[n]!;
  return '';
}

/** "2026-12-01 09:30:00", "2026/12/1", "2026年12月1日 9时" → "2026-12-01"; '' when not a date. */
export function dayFromPlatform(value: string): string {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(value.trim());
  if (!m) return '';
  const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day ? day : '';
}

export interface MappedOrder {
  line: number;
  orderNo: string;
  receivedOn: string;
  hotlineDueOn: string | null;
  input: ReportInput;
}

function townshipOf(text: string): string {
  if (!text) return 'unknown';
  const t = TOWNSHIPS.find((x) => x.code !== 'unknown' && (text.includes(x.name) || text.includes(x.name.replace(/(街道|镇)$/, ''))));
  return t?.code ?? 'unknown';
}

/** One platform row to our report fields; throws a plain message naming the problem. */
export function mapOrder(row: Row, line: number, mapping: HotlineMapping = HOTLINE_MAPPING, today: string = dayOf()): MappedOrder {
  const c = mapping.columns;
  const orderNo = pick(row, c.orderNo);
  if (!orderNo) throw new Error(`缺少工单编号（列名：${c.orderNo.join(' 或 ')}）`);
  if (!/^[\p{L}\p{N}_\-]{2,64}$/u.test(orderNo)) throw new Error(`工单编号"${orderNo.slice(0, 40)}"含有不允许的字符`);
  const receivedRaw = pick(row, c.receivedAt);
  const receivedOn = dayFromPlatform(receivedRaw);
  if (!receivedOn) throw new Error(`受理时间"${receivedRaw.slice(0, 30)}"不是日期（列名：${c.receivedAt.join(' 或 ')}）`);
  if (receivedOn > today) throw new Error(`受理时间 ${receivedOn} 晚于今天`);
  const dueRaw = pick(row, c.dueAt);
  const hotlineDueOn = dueRaw ? dayFromPlatform(dueRaw) || null : null;
  if (dueRaw && !hotlineDueOn) throw new Error(`办理时限"${dueRaw.slice(0, 30)}"不是日期`);
  const description = pick(row, c.description);
  const categoryText = pick(row, c.category);
  const sectorText = pick(row, c.sector);
  const category = mapping.categoryRules.find((r) => categoryText.includes(r.contains))?.category ?? mapping.defaultCategory;
  const sector = mapping.sectorRules.find((r) => sectorText.includes(r.contains) || categoryText.includes(r.contains) || description.includes(r.contains))?.sector ?? mapping.defaultSector;
  const placeRaw = pick(row, c.place);
  const form = new FormData();
  form.set('category', category);
  form.set('sector', sector);
  form.set('township', townshipOf(pick(row, c.township) || placeRaw));
  form.set('place', placeRaw.length >= 2 ? placeRaw : '工单未注明地址');
  form.set('description', description);
  form.set('identity_mode', 'anonymous');
  let input: ReportInput;
  try {
    input = parseReportFields(form);
  } catch (e) {
    if (e instanceof UserError) throw new Error(e.message.replace(/（description）/, () => `（列名：${c.description.join(' 或 ')}）`));
    throw e;
  }
  const name = pick(row, c.callerName).slice(0, 40);
  const phone = pick(row, c.callerPhone).slice(0, 30);
  // Sealed to the custodian exactly like a web real-name report; whatever the caller left is kept together.
  input.identity = name || phone ? { name: name || '（未留姓名）', phone: phone || '（未留电话）' } : null;
  return { line, orderNo, receivedOn, hotlineDueOn, input };
}

export interface ImportResult {
  imported: { orderNo: string; reportId: string }[];
  /** Orders already imported earlier, left as they are (only with skipExisting). */
  skipped: string[];
}

/** Validates the whole file, refuses it on any problem, then files each order. */
export async function importOrders(deps: IntakeDeps, staffId: string, fileName: string, bytes: Uint8Array, today: string = dayOf(), options: { skipExisting?: boolean } = {}): Promise<ImportResult> {
  const rows = parseOrderFile(fileName, bytes);
  const problems: string[] = [];
  const mapped: MappedOrder[] = [];
  rows.forEach((row, i) => {
    const line = i + 2; // CSV line (after the header); for JSON, the item number + 1
    try {
      mapped.push(mapOrder(row, line, HOTLINE_MAPPING, today));
    } catch (e) {
      problems.push(`第 ${line} 行：${(e as Error).message}`);
    }
  });
  const seen = new Map<string, number>();
  for (const m of mapped) {
    const first = seen.get(m.orderNo);
    if (first !== undefined) problems.push(`第 ${m.line} 行：工单编号 ${m.orderNo} 与第 ${first} 行重复`);
    else seen.set(m.orderNo, m.line);
  }
  const numbers = [...seen.keys()];
  const existing = numbers.length ? await deps.db.select({ no: hotlineOrders.orderNo, at: hotlineOrders.importedAt }).from(hotlineOrders).where(inArray(hotlineOrders.orderNo, numbers)) : [];
  // A platform export often repeats yesterday's orders: with skipExisting they are left alone, never imported twice.
  if (!options.skipExisting) for (const e of existing) problems.push(`工单编号 ${e.no} 已于 ${dayOf(new Date(e.at))} 导入过，不能重复导入（如果文件里包含以前导入过的工单，请勾选"跳过已导入的工单"）`);
  const skipped = options.skipExisting ? existing.map((e) => e.no) : [];
  if (problems.length) {
    const shown = problems.slice(0, 30);
    throw new UserError(409, existing.length && !options.skipExisting ? 'duplicate_order' : 'invalid_orders', `没有导入任何工单，请改正后重新导入整个文件：\n${shown.join('\n')}${problems.length > shown.length ? `\n……另有 ${problems.length - shown.length} 个问题` : ''}`, 'file');
  }
  const imported: ImportResult['imported'] = [];
  for (const m of mapped.filter((x) => !skipped.includes(x.orderNo))) {
    const importedAt = new Date().toISOString();
    try {
      const filed = await fileReport(deps, m.input, [], {
        channel: 'hotline_order',
        receivedOn: m.receivedOn,
        async inTransaction(tx: Db, reportId: string) {
          await tx.insert(hotlineOrders).values({ orderNo: m.orderNo, reportId, receivedOn: m.receivedOn, hotlineDueOn: m.hotlineDueOn, importedBy: staffId, importedAt });
          await appendAuditIn(tx, { actor: staffId, action: 'hotline.imported', reportId, detail: { order_no: m.orderNo } });
        },
      });
      imported.push({ orderNo: m.orderNo, reportId: filed.reportId });
    } catch (e) {
      // A parallel import of the same file won the race: the primary key refused this order.
      if (isDuplicateOrder(e)) {
        throw new UserError(409, 'duplicate_order', `工单编号 ${m.orderNo} 刚刚被另一次导入写入，已停止。此前的 ${imported.length} 张工单已导入，其余请重新导入（已导入的会被识别为重复）。`, 'file');
      }
      throw e;
    }
  }
  return { imported, skipped };
}

export interface OrderResult {
  order_no: string;
  /** Our case number 商安举〔2026〕0001号 (the hotline can quote it when the caller asks). */
  case_number: string;
  status: ReportStatusCode;
  status_label: string;
  received_on: string;
  accepted_on: string | null;
  closed_on: string | null;
  hotline_due_on: string | null;
  departments: string[];
  /** The department's last message to the caller (the reply the hotline reads out); null before any. */
  reply: string | null;
  reply_on: string | null;
}

export type ResultFilter = 'done' | 'all';

/**
 * Results of imported orders, newest first. `done`: closed or not accepted (what the hotline can
 * close). The reply is opened with the report key the exporting officer holds.
 */
export async function orderResults(db: Db, reportKey: (reportId: string) => Buffer | null | Promise<Buffer | null>, filter: ResultFilter): Promise<OrderResult[]> {
  const rows = (
    await db
      .select({ o: hotlineOrders, r: reports, t: caseTracking })
      .from(hotlineOrders)
      .innerJoin(reports, eq(reports.id, hotlineOrders.reportId))
      .leftJoin(caseTracking, eq(caseTracking.reportId, reports.id))
      .orderBy(desc(hotlineOrders.receivedOn), asc(hotlineOrders.orderNo))
  ).filter((x) => filter === 'all' || x.r.status === 'closed' || x.r.status === 'not_accepted');
  const out: OrderResult[] = [];
  for (const { o, r, t } of rows) {
    const depts = (await db.select().from(caseAssignments).where(eq(caseAssignments.reportId, r.id)).orderBy(asc(caseAssignments.department))).map((a) => DEPARTMENT_NAMES[a.department as DepartmentCode] ?? a.department);
    const last = first(await db.select().from(reportMessages).where(and(eq(reportMessages.reportId, r.id), eq(reportMessages.author, 'department'))).orderBy(desc(reportMessages.id)).limit(1));
    const key = last ? await reportKey(r.id) : null;
    out.push({
      order_no: o.orderNo,
      case_number: formatCaseNumber(r.caseYear, r.caseSeq),
      status: r.status as ReportStatusCode,
      status_label: REPORT_STATUS_NAMES[r.status as ReportStatusCode] ?? r.status,
      received_on: o.receivedOn,
      accepted_on: t?.acceptedOn ?? null,
      closed_on: t?.closedOn ?? null,
      hotline_due_on: o.hotlineDueOn,
      departments: depts,
      reply: last && key ? open(key, last.sealedBody).toString('utf8') : null,
      reply_on: last?.createdOn ?? null,
    });
  }
  return out;
}

/** Marks the exported orders and audits the export (count only). */
export async function recordExport(db: Db, staffId: string, orderNos: string[]): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    for (let i = 0; i < orderNos.length; i += 500) await tx.update(hotlineOrders).set({ exportedAt: now }).where(inArray(hotlineOrders.orderNo, orderNos.slice(i, i + 500)));
    await appendAuditIn(tx, { actor: staffId, action: 'hotline.exported', detail: { orders: orderNos.length } });
  });
}

/** The order's primary key refused a duplicate: SQLite's or PostgreSQL's unique violation on hotline_orders. */
function isDuplicateOrder(e: unknown): boolean {
  for (let cur = e, i = 0; cur && typeof cur === 'object' && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    const err = cur as { message?: unknown; code?: unknown; table?: unknown; constraint?: unknown };
    const message = typeof err.message === 'string' ? err.message : '';
    if (/UNIQUE constraint failed: hotline_orders/.test(message)) return true;
    if (err.code === '23505' && (err.table === 'hotline_orders' || /hotline_orders/.test(String(err.constraint ?? '')))) return true;
  }
  return false;
}

function cell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const RESULT_CSV_HEADER = ['工单编号', '案件编号', '办理状态', '受理时间', '受理日期', '办结日期', '热线办理时限', '办理部门', '回复日期', '回复内容'];

export function resultsCsv(results: OrderResult[]): string {
  const lines = results.map((r) => [r.order_no, r.case_number, r.status_label, r.received_on, r.accepted_on, r.closed_on, r.hotline_due_on, r.departments.join('、'), r.reply_on, r.reply].map(cell).join(','));
  return '\uFEFF' + [RESULT_CSV_HEADER.join(','), ...lines].join('\r\n') + '\r\n';
}

