/**
 * More report intake, attachment and follow-up checks, aimed at mutants that survived the first
 * mutation run of api/services/reports/ (docs/mutation.md): every EXIF tag a reporter is told about,
 * broken or nested EXIF that must not hide or invent a tag, the 20 MB boundary, stored images really
 * being the type they are labelled, animated GIFs kept animated, what the reporter sees for each
 * status, department messages and the attachments of each message.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS, REPORT_STATUSES } from '../../config/reporting.ts';
import { cleanAttachment, exifTagLabels } from '../../api/services/reports/attachments.ts';
import { addReporterMessage, lookupReport, sealText } from '../../api/services/reports/follow-up.ts';
import { fileReport } from '../../api/services/reports/intake.ts';
import { sql } from 'drizzle-orm';
import { first, rows } from '../../api/db/client.ts';
import { reportMessages, reports } from '../../api/db/schema.ts';
import { makeApp } from './report-fixtures.ts';

const file = (data: Buffer | string, name: string) => new File([typeof data === 'string' ? data : new Uint8Array(data)], name);
const INPUT = { category: 'general_hazard', sector: 'fire', township: 'xushang', place: '北门仓库', description: '安全出口被货物堵住了。', observedAt: '2026-05-01', identity: null } as const;
const pdf = (name = 'e.pdf') => file(Buffer.from('%PDF-1.4\n%%EOF'), name);

const GPS = '拍摄位置（GPS）';

/**
 * A little-endian TIFF/EXIF block built from IFDs: each IFD is a list of [tag, value]; the value of an
 * Exif-IFD pointer (0x8769) is the index of the IFD it points to, or a raw offset when given as {raw}.
 */
function tiffLE(ifds: [number, number | { raw: number }][][], extra: Buffer = Buffer.alloc(0)): Buffer {
  const starts: number[] = [];
  let at = 8;
  for (const ifd of ifds) {
    starts.push(at);
    at += 2 + 12 * ifd.length + 4;
  }
  const buf = Buffer.alloc(at);
  buf.write('II', 0, 'latin1');
  buf.writeUInt16LE(42, 2);
  buf.writeUInt32LE(8, 4);
  ifds.forEach((ifd, n) => {
    const s = starts[n]!;
    buf.writeUInt16LE(ifd.length, s);
    ifd.forEach(([tag, value], i) => {
      const e = s + 2 + 12 * i;
      buf.writeUInt16LE(tag, e);
      buf.writeUInt16LE(4, e + 2);
      buf.writeUInt32LE(1, e + 4);
      buf.writeUInt32LE(typeof value === 'number' ? (tag === 0x8769 ? starts[value]! : value) : value.raw, e + 8);
    });
  });
  return Buffer.concat([buf, extra]);
}

