/**
 * Model-based fuzzing of the reporter API over real HTTP, against the real server process (rate limits
 * off). Generators make mostly valid submissions, reporter messages and lookups — the same receipts are
 * used again and again — plus targeted corruptions of one thing at a time (a missing or overlong field,
 * an unknown code, a bad date, a broken or mislabelled file, a receipt off by one digit, a truncated
 * body). A model of what was acknowledged predicts every answer; at the end every acknowledged report
 * must open with exactly its text and messages, and the database must hold nothing else.
 */
import { mkdtempSync } from 'node:fs';
import { blobStoreFor } from '../../api/services/blob-store.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { TOWNSHIPS } from '../../config/county.ts';
import { REPORT_CATEGORY_CODES, SECTOR_CODES } from '../../config/taxonomy.ts';
import { sql } from 'drizzle-orm';
import { closeDb, dbFile, dbKind, openDb, row } from '../../api/db/client.ts';
import { startServer, type RunningServer } from './report-fixtures.ts';

const RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 320);
const CONCURRENCY = 12;
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);

const tinyJpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } }).jpeg().toBuffer();
const tinyPng = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3c3' } }).png().toBuffer();

// ---- Generators of clean, valid values (what cleanText keeps as it is) -------------------------
const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const cleanChar = fc.oneof({ weight: 6, arbitrary: hanzi }, { weight: 2, arbitrary: fc.constantFrom(...'abcXYZ0123456789，。、：（）!?-'.split('')) }, { weight: 1, arbitrary: fc.constantFrom('🧯', '𠀀', 'é', 'ｃ') });
const cleanText = (min: number, max: number) =>
  fc.array(cleanChar, { minLength: min, maxLength: max }).map((cs) => cs.join('').normalize('NFC').trim()).filter((s) => [...s].length >= min);
const validDate = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2026-06-30T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

const validReport = fc.record({
  category: fc.constantFrom(...REPORT_CATEGORY_CODES),
  sector: fc.constantFrom(...SECTOR_CODES),
  township: fc.constantFrom(...TOWNSHIPS.map((t) => t.code)),
  place: cleanText(2, 40),
  description: cleanText(10, 120),
  observed_at: fc.option(validDate, { nil: undefined }),
  files: fc.array(fc.constantFrom('jpeg', 'png'), { maxLength: 2 }),
});
type ReportFields = typeof validReport extends fc.Arbitrary<infer T> ? T : never;

/** One targeted corruption of an otherwise valid submission, or none. */
/** Mostly none (a valid request); otherwise one targeted corruption. */
const corruption = <T extends string>(...kinds: T[]) => fc.oneof({ weight: 2, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom(...kinds) });
const submitCorruption = corruption(
  'missing_category', 'unknown_sector', 'short_description', 'long_place', 'bad_date', 'duplicate_field',
  'html_file', 'truncated_jpeg', 'svg_file', 'wrong_content_type', 'truncated_body', 'real_name_without_phone',
);
const messageCorruption = corruption('off_by_one_digit', 'short_receipt', 'empty_body', 'long_body', 'broken_json');
const lookupCorruption = fc.oneof(fc.constantFrom('spaced', 'dashed', 'fullwidth'), corruption('off_by_one_digit', 'letters', 'not_a_string', 'broken_json'));

const command = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('submit' as const), report: validReport, corruption: submitCorruption, html: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('message' as const), pick: fc.nat(), body: cleanText(1, 60), photo: fc.boolean(), json: fc.boolean(), corruption: messageCorruption }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lookup' as const), pick: fc.nat(), page: fc.boolean(), corruption: lookupCorruption }) },
);
type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

// ---- The model ------------------------------------------------------------------------------------
interface Known {
  receipt: string;
  description: string;
  place: string;
  attachments: number;
  /** Reporter messages acknowledged so far (201), in no guaranteed order when sent concurrently. */
  messages: string[];
}

function offByOne(receipt: string): string {
  const i = receipt.length - 1 - (receipt.charCodeAt(0) % 5);
  return receipt.slice(0, i) + String((Number(receipt[i]) + 1) % 10) + receipt.slice(i + 1);
}

