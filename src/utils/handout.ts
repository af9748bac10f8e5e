/**
 * The one-page A4 handout of a guide (issue 13): the key actions from its "应该这样做", "一旦发生怎么办"
 * and "千万不要" sections, each cut to its first sentence, within a character budget that fits one
 * page at print size. The full text stays online (QR code on the sheet).
 */

export interface HandoutSection {
  title: string;
  items: string[];
}

/** Which guide sections go on the sheet, in order, and how many points each may give. */
export const HANDOUT_SECTIONS = [
  { heading: '应该这样做', title: '平时这样做', max: 4 },
  { heading: '一旦发生怎么办', title: '一旦发生', max: 4 },
  { heading: '千万不要', title: '千万不要', max: 4 },
] as const;

/** One point is at most this long (first sentence); longer points are shortened at a clause break. */
export const MAX_POINT_CHARS = 60;
/** All points together: measured to fit one A4 page with title, numbers and QR code. */
export const MAX_HANDOUT_CHARS = 560;

/** Markdown inline syntax to plain text. */
export function plainInline(md: string): string {
  return md
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\*([^*]+)\*/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first sentence of a point; a long one is cut at its last clause break that fits. */
export function firstSentence(text: string, max = MAX_POINT_CHARS): string | null {
  const sentence = (text.split(/(?<=[。！？；])/u)[0] ?? text).trim();
  if (sentence.length <= max) return sentence.replace(/[；，、：]$/u, '。');
  const head = sentence.slice(0, max);
  const cut = Math.max(head.lastIndexOf('，'), head.lastIndexOf('：'), head.lastIndexOf('、'));
  return cut >= 12 ? `${head.slice(0, cut)}。` : null;
}

/** Body of a `## heading` section, up to the next `##`. */
function section(body: string, heading: string): string {
  const lines = body.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && /^##\s/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

function points(md: string): string[] {
  const items = [...md.matchAll(/^\s*(?:[-*]|\d+\.)\s+(.+)$/gm)].map((m) => plainInline(m[1]!));
  if (items.length) return items;
  // A section written as paragraphs: each paragraph is a point.
  return md.split(/\n\s*\n/).map(plainInline).filter(Boolean);
}

export function handoutSections(body: string): HandoutSection[] {
  let budget = MAX_HANDOUT_CHARS;
  const out: HandoutSection[] = [];
  for (const s of HANDOUT_SECTIONS) {
    const items: string[] = [];
    for (const p of points(section(body, s.heading))) {
      if (items.length >= s.max) break;
      const text = firstSentence(p);
      if (!text || text.length > budget) continue;
      items.push(text);
      budget -= text.length;
    }
    if (items.length) out.push({ title: s.title, items });
  }
  return out;
}
