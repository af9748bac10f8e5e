/**
 * Photos that really carry identifying metadata, one per accepted image type, made at test time.
 * sharp writes EXIF (with GPS) and XMP where the format has a place for them; the rest is written by
 * hand: IPTC in a JPEG APP13 segment, IPTC as a PNG "Raw profile type iptc" text chunk, XMP and a
 * comment as GIF extensions, and a whole TIFF with EXIF, GPS, XMP and IPTC tags.
 * Formats without a standard place for a kind (EXIF/IPTC in GIF, IPTC in WebP/AVIF) do not get it.
 */
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Distinctive values: none of them may survive into a stored attachment. */
export const CANARY = {
  make: 'CanaryMake',
  model: 'CanaryModel X1',
  artist: 'OwnerCanary',
  serial: 'SERIAL-CANARY-4711',
  xmpCreator: 'XmpCreatorCanary',
  xmpCity: 'XmpCityCanary',
  iptcByline: 'IptcBylineCanary',
  iptcCity: 'IptcCityCanary',
  comment: 'CommentCanary',
} as const;

export type Kind = 'exif' | 'gps' | 'xmp' | 'iptc' | 'comment';

export interface MetaFixture {
  name: string;
  /** MIME type as intake detects it from the bytes. */
  mime: string;
  data: Buffer;
  /** Which kinds of metadata the fixture carries (checked against the fixture itself in the test). */
  carries: Kind[];
  width: number;
  height: number;
}

