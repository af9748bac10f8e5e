// Property-based fuzzing of the reporter API through app.request: thousands of malformed bodies
// (wrong types, huge fields, broken multipart, odd Unicode, path tricks in file names, HTML/SVG/
// polyglot uploads). Never a 5xx, and never a partial row: every stored report is whole, every file
// row has its blob, and no blob is left without a row.
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REPORT_CATEGORY_CODES, SECTOR_CODES } from '../../config/taxonomy.ts';
import { row } from '../../api/db/client.ts';
import { makeApp, VALID_FIELDS } from './report-fixtures.ts';

// Cheap receipt hashing here: this test is about parsing and atomicity, not the cost of scrypt.
const t = await makeApp({ fastReceipts: true });
const tinyPng = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer();

const oddText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '\u0000', '\u202e\u202d', '𠀀𪚥🧯', 'ａｂｃ１２３', '<script>alert(1)</script>', "' OR 1=1 --", '../../../../etc/passwd', '%00', '\r\n\r\n--', 'null', '[]', '{}'),
  fc.string({ minLength: 5001, maxLength: 6000 }),
);
const fieldValue = fc.oneof(oddText, fc.constantFrom(...REPORT_CATEGORY_CODES, ...SECTOR_CODES, 'xushang', 'unknown', '2026-01-01', '2026-02-30', '13800000000'));
const fileName = fc.oneof(
  fc.constantFrom('../../etc/passwd', '..\\..\\win.ini', '/abs/path.jpg', 'a\u0000b.jpg', '.htaccess', 'CON', 'x'.repeat(400) + '.jpg', '照片.JPG', '\u202egpj.exe', ''),
  fc.string({ maxLength: 30 }),
);
const fileBody = fc.oneof(
  fc.constant(Buffer.from('<html><body onload=alert(1)>x</body></html>')),
  fc.constant(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')),
  fc.constant(Buffer.concat([Buffer.from('GIF89a'), Buffer.from('<script>alert(1)</script>')])),
  fc.constant(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg <html>')])),
  fc.constant(Buffer.from('%PDF-1.7\n<script>alert(1)</script>')),
  fc.constant(Buffer.concat([tinyPng, Buffer.from('<html>polyglot</html>')])),
  fc.constant(tinyPng.subarray(0, 20)),
  fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
);

const FIELDS = ['category', 'sector', 'township', 'place', 'description', 'observed_at', 'identity_mode', 'identity_name', 'identity_phone', 'files', 'receipt', 'body', 'x'];

/** Well-formed multipart with random fields and files. */
const formBody = fc
  .record({
    base: fc.boolean(),
    fields: fc.array(fc.tuple(fc.constantFrom(...FIELDS), fieldValue), { maxLength: 8 }),
    files: fc.array(fc.tuple(fileName, fileBody), { maxLength: 3 }),
  })
  .map(({ base, fields, files }) => {
    const form = new FormData();
    if (base) for (const [k, v] of Object.entries(VALID_FIELDS)) form.set(k, v);
    for (const [k, v] of fields) form.append(k, v);
    for (const [name, data] of files) form.append('files', new File([data], name));
    return { body: form as BodyInit, contentType: undefined as string | undefined };
  });

/** Broken or mislabelled bodies. */
const rawBody = fc
  .record({
    type: fc.constantFrom('multipart/form-data', 'multipart/form-data; boundary=abc', 'multipart/form-data; boundary=', 'application/x-www-form-urlencoded', 'application/json', 'text/plain', 'image/jpeg', '', 'multipart/mixed; boundary=abc'),
    body: fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.constantFrom(
        '--abc\r\nContent-Disposition: form-data; name="category"\r\n\r\nmajor_hazard\r\n--abc',
        '--abc\r\nContent-Disposition: form-data; name="files"; filename="../../x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--abc--',
        '--abc\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--abc--\r\n',
        '--abc--',
        '{"receipt": ["1234"]}',
        '{"receipt": null, "body": 5}',
        'category=major_hazard&sector=fire&township=xushang&place=xx&description=0123456789abc',
        '%%%%',
      ),
      fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
    ),
  })
  .map(({ type, body }) => ({ body: body as BodyInit, contentType: type || undefined }));

const anyRequest = fc.record({
  path: fc.constantFrom('/api/reports', '/api/reports', '/api/reports/messages', '/api/reports/lookup', '/report/status/'),
  accept: fc.constantFrom('application/json', 'text/html', '*/*', ''),
  payload: fc.oneof(formBody, rawBody),
});

async function integrity() {
  const q = async (s: string) => Number((await row<{ n: number }>(t.db, sql.raw(s)))!.n);
  return {
    reports: await q('select count(*) as n from reports'),
    orphanGrants: await q('select count(*) as n from reports r where not exists (select 1 from report_key_grants g where g.report_id = r.id)'),
    orphanEvents: await q('select count(*) as n from reports r where not exists (select 1 from report_events e where e.report_id = r.id)'),
    files: await q('select count(*) as n from report_files'),
    blobs: (await t.deps.store.list()).length,
  };
}

describe('模糊测试：畸形请求', () => {
  it('几千个畸形请求：从不出现 5xx，从不留下半条记录', async () => {
    let accepted = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(anyRequest, async ({ path, accept, payload }) => {
        runs++;
        const before = await integrity();
        const headers: Record<string, string> = {};
        if (accept) headers.accept = accept;
        if (payload.contentType) headers['content-type'] = payload.contentType;
        const res = await t.app.request(path, { method: 'POST', body: payload.body, headers });
        const text = await res.text();
        expect(res.status, `${path} → ${res.status}: ${text.slice(0, 200)}`).toBeLessThan(500);
        const after = await integrity();
        expect(after.orphanGrants).toBe(0);
        expect(after.orphanEvents).toBe(0);
        expect(after.blobs).toBe(after.files);
        if (path === '/api/reports' && (res.status === 201 || res.status === 303)) {
          accepted++;
          expect(after.reports).toBe(before.reports + 1);
        } else if (path === '/api/reports') {
          expect(after.reports).toBe(before.reports);
          expect(after.files).toBe(before.files);
        }
        if (res.status >= 400 && (res.headers.get('content-type') ?? '').includes('json')) {
          const body = JSON.parse(text) as { error: { message: string } };
          expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
        }
      }),
      { numRuns: 2500, seed: Number(process.env.FUZZ_SEED ?? 20261129) },
    );
    expect(runs).toBeGreaterThanOrEqual(2500);
    // The generators must also reach the success path, or the "no partial row" check proves little.
    expect(accepted).toBeGreaterThan(0);
  }, 180_000);
});
