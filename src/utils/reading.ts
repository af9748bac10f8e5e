import { countHan } from '../../content/schemas/load-mdx.ts';

/** Ordinary readers manage roughly 300 Chinese characters a minute of instructional text. */
const HAN_PER_MINUTE = 300;

export function readingMinutes(body: string, override?: number): number {
  return override ?? Math.max(1, Math.round(countHan(body) / HAN_PER_MINUTE));
}
