import { z } from 'zod';
import { SECTOR_CODES } from '../../config/taxonomy.ts';
import { ACCIDENT_CATEGORY_CODES } from './accident-category.ts';
import { GRADES, gradeFromFigures, gradeMismatch, gradeRank } from './accident-grade.ts';

export const LOSS_QUALIFIERS = ['about', 'over', 'interim'] as const;
import { isoDay, sourcesSchema } from './source.ts';

const count = z.number().int().nonnegative();

/** Frontmatter of an accident case in content/cases/<slug>.mdx. Figures only when the source states them. */
export const caseSchema = z
  .object({
    /** Short title, e.g. "某市某饭店'6·21'燃气爆炸事故". */
    title: z.string().min(6).max(60),
    /** One or two sentences: what happened and the key lesson. */
    summary: z.string().min(10).max(160),
    /** Date of the accident. */
    date: isoDay,
    /** Place as the source names it (province, city, county). */
    place: z.string().min(2),
    /** Plan sector, or "other". */
    sector: z.enum(SECTOR_CODES),
    /** Accident category (see accident-category.ts for the standard used). */
    category: z.enum(ACCIDENT_CATEGORY_CODES),
    /** Deaths, only if the source states the number. */
    deaths: count.optional(),
    /** Serious injuries including acute poisoning, only if stated. */
    seriousInjuries: count.optional(),
    /** Any injuries when the source does not separate serious ones (shown, not used for grading). */
    injuries: count.optional(),
    /** Direct economic loss in 万元, only if stated (the figure as written, without 约/余). */
    directLossWanYuan: z.number().nonnegative().optional(),
    /**
     * How the source qualifies the loss: about = 约 X 万元, over = X 余万元 (at least X),
     * interim = X 万元 assessed so far, other losses still to be assessed. Omit for an exact figure.
     */
    directLossQualifier: z.enum(LOSS_QUALIFIERS).optional(),
    /** Grade as determined by the investigation (一般 / 较大 / 重大 / 特别重大). */
    grade: z.enum(GRADES),
    /** Only when no official body stated the grade: who assigned it and how (shown next to the grade). */
    gradeNote: z.string().min(6).optional(),
    /** Timeline of key moments, as the source tells them. */
    timeline: z.array(z.object({ time: z.string().min(1), event: z.string().min(2) })).default([]),
    /** The direct cause (直接原因). */
    directCause: z.string().min(10),
    /** Underlying / indirect causes (间接原因). */
    underlyingCauses: z.array(z.string().min(4)).min(1),
    /** Management and supervision failures (管理原因、监管责任). */
    managementCauses: z.array(z.string().min(4)).default([]),
    /** Violations of law or standards found by the investigation. */
    violations: z.array(z.string().min(4)).default([]),
    /** Who was held responsible and how. */
    accountability: z.array(z.string().min(4)).default([]),
    /** Lessons in plain words. */
    lessons: z.array(z.string().min(4)).min(2),
    /** 对照检查: questions readers can check at their own workplace or home. */
    checklist: z.array(z.string().min(4)).min(3),
    /** 班前会 discussion questions (3–5). */
    discussion: z.array(z.string().min(4)).min(3).max(5),
    /** Slugs of related guides in content/guides. */
    relatedGuides: z.array(z.string()).default([]),
    /** Words for search. */
    keywords: z.array(z.string()).default([]),
    sources: sourcesSchema,
  })
  .superRefine((c, ctx) => {
    if (c.directLossQualifier && c.directLossWanYuan === undefined) {
      ctx.addIssue({ code: 'custom', path: ['directLossQualifier'], message: '写了损失的“约/余”说明，但没有写 directLossWanYuan' });
    }
    // A qualified loss is not an exact figure: only an exact one may pin the grade down.
    const exact = c.directLossQualifier ? { ...c, directLossWanYuan: undefined } : c;
    const problem = gradeMismatch(c.grade, exact);
    if (problem) ctx.addIssue({ code: 'custom', path: ['grade'], message: problem });
    // 余 and "assessed so far" are lower bounds, so they still set a minimum grade.
    if (!problem && (c.directLossQualifier === 'over' || c.directLossQualifier === 'interim')) {
      const required = gradeFromFigures(c);
      if (gradeRank(c.grade) < gradeRank(required)) {
        ctx.addIssue({ code: 'custom', path: ['grade'], message: `直接经济损失至少 ${c.directLossWanYuan} 万元，应至少为"${required}"事故` });
      }
    }
  });
export type CaseData = z.infer<typeof caseSchema>;
