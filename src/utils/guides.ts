import { getCollection, type CollectionEntry } from 'astro:content';
import { AUDIENCES, SECTORS, type AudienceCode, type PlanSectorCode } from '../../config/taxonomy.ts';

export type Guide = CollectionEntry<'guides'>;

/** All guides: featured first, then by title in pinyin order. */
export async function allGuides(): Promise<Guide[]> {
  const guides = await getCollection('guides');
  return guides.sort(
    (a, b) => Number(b.data.featured) - Number(a.data.featured) || a.data.title.localeCompare(b.data.title, 'zh-CN'),
  );
}

export function guidesForAudience(guides: Guide[], audience: AudienceCode): Guide[] {
  return guides.filter((g) => g.data.audiences.includes(audience));
}

export function guidesForSector(guides: Guide[], sector: PlanSectorCode): Guide[] {
  return guides.filter((g) => g.data.sectors.includes(sector));
}

/** Related guides: shared sectors weigh most, then shared keywords, then shared audiences. */
export function relatedGuides(guide: Guide, guides: Guide[], limit = 4): Guide[] {
  const kw = new Set(guide.data.keywords);
  return guides
    .filter((g) => g.id !== guide.id)
    .map((g) => ({
      g,
      score:
        4 * g.data.sectors.filter((s) => guide.data.sectors.includes(s)).length +
        2 * g.data.keywords.filter((k) => kw.has(k)).length +
        g.data.audiences.filter((a) => guide.data.audiences.includes(a)).length,
    }))
    .filter((x) => x.score > 1)
    .sort((a, b) => b.score - a.score || a.g.data.title.localeCompare(b.g.data.title, 'zh-CN'))
    .slice(0, limit)
    .map((x) => x.g);
}

export const audienceBySlug = (slug: string) => AUDIENCES.find((a) => a.slug === slug);
export const sectorBySlug = (slug: string) => SECTORS.find((s) => s.slug === slug);
export const sectorByCode = (code: string) => SECTORS.find((s) => s.code === code);
export const audienceByCode = (code: string) => AUDIENCES.find((a) => a.code === code);