function submissionForm(r: ReportFields, corruption: string): { body: BodyInit; contentType?: string } {
  const form = new FormData();
  const fields: Record<string, string> = { category: r.category, sector: r.sector, township: r.township, place: r.place, description: r.description };
  if (r.observed_at) fields.observed_at = r.observed_at;
  if (corruption === 'missing_category') delete fields.category;
  if (corruption === 'unknown_sector') fields.sector = 'nuclear_unicorns';
  if (corruption === 'short_description') fields.description = '太短';
  if (corruption === 'long_place') fields.place = '地'.repeat(301);
  if (corruption === 'bad_date') fields.observed_at = '2026-02-30';
  if (corruption === 'real_name_without_phone') Object.assign(fields, { identity_mode: 'real_name', identity_name: '张三' });
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (corruption === 'duplicate_field') form.append('township', r.township);
  for (const [i, f] of r.files.entries()) form.append('files', new File([f === 'jpeg' ? tinyJpeg : tinyPng], `p${i}.${f === 'jpeg' ? 'jpg' : 'png'}`));
  if (corruption === 'html_file') form.append('files', new File(['<html><script>alert(1)</script></html>'], 'x.jpg'));
  if (corruption === 'truncated_jpeg') form.append('files', new File([tinyJpeg.subarray(0, 40)], 'cut.jpg'));
  if (corruption === 'svg_file') form.append('files', new File(['<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'], 'x.png'));
  if (corruption === 'wrong_content_type') return { body: new URLSearchParams(fields).toString(), contentType: 'application/json' };
  return { body: form };
}

async function send(server: RunningServer, path: string, body: BodyInit, contentType: string | undefined, accept: string): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { accept };
  let payload = body;
  if (contentType) headers['content-type'] = contentType;
  if (body instanceof FormData) {
    const res = new Response(body);
    headers['content-type'] = res.headers.get('content-type')!;
    payload = Buffer.from(await res.arrayBuffer());
  }
  const res = await fetch(`${server.base}${path}`, { method: 'POST', body: payload, headers });
  return { status: res.status, text: await res.text() };
}

