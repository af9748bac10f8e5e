import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dbKind, first } from '../../api/db/client.ts';
import { reports } from '../../api/db/schema.ts';
import { TOWNSHIPS } from '../../config/county.ts';
import { REPORT_CATEGORY_CODES, SECTOR_CODES } from '../../config/taxonomy.ts';
import { RateLimiter } from '../../api/middleware/rate-limit.ts';
import { RecoveryKeyError, unlockWithRecoveryKey } from '../../api/services/keys.ts';
import { openByReceipt } from '../../api/services/reports/follow-up.ts';
import { decideReward, openIdentityAsCustodian, openReportAsIntake, postDepartmentMessage } from '../../api/services/reports/workflow.ts';
import { countRows, fileOf, JSON_ACCEPT, jpegWithExif, makeApp, reportForm, storedCells, submit, VALID_FIELDS, type TestApp } from './report-fixtures.ts';

const count = (t: TestApp, table: string) => countRows(t.db, table);

describe('POST /api/reports 接口约定', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp();
  });

  it('要 JSON 时回答 201 {"receipt"}，查询码是 20 位数字', async () => {
    const { res, body } = await submit(t.app, reportForm());
    expect(res.status).toBe(201);
    expect(body.receipt).toMatch(/^\d{20}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('普通表单提交：303 转到只能打开一次的回执页面（Post/Redirect/Get）', async () => {
    const { res } = await submit(t.app, reportForm(), { accept: 'text/html' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/report\/view\/\?t=[\w-]{22}$/);
    const page = await t.app.request(location);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const body = await page.text();
    expect(body).toMatch(/\d{4} \d{4} \d{4} \d{4} \d{4}/);
    expect(body).toContain('查询码只显示这一次');
    const again = await t.app.request(location);
    expect(again.status).toBe(410);
    expect(await again.text()).not.toMatch(/\d{4} \d{4} \d{4} \d{4} \d{4}/);
  });

  it('接受全部类别、行业和镇街代码', async () => {
    for (const category of REPORT_CATEGORY_CODES) expect((await submit(t.app, reportForm({ category }))).res.status).toBe(201);
    for (const sector of SECTOR_CODES) expect((await submit(t.app, reportForm({ sector }))).res.status).toBe(201);
    const codes = TOWNSHIPS.map((x) => x.code);
    expect(codes).toEqual(['xushang', 'yinxiang', 'huairen', 'longsangsi', 'zhenglu', 'jiazhuang', 'yuhuangmiao', 'baiqiao', 'sunji', 'hanmiao', 'shahe', 'zhangfang', 'kaifaqu', 'unknown']);
    for (const township of codes) expect((await submit(t.app, reportForm({ township }))).res.status).toBe(201);
  }, 60_000);

  it.each([
    ['category', 'fire_hazard', '举报类别（category）'],
    ['sector', 'mining', '行业领域（sector）'],
    ['township', 'jinan', '所在镇街（township）'],
    ['place', '', '具体地点（place）'],
    ['description', '太短', '问题描述（description）'],
    ['observed_at', '2026-13-40', '发现时间（observed_at）'],
    ['observed_at', '2999-01-01', '发现时间（observed_at）'],
    ['identity_phone', '12345', '联系电话（identity_phone）'],
  ])('%s=%j 得到 400 和点出字段的中文说明', async (field, value, label) => {
    const before = await count(t, 'reports');
    const extra: Record<string, string> = field === 'identity_phone' ? { identity_mode: 'real_name', identity_name: '张三' } : {};
    const { res, body } = await submit(t.app, reportForm({ ...extra, [field]: value }));
    expect(res.status).toBe(400);
    expect(body.error.field).toBe(field);
    expect(body.error.message).toContain(label);
    expect(await count(t, 'reports')).toBe(before);
  });

  it('缺少字段、重复字段、非表单格式都被拒绝', async () => {
    const form = reportForm();
    form.delete('category');
    expect((await submit(t.app, form)).body.error.field).toBe('category');
    const twice = reportForm();
    twice.append('place', '另一个地点');
    expect((await submit(t.app, twice)).body.error.message).toContain('只能填写一次');
    const res = await t.app.request('/api/reports', { method: 'POST', body: JSON.stringify(VALID_FIELDS), headers: { ...JSON_ACCEPT, 'content-type': 'application/json' } });
    expect(res.status).toBe(415);
  });

  it('附件：超过 5 个 400，超过 20 MB 413，按内容而不是文件名判断类型', async () => {
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
    const six = Array.from({ length: 6 }, (_, i) => fileOf(tiny, `${i}.png`));
    let r = await submit(t.app, reportForm({}, six));
    expect(r.res.status).toBe(400);
    expect(r.body.error.field).toBe('files');
    r = await submit(t.app, reportForm({}, [fileOf(Buffer.alloc(20 * 1024 * 1024 + 1), 'big.jpg')]));
    expect(r.res.status).toBe(413);
    expect(r.body.error.message).toContain('20 MB');
    r = await submit(t.app, reportForm({}, [fileOf('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'photo.jpg', 'image/jpeg')]));
    expect(r.res.status).toBe(400);
    expect(r.body.error.message).toContain('格式不支持');
    r = await submit(t.app, reportForm({}, [fileOf('<html><body>hi</body></html>', 'x.pdf', 'application/pdf')]));
    expect(r.res.status).toBe(400);
    // A real PNG named .txt is accepted as a PNG.
    r = await submit(t.app, reportForm({}, [fileOf(tiny, 'notes.txt', 'text/plain')]));
    expect(r.res.status).toBe(201);
    expect(r.body.attachments[0].type).toBe('PNG 图片');
  });
});

describe('照片隐藏信息', () => {
  it('带 GPS、序列号、拍摄者的 JPEG 存下来时全都没有了，并告诉举报人清除了什么', async () => {
    const t = await makeApp();
    const photo = await jpegWithExif();
    expect(photo.includes('SERIAL-CANARY-4711')).toBe(true);
    const before = await sharp(photo).metadata();
    expect(before.exif).toBeDefined();
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(photo, '../../etc/IMG_0001.jpg', 'image/jpeg')]));
    expect(res.status).toBe(201);
    const a = body.attachments[0];
    expect(a.name).toBe('附件1.jpg'); // generated from the detected type, never the uploader's name
    expect(a.removed).toEqual(expect.arrayContaining(['拍摄位置（GPS）', '设备品牌', '设备型号', '设备序列号', '拍摄者', '相机所有者']));

    const { intakePrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    const opened = await openByReceipt(t.deps, body.receipt);
    const report = await openReportAsIntake(t.db, t.deps.store, opened!.row.id, intakePrivateKey);
    const stored = report.files[0]!.data;
    const meta = await sharp(stored).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.width).toBe(320);
    for (const canary of ['SERIAL-CANARY-4711', 'CanaryMake', 'CanaryModel', 'OwnerCanary', 'OwnerNameCanary', 'CopyCanary', 'Exif']) {
      expect(stored.includes(canary), canary).toBe(false);
    }
  });

  it('PDF 原样保存并如实提示隐藏信息可能保留', async () => {
    const t = await makeApp();
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Author(AuthorCanary)>>endobj\ntrailer<<>>\n%%EOF\n');
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(pdf, 'a.pdf')]));
    expect(res.status).toBe(201);
    expect(body.attachments[0]).toMatchObject({ kind: 'pdf', metadata_may_remain: true });
  });

  it('JPEG 与 HTML 拼接的多义文件：重新编码后只剩图片', async () => {
    const t = await makeApp();
    const poly = Buffer.concat([await jpegWithExif(16, 16), Buffer.from('<html><script>alert("polyglot")</script></html>')]);
    const { res, body } = await submit(t.app, reportForm({}, [fileOf(poly, 'p.jpg')]));
    expect(res.status).toBe(201);
    const { intakePrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    const opened = await openByReceipt(t.deps, body.receipt);
    const stored = (await openReportAsIntake(t.db, t.deps.store, opened!.row.id, intakePrivateKey)).files[0]!.data;
    expect(stored.includes('polyglot')).toBe(false);
  });
});

describe('匿名和保密实名', () => {
  it('匿名：即使表单里还留着姓名电话，也不保存', async () => {
    const t = await makeApp();
    const { res } = await submit(t.app, reportForm({ identity_mode: 'anonymous', identity_name: '李四', identity_phone: '13800000000' }));
    expect(res.status).toBe(201);
    expect(await count(t, 'report_identities')).toBe(0);
    expect(first(await t.db.select({ r: reports.realName }).from(reports))!.r).toBe(false);
  });

  it('实名：身份只有身份保管人能打开，受理密钥和查询码都打不开', async () => {
    const t = await makeApp();
    const { body } = await submit(t.app, reportForm({ identity_mode: 'real_name', identity_name: '王五', identity_phone: '138 0000 0000' }));
    expect(await count(t, 'report_identities')).toBe(1);
    const { intakePrivateKey, custodianPrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    const opened = await openByReceipt(t.deps, body.receipt);
    const id = opened!.row.id;
    expect(await openIdentityAsCustodian(t.db, id, custodianPrivateKey)).toEqual({ name: '王五', phone: '13800000000' });
    await expect(openIdentityAsCustodian(t.db, id, intakePrivateKey)).rejects.toThrow();
    await expect(openIdentityAsCustodian(t.db, id, opened!.privateKey)).rejects.toThrow();
    const view = await (await t.app.request('/api/reports/lookup', { method: 'POST', body: JSON.stringify({ receipt: body.receipt }), headers: { 'content-type': 'application/json' } })).json();
    expect(JSON.stringify(view)).not.toContain('王五');
    expect(view.real_name).toBe(true);
  });

  it('选择实名但没填姓名电话：400', async () => {
    const t = await makeApp();
    const { res, body } = await submit(t.app, reportForm({ identity_mode: 'real_name' }));
    expect(res.status).toBe(400);
    expect(body.error.field).toBe('identity_name');
  });

  it('错误的恢复密钥被拒绝', async () => {
    const t = await makeApp();
    await expect(unlockWithRecoveryKey(t.db, 'AAAA-BBBB')).rejects.toThrow(RecoveryKeyError);
    const other = await makeApp();
    await expect(unlockWithRecoveryKey(t.db, other.recoveryKey)).rejects.toThrow(/不属于本系统/);
  });
});

describe('查询、留言和奖励', () => {
  const lookup = (t: TestApp, receipt: unknown) =>
    t.app.request('/api/reports/lookup', { method: 'POST', body: JSON.stringify({ receipt }), headers: { 'content-type': 'application/json' } });

  it('查询码打开举报；部门留言、状态和奖励决定都能看到；回复和补充证据', async () => {
    const t = await makeApp();
    const { body } = await submit(t.app, reportForm({ observed_at: '2026-11-01T20:30' }));
    const receipt = body.receipt as string;
    let res = await lookup(t, receipt.replace(/(\d{4})/g, '$1 '));
    expect(res.status).toBe(200);
    let view = await res.json();
    expect(view).toMatchObject({ status: 'received', place: VALID_FIELDS.place, description: VALID_FIELDS.description, observed_at: '2026-11-01 20:30', reward: { decision: 'pending' } });
    expect(view.timeline).toHaveLength(1);

    const opened = await openByReceipt(t.deps, receipt);
    await postDepartmentMessage(t.db, opened!.row.id, '请补充照片。', { status: 'investigating', note: '已转县应急局核查' });
    await decideReward(t.db, opened!.row.id, 'granted', 5000);

    const form = new FormData();
    form.set('receipt', receipt);
    form.set('body', '照片见附件。');
    form.append('files', fileOf(await jpegWithExif(32, 32), 'more.jpg'));
    res = await t.app.request('/api/reports/messages', { method: 'POST', body: form, headers: JSON_ACCEPT });
    expect(res.status).toBe(201);
    res = await t.app.request('/api/reports/messages', { method: 'POST', body: JSON.stringify({ receipt, body: '还有一件事。' }), headers: { ...JSON_ACCEPT, 'content-type': 'application/json' } });
    expect(res.status).toBe(201);

    view = await (await lookup(t, receipt)).json();
    expect(view.status).toBe('investigating');
    expect(view.timeline.map((e: { status: string }) => e.status)).toEqual(['received', 'investigating']);
    expect(view.timeline[1].note).toBe('已转县应急局核查');
    expect(view.messages.map((m: { from: string; body: string }) => [m.from, m.body])).toEqual([
      ['department', '请补充照片。'],
      ['reporter', '照片见附件。'],
      ['reporter', '还有一件事。'],
    ]);
    expect(view.messages[1].attachments[0].removed).toContain('拍摄位置（GPS）');
    expect(view.reward).toMatchObject({ decision: 'granted', amount_yuan: 5000 });

    const posted = await t.app.request('/report/status/', { method: 'POST', body: new URLSearchParams({ receipt }) });
    expect(posted.status).toBe(303);
    const html = await (await t.app.request(posted.headers.get('location')!)).text();
    expect(html).toContain('5,000 元');
    expect(html).toContain('怎样领取');
  });

  it('错误、畸形的查询码：404，形式相同；留言也一样', async () => {
    const t = await makeApp();
    for (const r of ['12345678901234567890', '1234', '', 'x'.repeat(90)]) {
      const res = await lookup(t, r);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('没有找到') } });
    }
    expect((await lookup(t, 12345)).status).toBe(400);
    const res = await t.app.request('/api/reports/messages', { method: 'POST', body: JSON.stringify({ receipt: '12345678901234567890', body: 'hi' }), headers: { ...JSON_ACCEPT, 'content-type': 'application/json' } });
    expect(res.status).toBe(404);
  });

  it('对错查询码用时相同（都不少于下限）', async () => {
    const t = await makeApp({ lookupFloorMs: 300 });
    const { body } = await submit(t.app, reportForm());
    const time = async (r: string) => {
      const start = performance.now();
      await lookup(t, r);
      return performance.now() - start;
    };
    // Several interleaved tries and their medians: one slow try on a busy machine must not decide it.
    const tries: Record<'right' | 'wrong' | 'malformed', number[]> = { right: [], wrong: [], malformed: [] };
    for (let i = 0; i < 5; i++) {
      tries.right.push(await time(body.receipt));
      tries.wrong.push(await time('98765432109876543210'));
      tries.malformed.push(await time('42'));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // Every single answer waits for the floor, whatever the code.
    for (const d of [...tries.right, ...tries.wrong, ...tries.malformed]) expect(d).toBeGreaterThanOrEqual(295);
    const right = median(tries.right);
    expect(Math.abs(right - median(tries.wrong)), JSON.stringify(tries)).toBeLessThan(150);
    expect(Math.abs(right - median(tries.malformed)), JSON.stringify(tries)).toBeLessThan(150);
  });
});

