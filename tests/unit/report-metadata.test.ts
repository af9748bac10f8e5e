/**
 * Metadata is really gone from what is stored, for every accepted image type: each fixture carries
 * EXIF/GPS, XMP and IPTC (where its format has a place for them), is filed through the real route,
 * and the stored blob is decrypted here and examined with an independent parser (exifr) and our own
 * container walkers — never by trusting the server's "removed" list. That list is then checked
 * against what the fixture really carried.
 */
import exifr from 'exifr';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_TYPES } from '../../config/reporting.ts';
import { CANARY, gifExtensions, jpegSegments, metadataFixtures, pngChunks, webpChunks, type MetaFixture } from './metadata-fixtures.ts';
import { sql } from 'drizzle-orm';
import { row } from '../../api/db/client.ts';
import { fileOf, makeApp, reportForm, submit } from './report-fixtures.ts';
import { decryptAttachments } from './stored-attachment.ts';

const CANARIES = Object.values(CANARY);
const hasBytes = (buf: Buffer, s: string) => buf.includes(Buffer.from(s, 'utf8')) || buf.includes(Buffer.from(s, 'utf16le')) || buf.includes(Buffer.from(Buffer.from(s).toString('hex')));
const EXIFR_ALL = { tiff: true, ifd0: true, exif: true, gps: true, interop: true, ifd1: true, xmp: true, iptc: true, icc: true, jfif: false, ihdr: false, mergeOutput: false, translateValues: false } as const;

/** What exifr finds, segment by segment (undefined when nothing). */
async function exifrSegments(buf: Buffer): Promise<Record<string, unknown>> {
  const parsed = (await exifr.parse(buf, EXIFR_ALL as never)) as Record<string, unknown> | undefined;
  return parsed ?? {};
}

/** The claims a reporter reads, by the kind of metadata they name. */
const CLAIM = { gps: '拍摄位置（GPS）', xmp: /^XMP/, iptc: /^IPTC/, exif: /EXIF|设备品牌|设备型号|设备序列号|拍摄者/ } as const;
/**
 * Known understatements (the reply names less than was removed; nothing false is said): libvips does
 * not expose a TIFF's own EXIF/GPS tags as EXIF, so intake does not name them although they are gone.
 */
const UNDERSTATED: Record<string, (keyof typeof CLAIM)[]> = {};
const claims = (removed: string[], kind: keyof typeof CLAIM) => removed.some((r) => (typeof CLAIM[kind] === 'string' ? r === CLAIM[kind] : (CLAIM[kind] as RegExp).test(r)));

