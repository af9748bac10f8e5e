/**
 * Attachment checks and clean-up: the type comes from the bytes (file-type), images are re-encoded
 * by sharp with every piece of metadata dropped, and the reporter is told what was removed.
 * Videos are remuxed without re-encoding and without their container metadata when Debian's ffmpeg is
 * installed (video-metadata.ts); PDFs are stored as they are (the form warns first) and reach staff
 * only as page images (pdf-preview.ts).
 */
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES, type AttachmentMime } from '../../../config/reporting.ts';
import { UserError } from '../../errors.ts';
import { stripVideoMetadata } from './video-metadata.ts';

export interface CleanAttachment {
  /**
   * Stored and shown name, made from the position and the detected type (附件1.pdf). The uploader's
   * file name is never stored: it can identify them, and a name like 证据.html or 整改说明.bat must not
   * decide how a staff member's computer opens the file.
   */
  name: string;
  mime: AttachmentMime;
  kind: 'image' | 'video' | 'pdf';
  data: Buffer;
  /** Plain-language list of what was removed (images), e.g. "拍摄位置（GPS）". */
  removed: string[];
  /** True when metadata may remain (PDF, video). */
  metadataMayRemain: boolean;
}

/** Display-safe base name: no directories, control characters or overlong names. */
export function cleanFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return cleaned || fallback;
}

// EXIF tags worth naming to a reporter (TIFF tag ids in IFD0 / Exif IFD).
const EXIF_TAG_LABELS: Record<number, string> = {
  0x010f: '设备品牌',
  0x0110: '设备型号',
  0x013b: '拍摄者',
  0x8298: '版权信息',
  0x0131: '处理软件',
  0x0132: '修改时间',
  0x9003: '拍摄时间',
  0x9004: '数字化时间',
  0xa430: '相机所有者',
  0xa431: '设备序列号',
  0xa433: '镜头品牌',
  0xa434: '镜头型号',
  0xa435: '镜头序列号',
  0xa420: '图像唯一编号',
  0xc62f: '设备序列号',
  0x8825: '拍摄位置（GPS）',
};
const EXIF_IFD_POINTER = 0x8769;

/** Lists the named tags present in a raw EXIF block (as sharp returns it); tolerant of junk. */
export function exifTagLabels(exif: Buffer): string[] {
  const found = new Set<string>();
  let buf = exif;
  const start = buf.indexOf('Exif\0\0');
  if (start >= 0 && start < 16) buf = buf.subarray(start + 6);
  if (buf.length < 8) return [];
  const le = buf.toString('latin1', 0, 2) === 'II';
  if (!le && buf.toString('latin1', 0, 2) !== 'MM') return [];
  const u16 = (o: number) => (le ? buf.readUInt16LE(o) : buf.readUInt16BE(o));
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const seen = new Set<number>();
  const walk = (offset: number, depth: number) => {
    if (depth > 3 || seen.has(offset) || offset + 2 > buf.length) return;
    seen.add(offset);
    const count = u16(offset);
    for (let i = 0; i < count && i < 500; i++) {
      const entry = offset + 2 + i * 12;
      if (entry + 12 > buf.length) return;
      const tag = u16(entry);
      const label = EXIF_TAG_LABELS[tag];
      if (label) found.add(label);
      if (tag === EXIF_IFD_POINTER) walk(u32(entry + 8), depth + 1);
    }
  };
  try {
    walk(u32(4), 0);
  } catch {
    /* malformed EXIF: report what was found so far */
  }
  return [...found];
}

function tooLarge(): UserError {
  return new UserError(413, 'file_too_large', `每个附件不能超过 ${ATTACHMENT_LIMITS.maxBytes / 1024 / 1024} MB。请压缩后再上传，或分成几次补充。`, 'files');
}