describe('频率限制', () => {
  it('超过上限回答 429 和中文说明，被拒绝的请求不留数据', async () => {
    const t = await makeApp({ limits: { submit: 2, lookup: 2, message: 2 } });
    expect((await submit(t.app, reportForm())).res.status).toBe(201);
    expect((await submit(t.app, reportForm())).res.status).toBe(201);
    const { res, body } = await submit(t.app, reportForm());
    expect(res.status).toBe(429);
    expect(body.error.message).toMatch(/分钟后再试/);
    expect(await count(t, 'reports')).toBe(2);
  });

  it('计数键是 HMAC，不含地址；换窗口时全部丢弃', () => {
    let now = 0;
    const limiter = new RateLimiter({ rotateMs: 1000, now: () => now });
    const a = { limit: 1, windowMs: 1000 };
    expect(limiter.hit('a', limiter.clientKey('203.0.113.9'), a)).toBe(true);
    expect(limiter.hit('a', limiter.clientKey('203.0.113.9'), a)).toBe(false);
    expect(limiter.hit('a', limiter.clientKey('203.0.113.10'), a)).toBe(true);
    const keys = [...(limiter as unknown as { counters: Map<string, number> }).counters.keys()];
    expect(keys.join()).not.toContain('203.0.113');
    now = 1000;
    expect(limiter.hit('a', limiter.clientKey('203.0.113.9'), a)).toBe(true);
    expect(limiter.size).toBe(1);
  });
});

