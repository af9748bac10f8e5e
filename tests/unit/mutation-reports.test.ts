/**
 * Report intake, attachments and follow-up (api/services/reports/) at the service level, fast enough
 * for mutation testing: file names, EXIF labels in both byte orders, every refusal and its words,
 * what a reporter is told was removed, Beijing calendar days, staging and clean-up when a write or a
 * commit fails, the per-report attachment cap, and the reporter's view.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS } from '../../config/reporting.ts';
import { openJson, open as openSealed } from '../../api/crypto/index.ts';
import { cleanAttachment, cleanFileName, exifTagLabels, isEmptyFilePart } from '../../api/services/reports/attachments.ts';
import { addReporterMessage, buildView, lookupReport, MAX_FILES_PER_REPORT, openByReceipt } from '../../api/services/reports/follow-up.ts';
import { cleanAll, fileReport } from '../../api/services/reports/intake.ts';
import { addDays, dayOf, discardStaged, stageFiles, summaryOf } from '../../api/services/reports/shared.ts';
import { unlockWithRecoveryKey } from '../../api/services/keys.ts';
import { sql } from 'drizzle-orm';
import { first, row, rows } from '../../api/db/client.ts';
import { reportMessages, reports } from '../../api/db/schema.ts';
import { countRows, errorText, makeApp, refuseInserts, rejection, type TestApp } from './report-fixtures.ts';

const file = (data: Buffer | string, name: string) => new File([typeof data === 'string' ? data : new Uint8Array(data)], name);
const INPUT = { category: 'general_hazard', sector: 'fire', township: 'xushang', place: '北门仓库', description: '安全出口被货物堵住了。', observedAt: '2026-05-01', identity: null } as const;

/** A raw EXIF block (TIFF header + IFD0 + Exif IFD) in either byte order. */
function exifBlock(le: boolean, tags: number[], exifTags: number[] = []): Buffer {
  const buf = Buffer.alloc(200);
  const u16 = (v: number, o: number) => (le ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const u32 = (v: number, o: number) => (le ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  buf.write(le ? 'II' : 'MM', 0, 'latin1');
  u16(42, 2);
  u32(8, 4);
  const all = exifTags.length ? [...tags, 0x8769] : tags;
  u16(all.length, 8);
  const exifAt = 8 + 2 + 12 * all.length + 4;
  all.forEach((tag, i) => {
    u16(tag, 10 + 12 * i);
    u16(2, 12 + 12 * i);
    u32(1, 14 + 12 * i);
    u32(tag === 0x8769 ? exifAt : 0, 18 + 12 * i);
  });
  u16(exifTags.length, exifAt);
  exifTags.forEach((tag, i) => u16(tag, exifAt + 2 + 12 * i));
  return buf;
}

async function reportKey(t: TestApp, reportId: string): Promise<Buffer> {
  const { intakePrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
  const grant = (await row<{ k: Buffer }>(t.db, sql`select sealed_private_key as k from report_key_grants where report_id = ${reportId} and recipient = 'intake'`))!;
  return openSealed(intakePrivateKey, Buffer.from(grant.k));
}


describe('附件：文件名、EXIF 标签、拒绝的说明', () => {
  it('文件名只留显示用的基本名', () => {
    expect(cleanFileName('../../etc/passwd', 'x')).toBe('passwd');
    expect(cleanFileName('C:\\Users\\王\\IMG_1.JPG', 'x')).toBe('IMG_1.JPG');
    expect(cleanFileName('\u202egpj.exe', 'x')).toBe('gpj.exe');
    expect(cleanFileName('a\u0000b\u0085c\u2066d.jpg', 'x')).toBe('abcd.jpg');
    expect(cleanFileName('...hidden', 'x')).toBe('hidden');
    expect(cleanFileName('  照片.jpg  ', 'x')).toBe('照片.jpg');
    expect(cleanFileName('dir/', '附件1')).toBe('附件1');
    expect(cleanFileName('a'.repeat(200), 'x')).toHaveLength(120);
    expect(cleanFileName('e\u0301.jpg', 'x')).toBe('\u00e9.jpg');
  });

  it('EXIF 标签：两种字节序、Exif 子目录、"Exif" 前缀、坏数据', () => {
    for (const le of [true, false]) {
      expect(exifTagLabels(exifBlock(le, [0x010f, 0x0110, 0x8825], [0xa431, 0x9003])).sort()).toEqual(['拍摄位置（GPS）', '拍摄时间', '设备品牌', '设备型号', '设备序列号'].sort());
      expect(exifTagLabels(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifBlock(le, [0x013b])]))).toEqual(['拍摄者']);
    }
    expect(exifTagLabels(exifBlock(true, [0x0100]))).toEqual([]);
    expect(exifTagLabels(Buffer.from('XX*\0'))).toEqual([]);
    expect(exifTagLabels(Buffer.from('II'))).toEqual([]);
    const truncated = exifBlock(true, [0x010f, 0x0110]).subarray(0, 22);
    expect(exifTagLabels(truncated)).toEqual(['设备品牌']);
    // An Exif IFD pointing at itself does not loop.
    const loop = exifBlock(true, [0x8769]);
    loop.writeUInt32LE(8, 18);
    expect(exifTagLabels(loop)).toEqual([]);
  });

  it('拒绝：太大 413、HEIC 和其他格式 400，说明写明原因', async () => {
    const big = { size: ATTACHMENT_LIMITS.maxBytes + 1, name: 'big.jpg', arrayBuffer: async () => new ArrayBuffer(0) } as unknown as File;
    await expect(cleanAttachment(big, 0)).rejects.toMatchObject({ status: 413, code: 'file_too_large', field: 'files', message: '每个附件不能超过 20 MB。请压缩后再上传，或分成几次补充。' });
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.from('\0\0\0\0mif1heic'), Buffer.alloc(32)]);
    await expect(cleanAttachment(file(heic, 'IMG.HEIC'), 0)).rejects.toMatchObject({ status: 400, code: 'file_type', message: expect.stringContaining('HEIC 格式的照片暂时不能处理') });
    await expect(cleanAttachment(file('<html></html>', 'x.jpg'), 2)).rejects.toMatchObject({ status: 400, code: 'file_type', message: '附件"x.jpg"的格式不支持：只能上传照片（JPEG、PNG、WebP 等）、视频（MP4、MOV 等）或 PDF 文件。' });
    await expect(cleanAttachment(file('<html></html>', ''), 2)).rejects.toMatchObject({ message: expect.stringContaining('附件"附件3"') });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    await expect(cleanAttachment(file(jpeg.subarray(0, 60), 'cut.jpg'), 0)).rejects.toMatchObject({ status: 400, code: 'file_broken', message: '附件"cut.jpg"看起来是图片，但文件已损坏，无法处理。请换一张重新上传。' });
  });

  it('PDF 原样保存并标明可能有隐藏信息；图片的输出格式和"已清除"列表', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');
    const kept = await cleanAttachment(file(pdf, 'a.pdf'), 0);
    expect(kept).toMatchObject({ name: '附件1.pdf', mime: 'application/pdf', kind: 'pdf', removed: [], metadataMayRemain: true });
    expect(kept.data.equals(pdf)).toBe(true);
    const base = () => sharp({ create: { width: 40, height: 20, channels: 3, background: '#123456' } });
    const icc = await base().jpeg().withIccProfile('p3').toBuffer();
    const withIcc = await cleanAttachment(file(icc, 'icc.jpg'), 0);
    expect(withIcc.removed).toEqual(['颜色配置文件']);
    expect(withIcc).toMatchObject({ mime: 'image/jpeg', kind: 'image', metadataMayRemain: false });
    const plain = await cleanAttachment(file(await base().png().toBuffer(), 'p.png'), 0);
    expect(plain).toMatchObject({ mime: 'image/png', removed: [] });
    const exif = await cleanAttachment(file(await base().webp().withExif({ IFD0: { Software: 'Editor' } }).toBuffer(), 'w.webp'), 0);
    expect(exif.mime).toBe('image/webp');
    expect(exif.removed).toEqual(['处理软件', '其他 EXIF 拍摄信息']);
    const gif = await cleanAttachment(file(await base().gif().toBuffer(), 'g.gif'), 0);
    expect(gif.mime).toBe('image/gif');
    expect((await cleanAttachment(file(await base().tiff().toBuffer(), 't.tif'), 0)).mime).toBe('image/jpeg');
    expect((await cleanAttachment(file(await base().avif().toBuffer(), 'a.avif'), 0)).mime).toBe('image/jpeg');
    // EXIF orientation is applied before it is dropped: a 40×20 photo marked "rotate 90°" is stored 20×40.
    const rotated = await cleanAttachment(file(await base().jpeg().withMetadata({ orientation: 6 }).toBuffer(), 'r.jpg'), 0);
    expect(await sharp(rotated.data).metadata()).toMatchObject({ width: 20, height: 40 });
    const pngText = await cleanAttachment(file(await base().png().withMetadata().toBuffer(), 'x.png'), 0);
    expect(pngText.removed.every((r) => r !== '图片注释')).toBe(true);
    expect(isEmptyFilePart(new File([], ''))).toBe(true);
    expect(isEmptyFilePart(new File([], 'blob'))).toBe(true);
    expect(isEmptyFilePart(new File([], 'named.jpg'))).toBe(false);
    expect(isEmptyFilePart(new File(['x'], ''))).toBe(false);
    expect(isEmptyFilePart('text')).toBe(false);
    expect((await cleanAll([file(pdf, '1.pdf'), file(pdf, '2.pdf')])).map((c) => c.name)).toEqual(['附件1.pdf', '附件2.pdf']);
  });
});

