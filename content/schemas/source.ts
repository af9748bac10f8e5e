import { z } from 'zod';
import { classifySource } from './source-policy.ts';

/**
 * Astro's frontmatter parser turns an unquoted 2021-06-10 into a Date and 2021 into a number,
 * while plain YAML 1.2 keeps strings: normalise both to the written form.
 */
function asWrittenDate(value: unknown): unknown {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return String(value);
  return value;
}

/** A calendar day (YYYY-MM-DD) however the YAML parser read it. */
export const isoDay = z.preprocess(asWrittenDate, z.iso.date('日期格式应为 YYYY-MM-DD'));

/** A dated calendar day, month or year as written in a source: 2021-06-10, 2021-06 or 2021. */
export const partialDate = z.preprocess(
  asWrittenDate,
  z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, '日期格式应为 YYYY、YYYY-MM 或 YYYY-MM-DD'),
);

/** An official public source for the facts a piece of content uses. */
export const sourceSchema = z
  .object({
    /** Issuing body, e.g. 应急管理部, 山东省人民政府. */
    publisher: z.string().min(2, '请填写发布机关'),
    /** Document title as published, e.g. 《中华人民共和国安全生产法》. */
    title: z.string().min(2, '请填写文件或页面标题'),
    /** Issue or publication date. */
    date: partialDate,
    /** Where a reader can check it: the publisher's own page (see source-policy.ts). */
    url: z.url('来源需要一个可访问的网址'),
    /** Optional: which article or section the content relies on, e.g. 第五十四条. */
    note: z.string().optional(),
    /**
     * Only for a URL outside the allowlist: the official publisher and title this page copies.
     * The page then tells the reader it is a copy.
     */
    mirror_of: z
      .object({
        publisher: z.string().min(2, '请写明原文的发布机关'),
        title: z.string().min(2, '请写明原文的标题'),
      })
      .optional(),
    /** Only with mirror_of: one line on why no official copy could be found. */
    reason: z.string().min(6, '请用一句话说明为什么找不到官方原文').max(120).optional(),
  })
  .superRefine((s, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const verdict = classifySource(s.url);
    if (verdict.kind === 'denied') return issue('url', `不能引用 ${verdict.host}：${verdict.why}`);
    if (verdict.kind === 'allowed') {
      if (s.mirror_of || s.reason) issue('mirror_of', `${verdict.host} 已在官方来源名单内，不要写 mirror_of/reason`);
      return;
    }
    if (!s.mirror_of) issue('mirror_of', `${verdict.host} 不在官方来源名单内：请换成发布机关自己的网页，或写明 mirror_of（原文发布机关和标题）`);
    if (!s.reason) issue('reason', `${verdict.host} 不在官方来源名单内：请用 reason 说明为什么找不到官方原文`);
  });
export type Source = z.infer<typeof sourceSchema>;

export const sourcesSchema = z.array(sourceSchema).min(1, '至少需要一条官方来源');
