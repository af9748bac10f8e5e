/**
 * Query rewriting for Chinese search. Pagefind only returns pages containing every word of the
 * query, and the browser may segment a query differently from the indexer, so we try a few
 * rewrites in order and merge what they find.
 */

/** Everyday words residents type → words our guides use. Applied as extra queries, never replacing the original. */
export const SYNONYMS: ReadonlyArray<readonly [string, string]> = [
  ['煤气中毒', '一氧化碳'],
  ['中煤气', '一氧化碳'],
  ['高楼', '高层'],
  ['着火', '火灾'],
  ['失火', '火灾'],
  ['起火', '火灾'],
  ['电瓶车', '电动自行车'],
  ['电动车', '电动自行车'],
  ['电车', '电动自行车'],
  ['天然气', '燃气'],
  ['液化气', '液化石油气'],
  ['煤气罐', '液化石油气钢瓶'],
  ['孩子', '学生'],
  ['小孩', '儿童'],
  ['淹死', '溺水'],
  ['游泳', '溺水'],
  ['落水', '溺水'],
  ['关电梯', '困电梯'],
  ['电梯坏了', '困电梯'],
  ['被电', '触电'],
  ['电打', '触电'],
  ['化粪池', '有限空间'],
  ['粪池', '有限空间'],
  ['窨井', '有限空间'],
  ['下水道', '有限空间'],
  ['拖拉机', '农机'],
  ['收割机', '农机'],
  ['打120', '急救电话'],
  ['打119', '火警电话'],
  ['人工呼吸', '心肺复苏'],
  ['心脏骤停', '心肺复苏'],
  ['自建房', '自建房屋'],
  ['盖房子', '自建房'],
  ['发大水', '洪涝'],
  ['暴雨', '洪涝'],
  ['打雷', '雷电'],
  ['中暑', '高温'],
  ['放鞭炮', '烟花爆竹'],
  ['农药中毒', '农药'],
  ['漏气', '燃气泄漏'],
  ['煤改气', '壁挂炉'],
  ['举报', '举报'],
];

/** Words that carry no topic: question forms and particles. Longest first. */
const FILLERS = ['应该怎么办', '怎么处理', '怎么办', '怎么用', '怎么做', '怎样做', '如何做', '怎么', '怎样', '如何', '什么', '应该', '可以', '注意', '事项', '要点', '方法', '的时候', '时候', '了', '吗', '呢', '吧', '啊', '的', '么'];

export function normaliseQuery(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
}

export function stripFillers(q: string): string {
  let out = q;
  for (const f of FILLERS) out = out.split(f).join(' ');
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * Candidate queries, best first: the query as typed, without question words, with everyday words
 * swapped for our terms, and finally each remaining word on its own.
 */
export function candidateQueries(raw: string): string[] {
  const q = normaliseQuery(raw);
  if (!q) return [];
  const out: string[] = [q];
  const core = stripFillers(q);
  if (core) out.push(core);
  let swapped = core || q;
  for (const [from, to] of SYNONYMS) if (swapped.includes(from)) swapped = swapped.split(from).join(` ${to} `);
  swapped = swapped.replace(/\s+/g, ' ').trim();
  if (swapped) out.push(swapped);
  for (const word of swapped.split(' ')) if (word.length >= 2) out.push(word);
  return [...new Set(out.filter(Boolean))];
}