describe('日期、暂存和清理', () => {
  it('北京时间的日期和日期加减', () => {
    expect(dayOf(new Date('2026-06-30T16:30:00Z'))).toBe('2026-07-01');
    expect(dayOf(new Date('2026-06-30T15:59:00Z'))).toBe('2026-06-30');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(summaryOf({ name: 'a', mime: 'image/png', kind: 'image', size: 3, removed: ['x'], metadataMayRemain: false })).toEqual({ name: 'a', kind: 'image', type: 'PNG 图片', size: 3, removed: ['x'], metadata_may_remain: false });
    expect(summaryOf({ name: 'a', mime: 'x/unknown' as never, kind: 'pdf', size: 1, removed: [], metadataMayRemain: true }).type).toBe('x/unknown');
  });

  it('写入失败时删掉已写的附件；没有附件时不同步目录', async () => {
    const t = await makeApp({ fastReceipts: true });
    const calls: string[] = [];
    let writes = 0;
    const store = {
      ...t.deps.store,
      write: async (name: string, pieces: Iterable<Uint8Array>) => {
        calls.push(`write ${name}`);
        if (++writes === 2) throw new Error('disk full');
        return t.deps.store.write(name, pieces);
      },
      syncDir: async () => void calls.push('syncDir'),
      remove: async (name: string) => {
        calls.push(`remove ${name}`);
        await t.deps.store.remove(name);
      },
    };
    const pub = t.deps.keys.intakePublicKey;
    const cleaned = await cleanAll([file(Buffer.from('%PDF-1.4\n%%EOF'), 'a.pdf'), file(Buffer.from('%PDF-1.4\n%%EOF'), 'b.pdf')]);
    await expect(stageFiles(store, pub, cleaned)).rejects.toThrow('disk full');
    const [w1, w2] = calls.filter((c) => c.startsWith('write')).map((c) => c.slice(6));
    expect(calls).toEqual([`write ${w1}`, `write ${w2}`, `remove ${w1}`, `remove ${w2}`]);
    expect(await t.deps.store.list()).toEqual([]);
    calls.length = 0;
    expect(await stageFiles(store, pub, [])).toEqual([]);
    expect(calls).toEqual([]);
    const staged = await stageFiles(t.deps.store, pub, cleaned.slice(0, 1));
    expect(staged).toHaveLength(1);
    const meta = openJson<{ key: string; name: string; size: number }>((await unlockWithRecoveryKey(t.db, t.recoveryKey)).intakePrivateKey, staged[0]!.sealedMeta);
    expect(meta).toMatchObject({ name: '附件1.pdf', size: cleaned[0]!.data.length });
    expect(Buffer.from(meta.key, 'base64')).toHaveLength(32);
    await discardStaged({ ...t.deps.store, remove: async () => { throw new Error('gone'); } }, staged);
    await discardStaged(t.deps.store, staged);
    expect(await t.deps.store.list()).toEqual([]);
  });

  it('提交的事务失败时，已写的附件被删掉，什么都不留下', async () => {
    const t = await makeApp({ fastReceipts: true });
    await refuseInserts(t.db, 'report_events');
    expect(errorText(await rejection(fileReport(t.deps, INPUT, [file(Buffer.from('%PDF-1.4\n%%EOF'), 'a.pdf')])))).toContain('refused');
    expect(await t.deps.store.list()).toEqual([]);
    expect(await countRows(t.db, 'reports')).toBe(0);
    await expect(fileReport(t.deps, INPUT, Array.from({ length: ATTACHMENT_LIMITS.maxFiles + 1 }, () => file('x', 'x.pdf')))).rejects.toThrow('too many files');
  });
});