describe('附件元数据：每种接受的图片格式，解密后用独立解析器检查', () => {
  let fixtures: MetaFixture[];
  beforeAll(async () => {
    fixtures = await metadataFixtures();
  });

  it('测试用图片覆盖 intake 接受的全部图片类型', () => {
    const accepted = Object.entries(ATTACHMENT_TYPES).filter(([, t]) => t.kind === 'image').map(([m]) => m).sort();
    expect(fixtures.map((f) => f.mime).sort()).toEqual(accepted);
  });

  it('测试用图片确实带着它们声称的元数据', async () => {
    for (const f of fixtures) {
      const meta = await sharp(f.data).metadata();
      expect(meta.width, f.name).toBe(f.width);
      if (f.mime === 'image/jpeg' || f.mime === 'image/png' || f.mime === 'image/tiff') {
        const seg = await exifrSegments(f.data);
        if (f.carries.includes('exif')) expect((seg.ifd0 as Record<string, unknown>)?.Make ?? (seg.ifd0 as Record<number, unknown>)?.[0x010f], `${f.name} EXIF`).toBe(CANARY.make);
        if (f.carries.includes('gps')) expect(await exifr.gps(f.data), `${f.name} GPS`).toMatchObject({ latitude: expect.closeTo(37.308, 2) });
        // exifr does not inflate PNG's compressed iTXt; libvips reads it.
        if (f.carries.includes('xmp')) expect(JSON.stringify(seg.xmp ?? seg) + (meta.xmp?.toString('utf8') ?? ''), `${f.name} XMP`).toContain(CANARY.xmpCreator);
        if (f.carries.includes('iptc') && f.mime !== 'image/png') expect(JSON.stringify(seg.iptc), `${f.name} IPTC`).toContain(CANARY.iptcByline);
      } else {
        if (f.carries.includes('exif')) expect(meta.exif, `${f.name} EXIF`).toBeDefined();
        if (f.carries.includes('xmp')) expect(meta.xmp ?? (hasBytes(f.data, CANARY.xmpCreator) ? 'bytes' : undefined), `${f.name} XMP`).toBeDefined();
      }
      if (f.mime === 'image/webp') expect(webpChunks(f.data)).toEqual(expect.arrayContaining(['EXIF', 'XMP ']));
      if (f.mime === 'image/gif') expect(gifExtensions(f.data)).toEqual(expect.arrayContaining(['app:XMP DataXMP', 'comment']));
      if (f.mime === 'image/png') expect(pngChunks(f.data)).toEqual(expect.arrayContaining(['zTXt', 'tEXt']));
      // Every canary of every kind the fixture carries is in its bytes (hex for PNG's raw IPTC profile).
      if (f.carries.includes('exif')) expect(hasBytes(f.data, CANARY.serial) || f.mime === 'image/avif', `${f.name} serial`).toBe(true);
      if (f.carries.includes('iptc')) expect(hasBytes(f.data, CANARY.iptcCity), `${f.name} IPTC bytes`).toBe(true);
      if (f.carries.includes('comment')) expect(hasBytes(f.data, CANARY.comment), `${f.name} comment`).toBe(true);
    }
  });

  it('存下来的附件没有任何元数据，图片完好，告诉举报人的"已清除"属实', async () => {
    const t = await makeApp({ fastReceipts: true });
    const problems: string[] = [];
    for (const f of fixtures) {
      const { res, body } = await submit(t.app, reportForm({}, [fileOf(f.data, f.name)]));
      expect(res.status, `${f.name}: ${JSON.stringify(body)}`).toBe(201);
      const reportId = (await row<{ id: string }>(t.db, sql`select id from reports order by rowid desc limit 1`))!.id;
      const [stored] = await decryptAttachments(t.db, t.deps.store, t.recoveryKey, reportId);
      const out = stored!.plaintext;
      const removed = body.attachments[0].removed as string[];

      // The picture is still the picture.
      const meta = await sharp(out).metadata();
      if (meta.width !== f.width || meta.height !== f.height) problems.push(`${f.name}: 存下的图片尺寸 ${meta.width}×${meta.height}`);
      for (const c of CANARIES) if (hasBytes(out, c)) problems.push(`${f.name}: 存下的文件里还有 ${c}`);
      // An independent parser finds nothing: no EXIF/GPS, XMP, IPTC or ICC in any container.
      const format = meta.format;
      if (format === 'jpeg' || format === 'png' || format === 'tiff') {
        const seg = await exifrSegments(out);
        const left = Object.keys(seg).filter((k) => !['ihdr', 'jfif'].includes(k));
        if (left.length) problems.push(`${f.name}: exifr 在存下的 ${format} 里找到 ${left.join(', ')}`);
        if (await exifr.gps(out)) problems.push(`${f.name}: exifr 找到 GPS`);
      }
      if (format === 'jpeg') {
        const extra = jpegSegments(out).filter((m) => /^ff(e[1-9a-f]|fe)$/.test(m));
        if (extra.length) problems.push(`${f.name}: JPEG 里还有段 ${extra.join(', ')}`);
      } else if (format === 'png') {
        const extra = pngChunks(out).filter((c) => !['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND', 'pHYs', 'sRGB', 'gAMA', 'cHRM', 'sBIT', 'bKGD'].includes(c));
        if (extra.length) problems.push(`${f.name}: PNG 里还有块 ${extra.join(', ')}`);
      } else if (format === 'webp') {
        const extra = webpChunks(out).filter((c) => !['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF'].includes(c));
        if (extra.length) problems.push(`${f.name}: WebP 里还有块 ${extra.join(', ')}`);
      } else if (format === 'gif') {
        const extra = gifExtensions(out).filter((e) => e !== '0xf9' && e !== 'app:NETSCAPE2.0');
        if (extra.length) problems.push(`${f.name}: GIF 里还有扩展 ${extra.join(', ')}`);
      } else {
        problems.push(`${f.name}: 存成了没有检查过的格式 ${format}`);
      }
      // What the reply says was removed is true: it was there, and now it is gone.
      const understated = UNDERSTATED[f.mime] ?? [];
      if (claims(removed, 'gps') && !f.carries.includes('gps')) problems.push(`${f.name}: 回执说去掉了 GPS，但图片没有 GPS`);
      if (f.carries.includes('gps') && !claims(removed, 'gps') && !understated.includes('gps')) problems.push(`${f.name}: 回执说去掉了 GPS＝${claims(removed, 'gps')}，图片带 GPS＝${f.carries.includes('gps')}`);
      for (const kind of ['xmp', 'iptc', 'exif'] as const) {
        if (claims(removed, kind) && !f.carries.includes(kind)) problems.push(`${f.name}: 回执说去掉了 ${kind}，但图片没有`);
      }
      if (f.carries.includes('exif') && !claims(removed, 'exif') && !understated.includes('exif')) problems.push(`${f.name}: 图片带 EXIF，回执没有说去掉`);
      if (f.carries.includes('xmp') && f.mime !== 'image/gif' && !claims(removed, 'xmp')) problems.push(`${f.name}: 图片带 XMP，回执没有说去掉`);
      if (f.carries.includes('iptc') && (f.mime === 'image/jpeg' || f.mime === 'image/tiff') && !claims(removed, 'iptc')) problems.push(`${f.name}: 图片带 IPTC，回执没有说去掉`);
    }
    expect(problems).toEqual([]);
  });
});