/** Checks one upload by content and returns the cleaned bytes; refusals are Chinese UserErrors. */
export async function cleanAttachment(file: File, index: number): Promise<CleanAttachment> {
  if (file.size > ATTACHMENT_LIMITS.maxBytes) throw tooLarge();
  // Only for refusals shown to the reporter who chose the file; never stored.
  const name = cleanFileName(file.name, `附件${index + 1}`);
  const input = Buffer.from(await file.arrayBuffer());
  if (input.length > ATTACHMENT_LIMITS.maxBytes) throw tooLarge();
  const detected = await fileTypeFromBuffer(input).catch(() => undefined);
  const mime = detected?.mime as AttachmentMime | undefined;
  const type = mime ? ATTACHMENT_TYPES[mime] : undefined;
  if (!mime || !type) {
    const what = detected?.mime === 'image/heic' || detected?.mime === 'image/heif' ? 'HEIC 格式的照片暂时不能处理，请在手机上改为"兼容性最佳"或截图后上传' : '只能上传照片（JPEG、PNG、WebP 等）、视频（MP4、MOV 等）或 PDF 文件';
    throw new UserError(400, 'file_type', `附件"${name}"的格式不支持：${what}。`, 'files');
  }
  const stored = generatedFileName(index, mime);
  if (type.kind === 'video') {
    const remuxed = await stripVideoMetadata(input, mime);
    if (remuxed) return { name: stored, mime, kind: 'video', data: remuxed.data, removed: remuxed.removed, metadataMayRemain: false };
    return { name: stored, mime, kind: 'video', data: input, removed: [], metadataMayRemain: true };
  }
  if (type.kind !== 'image') {
    return { name: stored, mime, kind: type.kind, data: input, removed: [], metadataMayRemain: true };
  }
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: 100_000_000, animated: mime === 'image/gif', sequentialRead: true });
    const meta = await image.metadata();
    const removed = new Set<string>();
    // A TIFF is itself an EXIF-style structure and libvips keeps the file's own IFD0 (with its GPS and
    // EXIF pointers) out of `exif`: read the tags from the file, so the reporter is told what went.
    const exifLabels = meta.exif ? exifTagLabels(meta.exif) : mime === 'image/tiff' ? exifTagLabels(input) : [];
    if (meta.exif || exifLabels.length) {
      for (const l of exifLabels) removed.add(l);
      removed.add('其他 EXIF 拍摄信息');
    }
    if (meta.xmp) removed.add('XMP 附加信息（可能含位置、作者、编辑软件）');
    if (meta.iptc) removed.add('IPTC 信息（可能含作者、地点、说明）');
    if (meta.icc) removed.add('颜色配置文件');
    if ((meta as { comments?: unknown[] }).comments?.length) removed.add('图片注释');
    // rotate() applies the EXIF orientation before it is dropped; output keeps no metadata by default.
    const pipeline = image.rotate();
    const out =
      mime === 'image/png'
        ? await pipeline.png().toBuffer()
        : mime === 'image/webp'
          ? await pipeline.webp({ quality: 90 }).toBuffer()
          : mime === 'image/gif'
            ? await pipeline.gif().toBuffer()
            : await pipeline.jpeg({ quality: 90, optimiseCoding: false }).toBuffer();
    const outMime: AttachmentMime = mime === 'image/png' || mime === 'image/webp' || mime === 'image/gif' ? mime : 'image/jpeg';
    return { name: generatedFileName(index, outMime), mime: outMime, kind: 'image', data: out, removed: [...removed], metadataMayRemain: false };
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(400, 'file_broken', `附件"${name}"看起来是图片，但文件已损坏，无法处理。请换一张重新上传。`, 'files');
  }
}

const EXTENSIONS: Record<AttachmentMime, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/3gpp': '3gp',
  'video/x-matroska': 'mkv',
  'application/pdf': 'pdf',
};

/** 附件N.ext from the position (0-based index) and the type detected from the bytes. */
export function generatedFileName(index: number, mime: AttachmentMime): string {
  return `附件${index + 1}.${EXTENSIONS[mime]}`;
}

/** Browsers send an empty part when no file was chosen; those are not attachments. */
export function isEmptyFilePart(v: unknown): boolean {
  return v instanceof File && v.size === 0 && (v.name === '' || v.name === 'blob');
}