describe('受理和举报人这一侧', () => {
  it('存下的行：状态、日期、期限、实名标记；身份只加密给身份保管人', async () => {
    const t = await makeApp({ fastReceipts: true });
    const filed = await fileReport(t.deps, { ...INPUT, identity: { name: '张三', phone: '13800000000' } } as never, []);
    expect(filed.receipt).toMatch(/^\d{20}$/);
    expect(filed.attachments).toEqual([]);
    const stored = first(await t.db.select().from(reports))!;
    const today = dayOf();
    expect(stored).toMatchObject({ category: 'general_hazard', sector: 'fire', township: 'xushang', status: 'received', realName: true, createdOn: today, updatedOn: today, dueOn: addDays(today, 60) }); // default 办结期限 (the setting is tested at its boundaries in office-cases)
    expect(await rows(t.db, sql`select status, actor, sealed_note from report_events`)).toEqual([{ status: 'received', actor: 'system', sealed_note: null }]);
    const { custodianPrivateKey } = await unlockWithRecoveryKey(t.db, t.recoveryKey);
    const sealedIdentity = Buffer.from((await row<{ s: Buffer }>(t.db, sql`select sealed_identity as s from report_identities`))!.s);
    expect(openJson(custodianPrivateKey, sealedIdentity)).toEqual({ name: '张三', phone: '13800000000' });
    const key = await reportKey(t, stored.id);
    // The report key (and so every handler) cannot open the identity.
    expect(() => openJson(key, sealedIdentity)).toThrow();
    expect(openJson(key, stored.sealedContent)).toEqual({ place: '北门仓库', description: '安全出口被货物堵住了。', observedAt: '2026-05-01' });
    const anon = await fileReport(t.deps, INPUT, []);
    expect(first(await t.db.select({ r: reports.realName }).from(reports).orderBy(sql`rowid desc`).limit(1))!.r).toBe(false);
    expect(await countRows(t.db, 'report_identities')).toBe(1);
    expect(anon.receipt).not.toBe(filed.receipt);
  });

  it('查询码：格式宽松，错一位、空、非文字都打不开；看到的内容完整', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { receipt, attachments } = await fileReport(t.deps, INPUT, [file(Buffer.from('%PDF-1.4\n%%EOF'), 'a.pdf')]);
    expect(attachments).toEqual([{ name: '附件1.pdf', kind: 'pdf', type: 'PDF 文档', size: 14, removed: [], metadata_may_remain: true }]);
    expect(await openByReceipt(t.deps, receipt.replace(/(\d{4})(?=\d)/g, '$1 '))).not.toBeNull();
    const wrong = receipt.slice(0, 19) + String((Number(receipt[19]) + 1) % 10);
    for (const bad of [wrong, '', 42, null, receipt.slice(1)]) expect(await openByReceipt(t.deps, bad), String(bad)).toBeNull();
    // A row whose reporter key box does not open with this receipt (tampered) is not opened either.
    await t.db.update(reports).set({ receiptSalt: Buffer.alloc(16, 9) });
    expect(await openByReceipt(t.deps, receipt)).toBeNull();
  });

  it('举报人看到的：时间线、留言、附件、奖励；补充留言和附件；每件最多 30 个附件', async () => {
    const t = await makeApp({ fastReceipts: true });
    const pdf = () => file(Buffer.from('%PDF-1.4\n%%EOF'), 'e.pdf');
    const { receipt } = await fileReport(t.deps, INPUT, [pdf()]);
    const view = (await lookupReport(t.deps, receipt))!;
    expect(view).toMatchObject({
      status: 'received',
      status_label: '已收到',
      status_hint: '举报已安全保存，等待受理审核。',
      category: 'general_hazard',
      place: '北门仓库',
      description: '安全出口被货物堵住了。',
      observed_at: '2026-05-01',
      real_name: false,
      messages: [],
      reward: { decision: 'pending', amount_yuan: null, decided_on: null },
    });
    expect(view.timeline).toEqual([{ on: dayOf(), status: 'received', label: '已收到', note: null }]);
    expect(view.attachments).toHaveLength(1);
    expect(await addReporterMessage(t.deps, '00000000000000000000', '你好', [])).toBeNull();
    await t.db.update(reports).set({ updatedOn: '2020-01-01' });
    const added = await addReporterMessage(t.deps, receipt, '', [pdf(), pdf()]);
    expect(added!.attachments).toHaveLength(2);
    expect(first(await t.db.select({ u: reports.updatedOn }).from(reports))!.u).toBe(dayOf());
    await addReporterMessage(t.deps, receipt, '补充说明', []);
    const after = (await lookupReport(t.deps, receipt))!;
    expect(after.messages.map((m) => [m.from, m.body, m.attachments.length])).toEqual([
      ['reporter', '（补充了 2 个附件）', 2],
      ['reporter', '补充说明', 0],
    ]);
    expect(after.attachments).toHaveLength(1);
    expect(MAX_FILES_PER_REPORT).toBe(30);
    // Up to 30 in all: 3 so far, 27 more fit, then one more is refused and nothing is stored.
    for (let i = 0; i < 5; i++) await addReporterMessage(t.deps, receipt, `第 ${i} 批`, Array.from({ length: 5 }, pdf));
    await addReporterMessage(t.deps, receipt, '最后两个', [pdf(), pdf()]);
    expect(await countRows(t.db, 'report_files')).toBe(30);
    await expect(addReporterMessage(t.deps, receipt, '再来一个', [pdf()])).rejects.toThrow();
    expect(await countRows(t.db, 'report_files')).toBe(30);
    expect(await t.deps.store.list()).toHaveLength(30);
    // A department message whose sealed body does not open: the view refuses rather than show it.
    for (const r of await t.db.select({ id: reports.id }).from(reports)) {
      await t.db.insert(reportMessages).values({ reportId: r.id, author: 'department', sealedBody: Buffer.alloc(0), createdOn: '2026-01-02' });
    }
    const opened = (await openByReceipt(t.deps, receipt))!;
    await expect(buildView(t.deps, opened)).rejects.toThrow();
  });
});