const XMP = `<?xpacket begin="\u{feff}" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"><dc:creator><rdf:Seq><rdf:li>${CANARY.xmpCreator}</rdf:li></rdf:Seq></dc:creator><photoshop:City>${CANARY.xmpCity}</photoshop:City><exif:GPSLatitude>37,18.5N</exif:GPSLatitude><exif:GPSLongitude>117,9.0E</exif:GPSLongitude></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

const EXIF = {
  IFD0: { Make: CANARY.make, Model: CANARY.model, Artist: CANARY.artist },
  IFD2: { BodySerialNumber: CANARY.serial, DateTimeOriginal: '2026:11:01 08:00:00' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 18/1 30/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 9/1 0/1' },
};

const W = 96;
const H = 64;
const base = () => sharp({ create: { width: W, height: H, channels: 3, background: '#3a6' } });

/** IPTC-IIM records: By-line (2:80) and City (2:90). */
function iptcRecords(): Buffer {
  const rec = (dataset: number, text: string) => {
    const v = Buffer.from(text, 'utf8');
    return Buffer.concat([Buffer.from([0x1c, 2, dataset, v.length >> 8, v.length & 0xff]), v]);
  };
  return Buffer.concat([rec(80, CANARY.iptcByline), rec(90, CANARY.iptcCity)]);
}

/** JPEG: an APP13 "Photoshop 3.0" segment with an 8BIM 0x0404 (IPTC) resource, right after SOI. */
function withJpegIptc(jpeg: Buffer): Buffer {
  const iptc = iptcRecords();
  const pad = iptc.length % 2 ? Buffer.from([0]) : Buffer.alloc(0);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const resource = Buffer.concat([Buffer.from('8BIM'), Buffer.from([0x04, 0x04, 0, 0]), size, iptc, pad]);
  const payload = Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource]);
  const header = Buffer.from([0xff, 0xed, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** PNG: IPTC as ImageMagick/ExifTool write it (hex in a text chunk) and a Comment, before IEND. */
function withPngIptc(png: Buffer): Buffer {
  const iptc = iptcRecords();
  const raw = `\niptc\n${String(iptc.length).padStart(8)}\n${iptc.toString('hex')}\n`;
  const chunks = [pngChunk('tEXt', Buffer.from(`Raw profile type iptc\0${raw}`, 'latin1')), pngChunk('tEXt', Buffer.from(`Comment\0${CANARY.comment}`, 'latin1'))];
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), ...chunks, png.subarray(iend)]);
}

function gifSubBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += 255) {
    const piece = data.subarray(i, i + 255);
    parts.push(Buffer.from([piece.length]), piece);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** GIF: an XMP application extension and a comment extension after the global colour table. */
function withGifExtensions(gif: Buffer): Buffer {
  const packed = gif[10]!;
  const tableBytes = packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0;
  const at = 13 + tableBytes;
  const xmp = Buffer.concat([Buffer.from([0x21, 0xff, 11]), Buffer.from('XMP DataXMP', 'latin1'), gifSubBlocks(Buffer.from(XMP, 'utf8'))]);
  const comment = Buffer.concat([Buffer.from([0x21, 0xfe]), gifSubBlocks(Buffer.from(`${CANARY.comment} ${CANARY.artist}`, 'latin1'))]);
  return Buffer.concat([gif.subarray(0, at), xmp, comment, gif.subarray(at)]);
}

type TiffValue = { tag: number; type: 1 | 2 | 3 | 4 | 5 | 7; data: Buffer; count: number };
const ascii = (tag: number, s: string): TiffValue => ({ tag, type: 2, data: Buffer.from(`${s}\0`, 'latin1'), count: s.length + 1 });
const short = (tag: number, ...v: number[]): TiffValue => {
  const b = Buffer.alloc(2 * v.length);
  v.forEach((x, i) => b.writeUInt16LE(x, 2 * i));
  return { tag, type: 3, data: b, count: v.length };
};
const long = (tag: number, v: number): TiffValue => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return { tag, type: 4, data: b, count: 1 };
};
const rational = (tag: number, ...v: [number, number][]): TiffValue => {
  const b = Buffer.alloc(8 * v.length);
  v.forEach(([n, d], i) => {
    b.writeUInt32LE(n, 8 * i);
    b.writeUInt32LE(d, 8 * i + 4);
  });
  return { tag, type: 5, data: b, count: v.length };
};

/** A little-endian, uncompressed RGB TIFF with EXIF (IFD0 + Exif IFD), GPS IFD, XMP (700) and IPTC (33723). */
function tiffWithEverything(pixels: Buffer, width: number, height: number): Buffer {
  const exifIfd = [ascii(0x9003, '2026:11:01 08:00:00'), ascii(0xa431, CANARY.serial)];
  const gpsIfd = [ascii(1, 'N'), rational(2, [37, 1], [18, 1], [30, 1]), ascii(3, 'E'), rational(4, [117, 1], [9, 1], [0, 1])];
  const xmp = Buffer.from(XMP, 'utf8');
  const iptc = iptcRecords();
  // Offsets are patched in once the layout is known.
  const ifd0 = [
    short(256, width),
    short(257, height),
    short(258, 8, 8, 8),
    short(259, 1),
    short(262, 2),
    ascii(271, CANARY.make),
    ascii(272, CANARY.model),
    long(273, 0),
    short(277, 3),
    long(278, height),
    long(279, pixels.length),
    short(284, 1),
    ascii(315, CANARY.artist),
    { tag: 700, type: 1, data: xmp, count: xmp.length } as TiffValue,
    { tag: 33723, type: 7, data: iptc, count: iptc.length } as TiffValue,
    long(34665, 0),
    long(34853, 0),
  ];
  const ifdSize = (n: number) => 2 + 12 * n + 4;
  const ifds = [ifd0, exifIfd, gpsIfd];
  let offset = 8;
  const ifdOffsets = ifds.map((ifd) => {
    const at = offset;
    offset += ifdSize(ifd.length);
    return at;
  });
  let dataAt = offset;
  const dataOffsets = new Map<TiffValue, number>();
  for (const ifd of ifds) {
    for (const e of ifd) {
      if (e.data.length > 4) {
        dataOffsets.set(e, dataAt);
        dataAt += e.data.length + (e.data.length % 2);
      }
    }
  }
  const pixelsAt = dataAt;
  ifd0.find((e) => e.tag === 273)!.data.writeUInt32LE(pixelsAt);
  ifd0.find((e) => e.tag === 34665)!.data.writeUInt32LE(ifdOffsets[1]!);
  ifd0.find((e) => e.tag === 34853)!.data.writeUInt32LE(ifdOffsets[2]!);
  const out = Buffer.alloc(pixelsAt + pixels.length);
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  ifds.forEach((ifd, i) => {
    let p = ifdOffsets[i]!;
    out.writeUInt16LE(ifd.length, p);
    p += 2;
    for (const e of ifd) {
      out.writeUInt16LE(e.tag, p);
      out.writeUInt16LE(e.type, p + 2);
      out.writeUInt32LE(e.count, p + 4);
      if (e.data.length > 4) out.writeUInt32LE(dataOffsets.get(e)!, p + 8);
      else e.data.copy(out, p + 8);
      p += 12;
    }
    out.writeUInt32LE(0, p);
  });
  for (const [e, at] of dataOffsets) e.data.copy(out, at);
  pixels.copy(out, pixelsAt);
  return out;
}

export async function metadataFixtures(): Promise<MetaFixture[]> {
  const jpeg = withJpegIptc(await base().jpeg().withExif(EXIF).withXmp(XMP).toBuffer());
  const png = withPngIptc(await base().png().withExif(EXIF).withXmp(XMP).toBuffer());
  const webp = await base().webp().withExif(EXIF).withXmp(XMP).toBuffer();
  const gif = withGifExtensions(await base().gif().toBuffer());
  const tiff = tiffWithEverything(await base().raw().toBuffer(), W, H);
  const avif = await base().avif().withExif(EXIF).withXmp(XMP).toBuffer();
  return [
    { name: 'IMG_CANARY.jpg', mime: 'image/jpeg', data: jpeg, carries: ['exif', 'gps', 'xmp', 'iptc'], width: W, height: H },
    { name: 'IMG_CANARY.png', mime: 'image/png', data: png, carries: ['exif', 'gps', 'xmp', 'iptc', 'comment'], width: W, height: H },
    { name: 'IMG_CANARY.webp', mime: 'image/webp', data: webp, carries: ['exif', 'gps', 'xmp'], width: W, height: H },
    { name: 'IMG_CANARY.gif', mime: 'image/gif', data: gif, carries: ['xmp', 'comment'], width: W, height: H },
    { name: 'IMG_CANARY.tif', mime: 'image/tiff', data: tiff, carries: ['exif', 'gps', 'xmp', 'iptc'], width: W, height: H },
    { name: 'IMG_CANARY.avif', mime: 'image/avif', data: avif, carries: ['exif', 'gps', 'xmp'], width: W, height: H },
  ];
}

/** RIFF chunk ids of a WebP file (VP8/VP8L/VP8X/ALPH/ANIM/ANMF carry pixels; EXIF/XMP/ICCP metadata). */
export function webpChunks(webp: Buffer): string[] {
  const ids: string[] = [];
  if (webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') throw new Error('not a WebP file');
  for (let p = 12; p + 8 <= webp.length; ) {
    const id = webp.toString('latin1', p, p + 4);
    const size = webp.readUInt32LE(p + 4);
    ids.push(id);
    p += 8 + size + (size % 2);
  }
  return ids;
}

/** Extension blocks of a GIF file, as "label" or "app:IDENTIFIER" (comments are "comment"). */
export function gifExtensions(gif: Buffer): string[] {
  if (gif.toString('latin1', 0, 3) !== 'GIF') throw new Error('not a GIF file');
  const packed = gif[10]!;
  let p = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);
  const found: string[] = [];
  const skipSubBlocks = () => {
    while (p < gif.length && gif[p] !== 0) p += gif[p]! + 1;
    p++;
  };
  while (p < gif.length) {
    const b = gif[p]!;
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = gif[p + 1]!;
      if (label === 0xff) found.push(`app:${gif.toString('latin1', p + 3, p + 3 + 11)}`);
      else if (label === 0xfe) found.push('comment');
      else found.push(`0x${label.toString(16)}`);
      p += 2;
      skipSubBlocks();
    } else if (b === 0x2c) {
      const local = gif[p + 9]!;
      p += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0);
      p++; // LZW minimum code size
      skipSubBlocks();
    } else {
      throw new Error(`unexpected GIF block 0x${b.toString(16)} at ${p}`);
    }
  }
  return found;
}

/** PNG chunk types in order. */
export function pngChunks(png: Buffer): string[] {
  const types: string[] = [];
  for (let p = 8; p + 8 <= png.length; ) {
    const len = png.readUInt32BE(p);
    types.push(png.toString('latin1', p + 4, p + 8));
    p += 12 + len;
  }
  return types;
}

/** JPEG marker segments before the image data (APPn, COM, …) as hex markers. */
export function jpegSegments(jpeg: Buffer): string[] {
  const markers: string[] = [];
  for (let p = 2; p + 4 <= jpeg.length; ) {
    if (jpeg[p] !== 0xff) break;
    const marker = jpeg[p + 1]!;
    markers.push(`ff${marker.toString(16)}`);
    if (marker === 0xda) break;
    p += 2 + jpeg.readUInt16BE(p + 2);
  }
  return markers;
}