describe('拿到 DATA_DIR 也看不到内容', () => {
  it('数据库（每张表的每个值；SQLite 还有 app.db 文件本身）和附件文件里找不到提交的文字、姓名、电话和照片中的信息', async () => {
    const t = await makeApp();
    const secretText = '夜班长张某某让我们关掉报警器SECRET-TEXT-5521';
    const photo = await jpegWithExif();
    await submit(t.app, reportForm({ description: secretText, place: '秘密地点PLACE-CANARY', identity_mode: 'real_name', identity_name: '赵六NAME', identity_phone: '13912345678' }, [fileOf(photo, 'IMG.jpg')]));
    const cells = await storedCells(t.db); // checkpoints the SQLite WAL into app.db first
    const files = [...(dbKind(t.db) === 'sqlite' ? [join(t.dataDir, 'app.db')] : []), ...(existsSync(join(t.dataDir, 'files')) ? readdirSync(join(t.dataDir, 'files')).map((f) => join(t.dataDir, 'files', f)) : [])];
    // The sealed attachments wherever the installation keeps them (files, or blob_chunks on PostgreSQL).
    const blobs = await Promise.all((await t.deps.store.list()).map(async (b): Promise<[string, Buffer]> => [`blob ${b}`, await t.deps.store.read(b)]));
    expect(blobs.length).toBe(1);
    const stored: [string, Buffer][] = [...files.map((f): [string, Buffer] => [f, readFileSync(f)]), ...blobs, ...cells.map((c, i): [string, Buffer] => [`database value ${i}`, c])];
    expect(cells.length).toBeGreaterThan(10);
    for (const [where, bytes] of stored) {
      for (const needle of [secretText, 'SECRET-TEXT-5521', 'PLACE-CANARY', '赵六NAME', '13912345678', 'SERIAL-CANARY-4711', 'CanaryMake', 'IMG.jpg']) {
        expect(bytes.includes(Buffer.from(needle)), `${needle} in ${where}`).toBe(false);
      }
    }
  });
});