describe('HTTP 模糊测试：提交、留言、查询（真实服务进程，关闭频率限制）', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'report-http-fuzz-'));
  let server: RunningServer;
  afterAll(() => {
    server?.proc.kill('SIGKILL');
  });

  it(`${RUNS} 个以有效为主、带针对性破坏的请求：回答符合模型，确认过的都在，没有多余的记录`, async () => {
    server = await startServer(dataDir, { RATE_LIMITS: 'off' });
    const commands = fc.sample(command, { numRuns: RUNS, seed: SEED }) as Command[];
    const known: Known[] = [];
    const problems: string[] = [];
    const tally = { submit201: 0, submit4xx: 0, message201: 0, message4xx: 0, lookup200: 0, lookup4xx: 0, attachments: 0 };
    const pick = (n: number) => (known.length ? known[n % known.length]! : null);

    async function run(cmd: Command, n: number): Promise<void> {
      const where = `#${n} ${cmd.kind}/${cmd.corruption}`;
      if (cmd.kind === 'submit') {
        if (cmd.corruption === 'truncated_body') {
          const { body } = submissionForm(cmd.report, 'none');
          const full = Buffer.from(await new Response(body).arrayBuffer());
          const type = new Response(body).headers.get('content-type')!;
          const r = await send(server, '/api/reports', full.subarray(0, Math.floor(full.length / 2)), type, 'application/json');
          if (r.status !== 400) problems.push(`${where}: 截断的请求回答 ${r.status}`);
          tally.submit4xx++;
          return;
        }
        const { body, contentType } = submissionForm(cmd.report, cmd.corruption);
        const r = await send(server, '/api/reports', body, contentType, cmd.html ? 'text/html' : 'application/json');
        if (r.status >= 500) problems.push(`${where}: ${r.status}`);
        if (cmd.corruption === 'none') {
          // JSON: 201 with the receipt. HTML (no-JS form): 303 to a single-use receipt view, which fetch follows (200).
          if (r.status !== (cmd.html ? 200 : 201)) return void problems.push(`${where}: 有效的举报回答 ${r.status}: ${r.text.slice(0, 200)}`);
          const receipt = cmd.html ? /id="receipt-code"[^>]*>([\d ]+)</.exec(r.text)?.[1]?.replace(/\s/g, '') : (JSON.parse(r.text) as { receipt: string }).receipt;
          if (!receipt || !/^\d{20}$/.test(receipt)) return void problems.push(`${where}: 回答里没有查询码`);
          known.push({ receipt, description: cmd.report.description, place: cmd.report.place, attachments: cmd.report.files.length, messages: [] });
          tally.submit201++;
          tally.attachments += cmd.report.files.length;
        } else {
          if (r.status < 400 || r.status >= 500) problems.push(`${where}: 被破坏的举报回答 ${r.status}`);
          else tally.submit4xx++;
        }
        return;
      }
      const target = pick(cmd.pick);
      const receipt = target?.receipt ?? '12345678901234567890';
      if (cmd.kind === 'message') {
        let r: { status: number; text: string };
        const sentReceipt = cmd.corruption === 'off_by_one_digit' ? offByOne(receipt) : cmd.corruption === 'short_receipt' ? receipt.slice(0, 12) : receipt;
        const text = cmd.corruption === 'empty_body' ? '' : cmd.corruption === 'long_body' ? '长'.repeat(5001) : cmd.body;
        const photo = cmd.photo && cmd.corruption === 'none' && !cmd.json && (target?.attachments ?? 0) < 4;
        if (cmd.corruption === 'broken_json') r = await send(server, '/api/reports/messages', `{"receipt": "${sentReceipt}", "body": `, 'application/json', 'application/json');
        else if (cmd.json) r = await send(server, '/api/reports/messages', JSON.stringify({ receipt: sentReceipt, body: text }), 'application/json', 'application/json');
        else {
          const form = new FormData();
          form.set('receipt', sentReceipt);
          form.set('body', text);
          if (photo) form.append('files', new File([tinyJpeg], 'more.jpg'));
          r = await send(server, '/api/reports/messages', form, undefined, 'application/json');
        }
        const valid = cmd.corruption === 'none' && target !== null;
        if (valid) {
          if (r.status !== 201) return void problems.push(`${where}: 有效的留言回答 ${r.status}: ${r.text.slice(0, 200)}`);
          target.messages.push(text);
          if (photo) {
            target.attachments++;
            tally.attachments++;
          }
          tally.message201++;
        } else {
          const expected = cmd.corruption === 'empty_body' || cmd.corruption === 'long_body' || cmd.corruption === 'broken_json' ? [400] : [404, 400];
          if (!expected.includes(r.status)) problems.push(`${where}: 回答 ${r.status}，应为 ${expected.join('/')}`);
          else tally.message4xx++;
        }
        return;
      }
      // Lookups: formatting variants of a real receipt open it; corruptions never open anything.
      const variant: Record<string, unknown> = {
        none: receipt,
        spaced: receipt.replace(/(\d{4})(?=\d)/g, '$1 '),
        dashed: receipt.replace(/(\d{4})(?=\d)/g, '$1-'),
        fullwidth: receipt.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)),
        off_by_one_digit: offByOne(receipt),
        letters: receipt.slice(0, 10) + 'abcdefghij',
        not_a_string: Number(receipt.slice(0, 12)),
      };
      const opens = ['none', 'spaced', 'dashed', 'fullwidth'].includes(cmd.corruption) && target !== null;
      let r;
      if (cmd.corruption === 'broken_json') r = await send(server, '/api/reports/lookup', '{"receipt": ', 'application/json', 'application/json');
      else if (cmd.page && typeof variant[cmd.corruption] === 'string') r = await send(server, '/report/status/', new URLSearchParams({ receipt: variant[cmd.corruption] as string }).toString(), 'application/x-www-form-urlencoded', 'text/html');
      else r = await send(server, '/api/reports/lookup', JSON.stringify({ receipt: variant[cmd.corruption] }), 'application/json', 'application/json');
      if (opens) {
        if (r.status !== 200) return void problems.push(`${where}: 有效的查询回答 ${r.status}`);
        const shown = r.text.includes(target.description.replace(/&/g, '&amp;').replace(/</g, '&lt;')) || (r.text.startsWith('{') && (JSON.parse(r.text) as { description: string }).description === target.description);
        if (!shown) problems.push(`${where}: 查询结果里没有这件举报的描述`);
        tally.lookup200++;
      } else {
        const expected = cmd.corruption === 'not_a_string' || cmd.corruption === 'broken_json' ? [400] : [404];
        if (!expected.includes(r.status)) problems.push(`${where}: 回答 ${r.status}，应为 ${expected.join('/')}`);
        else tally.lookup4xx++;
      }
    }

    // Bounded concurrency: several requests in flight, as from many phones at once.
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < commands.length; i = next++) {
          try {
            await run(commands[i]!, i);
          } catch (e) {
            problems.push(`#${i} ${commands[i]!.kind}: ${(e as Error).message}`);
          }
        }
      }),
    );

    // The model at the end: every acknowledged report opens with its text, place, files and messages.
    const verify = async (k: Known) => {
      const res = await fetch(`${server.base}/api/reports/lookup`, { method: 'POST', body: JSON.stringify({ receipt: k.receipt }), headers: { 'content-type': 'application/json' } });
      if (res.status !== 200) {
        problems.push(`确认过的举报 ${k.receipt.slice(0, 4)}… 查询回答 ${res.status}`);
        return;
      }
      const view = (await res.json()) as { description: string; place: string; attachments: unknown[]; messages: { from: string; body: string; attachments: unknown[] }[] };
      const mine = view.messages.filter((m) => m.from === 'reporter');
      const files = view.attachments.length + mine.reduce((n, m) => n + m.attachments.length, 0);
      if (view.description !== k.description || view.place !== k.place) problems.push(`${k.receipt.slice(0, 4)}…: 内容与提交的不同`);
      if (files !== k.attachments) problems.push(`${k.receipt.slice(0, 4)}…: 附件 ${files} 个，应为 ${k.attachments}`);
      if (JSON.stringify(mine.map((m) => m.body).sort()) !== JSON.stringify([...k.messages].sort())) problems.push(`${k.receipt.slice(0, 4)}…: 留言 ${mine.length} 条，应为 ${k.messages.length}`);
    };
    const queue = [...known];
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      for (let k = queue.shift(); k; k = queue.shift()) await verify(k);
    }));
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    expect(server.output()).not.toMatch(/\[error\]/);

    // Nothing beyond the model: refused requests left no row and no file.
    const db = await openDb(dbFile(dataDir));
    try {
      const n = async (q: string) => Number((await row<{ n: number }>(db, sql.raw(q)))!.n);
      expect(await n('select count(*) as n from reports'), '数据库里的举报数').toBe(known.length);
      expect(await n("select count(*) as n from report_messages where author = 'reporter'"), '举报人留言数').toBe(tally.message201);
      expect(await n('select count(*) as n from report_files'), '附件记录数').toBe(tally.attachments);
      expect((await blobStoreFor(db, dataDir).list()).length, '附件数').toBe(tally.attachments);
      expect(await n('select count(*) as n from reports r where not exists (select 1 from report_key_grants g where g.report_id = r.id)')).toBe(0);
    } finally {
      await closeDb(db);
    }
    // SQLite's own check of the file (PostgreSQL checks its keys on every write).
    if (dbKind(db) === 'sqlite') {
      const file = new Database(join(dataDir, 'app.db'), { readonly: true });
      try {
        expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        file.close();
      }
    }
    expect(problems).toEqual([]);
    console.log(`HTTP 模糊测试：${JSON.stringify(tally)}`);
    // Mostly valid, and every kind of request reached its success path many times.
    const ok = tally.submit201 + tally.message201 + tally.lookup200;
    expect(ok, '大多数请求是有效的').toBeGreaterThan(RUNS / 2);
    expect(tally.submit201).toBeGreaterThan(RUNS / 10);
    expect(tally.message201).toBeGreaterThan(RUNS / 20);
    expect(tally.lookup200).toBeGreaterThan(RUNS / 20);
    expect(tally.submit4xx + tally.message4xx + tally.lookup4xx).toBeGreaterThan(RUNS / 10);
  }, 150_000);
});
