import { z } from 'zod';
import { AUDIENCE_CODES, PLAN_SECTOR_CODES } from '../../config/taxonomy.ts';
import { isoDay, sourcesSchema } from './source.ts';

/** Frontmatter of a safety guide in content/guides/<slug>.mdx. */
export const guideSchema = z.object({
  /** Headline a resident would recognise, e.g. "冬季取暖，谨防一氧化碳中毒". */
  title: z.string().min(4).max(40),
  /** One plain sentence shown in lists and search results. */
  summary: z.string().min(10).max(120),
  /** Who the guide is for (安全宣传"五进"). */
  audiences: z.array(z.enum(AUDIENCE_CODES)).min(1),
  /** Key sectors of the plan the guide belongs to; may be empty for general topics (first aid, disasters). */
  sectors: z.array(z.enum(PLAN_SECTOR_CODES)).default([]),
  /** Words residents actually type (synonyms, dialect, everyday names), used by search. */
  keywords: z.array(z.string().min(1)).min(3, '至少给出 3 个检索关键词（群众常用说法）'),
  /** Date the content was last checked against its sources. */
  updated: isoDay,
  /**
   * Date a second reader last checked the safety-critical steps against the sources (the checklist
   * is in content/README.md). Shown on the guide page.
   */
  reviewed: isoDay.optional(),
  /** Official sources for every fact used. */
  sources: sourcesSchema,
  /** Optional override of the computed reading time, in minutes. */
  readingMinutes: z.number().int().positive().optional(),
  /** Put first in lists (the everyday killers). */
  featured: z.boolean().default(false),
});
export type GuideData = z.infer<typeof guideSchema>;