describe('告诉举报人清除了哪些 EXIF 信息', () => {
  it('每一种有名字的标签都说出来', () => {
    const named: [number, string][] = [
      [0x010f, '设备品牌'],
      [0x0110, '设备型号'],
      [0x013b, '拍摄者'],
      [0x8298, '版权信息'],
      [0x0131, '处理软件'],
      [0x0132, '修改时间'],
      [0x8825, GPS],
    ];
    const inExif: [number, string][] = [
      [0x9003, '拍摄时间'],
      [0x9004, '数字化时间'],
      [0xa430, '相机所有者'],
      [0xa431, '设备序列号'],
      [0xa433, '镜头品牌'],
      [0xa434, '镜头型号'],
      [0xa435, '镜头序列号'],
      [0xa420, '图像唯一编号'],
    ];
    const block = tiffLE([[...named.map(([t]) => [t, 0] as [number, number]), [0x8769, 1]], inExif.map(([t]) => [t, 0])]);
    expect(exifTagLabels(block).sort()).toEqual([...named, ...inExif].map(([, l]) => l).sort());
    // DNG's camera serial number (0xc62f) is named like the EXIF one.
    expect(exifTagLabels(tiffLE([[[0xc62f, 0]]]))).toEqual(['设备序列号']);
  });

  it('Exif 子目录最多跟进三层；更深的不读', () => {
    // IFD0 → Exif IFD → … : each level carries one named tag and a pointer to the next level.
    const tags = [0x010f, 0x0110, 0x013b, 0x8298, 0x0131];
    const chain = tiffLE(tags.map((t, i) => (i < tags.length - 1 ? [[t, 0], [0x8769, i + 1]] : [[t, 0]])));
    expect(exifTagLabels(chain).sort()).toEqual(['设备品牌', '设备型号', '拍摄者', '版权信息'].sort());
  });

  it('坏掉的 Exif 子目录不会让后面的 GPS 漏报', () => {
    // The pointer aims at the last byte of the block: nothing to read there, the GPS entry still counts.
    const size = tiffLE([[[0x8769, { raw: 0 }], [0x8825, 0]]]).length;
    expect(exifTagLabels(tiffLE([[[0x8769, { raw: size - 1 }], [0x8825, 0]]]))).toEqual([GPS]);
    // The sub-directory says it has 3 entries but the block ends after one: the GPS entry of IFD0 still counts.
    const cut = Buffer.alloc(2 + 12);
    cut.writeUInt16LE(3, 0);
    cut.writeUInt16LE(0x010f, 2);
    expect(exifTagLabels(tiffLE([[[0x8769, { raw: size }], [0x8825, 0]]], cut)).sort()).toEqual([GPS, '设备品牌'].sort());
  });

  it('只说真有的标签：目录之后的数据和普通标签的值不当作标签', () => {
    // The 4 bytes after IFD0's single entry (the next-IFD offset) read like a GPS tag id if misparsed.
    const block = tiffLE([[[0x010f, 0]]], Buffer.alloc(12));
    block.writeUInt32LE(0x8825, 8 + 2 + 12);
    expect(exifTagLabels(block)).toEqual(['设备品牌']);
    // A Make tag whose value offset points at bytes that look like a directory with a GPS entry.
    const fake = Buffer.alloc(14);
    fake.writeUInt16LE(1, 0);
    fake.writeUInt16LE(0x8825, 2);
    const base = tiffLE([[[0x010f, 0]]]);
    const withValue = tiffLE([[[0x010f, base.length]]], fake);
    expect(exifTagLabels(withValue)).toEqual(['设备品牌']);
    // Neither II nor MM: not EXIF, even if the bytes would read as a GPS directory big-endian.
    const junk = Buffer.alloc(24);
    junk.write('XX', 0, 'latin1');
    junk.writeUInt32BE(8, 4);
    junk.writeUInt16BE(1, 8);
    junk.writeUInt16BE(0x8825, 10);
    expect(exifTagLabels(junk)).toEqual([]);
    junk.write('MM', 0, 'latin1');
    expect(exifTagLabels(junk)).toEqual([GPS]);
  });
});

describe('附件的大小、类型和存下的格式', () => {
  it('正好 20 MB 的附件收下；声称的大小比实际小也照样按实际大小拒绝', async () => {
    const exact = Buffer.alloc(ATTACHMENT_LIMITS.maxBytes, 0x20);
    exact.write('%PDF-1.4\n', 0, 'latin1');
    const kept = await cleanAttachment(file(exact, 'big.pdf'), 0);
    expect(kept).toMatchObject({ name: '附件1.pdf', kind: 'pdf' });
    expect(kept.data.length).toBe(ATTACHMENT_LIMITS.maxBytes);
    const liar = { size: 10, name: 'liar.pdf', arrayBuffer: async () => new ArrayBuffer(ATTACHMENT_LIMITS.maxBytes + 1) } as unknown as File;
    await expect(cleanAttachment(liar, 0)).rejects.toMatchObject({ status: 413, code: 'file_too_large', field: 'files' });
  });

  it('HEIF（mif1）和 HEIC 一样给出改格式的说明；拒绝都标在附件栏', async () => {
    const heif = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmif1'), Buffer.from('\0\0\0\0mif1miaf'), Buffer.alloc(32)]);
    await expect(cleanAttachment(file(heif, 'IMG.HEIF'), 0)).rejects.toMatchObject({
      status: 400,
      code: 'file_type',
      field: 'files',
      message: '附件"IMG.HEIF"的格式不支持：HEIC 格式的照片暂时不能处理，请在手机上改为"兼容性最佳"或截图后上传。',
    });
    await expect(cleanAttachment(file('<html></html>', 'x.jpg'), 0)).rejects.toMatchObject({ field: 'files', code: 'file_type' });
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).jpeg().toBuffer();
    await expect(cleanAttachment(file(jpeg.subarray(0, 60), 'cut.jpg'), 0)).rejects.toMatchObject({ field: 'files', code: 'file_broken' });
  });

  it('存下的图片字节就是标明的格式（工作人员打得开）', async () => {
    const base = () => sharp({ create: { width: 16, height: 12, channels: 3, background: '#336699' } });
    const cases: [Buffer, string, string][] = [
      [await base().png().toBuffer(), 'image/png', 'png'],
      [await base().webp().toBuffer(), 'image/webp', 'webp'],
      [await base().gif().toBuffer(), 'image/gif', 'gif'],
      [await base().jpeg().toBuffer(), 'image/jpeg', 'jpeg'],
      [await base().tiff().toBuffer(), 'image/jpeg', 'jpeg'],
    ];
    for (const [input, mime, format] of cases) {
      const out = await cleanAttachment(file(input, 'x'), 0);
      expect(out.mime, format).toBe(mime);
      expect(out.name, format).toBe(`附件1.${{ 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/jpeg': 'jpg' }[mime]}`);
      expect((await sharp(out.data).metadata()).format, mime).toBe(format);
    }
  });

  it('动图 GIF 存下后仍是动图（每一帧都在）', async () => {
    const w = 8;
    const h = 8;
    const frames = 3;
    const raw = Buffer.alloc(w * h * frames * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(i / (w * h * 3)) * 100;
    const gif = await sharp(raw, { raw: { width: w, height: h * frames, channels: 3, pageHeight: h } }).gif().toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(frames);
    const out = await cleanAttachment(file(gif, 'a.gif'), 0);
    expect(out.mime).toBe('image/gif');
    expect(await sharp(out.data).metadata()).toMatchObject({ format: 'gif', pages: frames, width: w });
  });

  it('一次举报正好 5 个附件可以提交', async () => {
    const t = await makeApp({ fastReceipts: true });
    const filed = await fileReport(t.deps, INPUT, Array.from({ length: ATTACHMENT_LIMITS.maxFiles }, (_, i) => pdf(`${i}.pdf`)));
    expect(filed.attachments.map((a) => a.name)).toEqual(Array.from({ length: ATTACHMENT_LIMITS.maxFiles }, (_, i) => `附件${i + 1}.pdf`));
    expect(await t.deps.store.list()).toHaveLength(ATTACHMENT_LIMITS.maxFiles);
  });
});

describe('举报人看到的进展和留言', () => {
  it('每个状态给出自己的名称和说明；不认识的状态照原样显示、没有说明', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { receipt } = await fileReport(t.deps, INPUT, []);
    for (const s of REPORT_STATUSES) {
      await t.db.update(reports).set({ status: s.code });
      const view = (await lookupReport(t.deps, receipt))!;
      expect([view.status, view.status_label, view.status_hint]).toEqual([s.code, s.name, s.hint]);
    }
    await t.db.update(reports).set({ status: 'archived_legacy' });
    const view = (await lookupReport(t.deps, receipt))!;
    expect([view.status_label, view.status_hint]).toEqual(['archived_legacy', '']);
  });

  it('部门的留言标为部门；补充的附件挂在对应留言下并写明内容；存下的作者是举报人', async () => {
    const t = await makeApp({ fastReceipts: true });
    const { receipt } = await fileReport(t.deps, INPUT, [pdf('first.pdf')]);
    const added = await addReporterMessage(t.deps, receipt, '又拍了两张', [pdf(), pdf()]);
    const summary = (name: string) => ({ name, kind: 'pdf', type: 'PDF 文档', size: 14, removed: [], metadata_may_remain: true });
    expect(added).toEqual({ attachments: [summary('附件1.pdf'), summary('附件2.pdf')] });
    expect(await rows(t.db, sql`select author from report_messages`)).toEqual([{ author: 'reporter' }]);
    const row = first(await t.db.select({ id: reports.id, k: reports.publicKey }).from(reports))!;
    await t.db.insert(reportMessages).values({ reportId: row.id, author: 'department', sealedBody: sealText(row.k, '已派人核查，请保持电话畅通。'), createdOn: '2026-06-02' });
    const view = (await lookupReport(t.deps, receipt))!;
    expect(view.attachments).toEqual([summary('附件1.pdf')]);
    expect(view.messages.map((m) => [m.from, m.body, m.attachments])).toEqual([
      ['reporter', '又拍了两张', [summary('附件1.pdf'), summary('附件2.pdf')]],
      ['department', '已派人核查，请保持电话畅通。', []],
    ]);
  });
});
