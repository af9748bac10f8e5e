import type { CaseData } from '../../content/schemas/case.ts';
import type { Question } from '../../content/schemas/question.ts';

/**
 * Quiz questions that practise what a case teaches. A question counts when it rests on one of the
 * case's related guides, or when one of its topics names something the case is about (its title,
 * summary or keywords). The sector alone is too broad to count on its own; it only breaks ties.
 */
export function relatedQuestions(c: CaseData, questions: readonly Question[], limit = 4): Question[] {
  const text = [c.title, c.summary, ...c.keywords].join(' ');
  const scored = questions
    .map((q) => {
      const byGuide = q.guide !== undefined && c.relatedGuides.includes(q.guide);
      const byTopic = q.topics.filter((t) => t.length >= 2 && text.includes(t)).length;
      const bySector = c.sector !== 'other' && q.sectors.includes(c.sector);
      return { q, byGuide, score: (byGuide ? 3 : 0) + 2 * byTopic + (bySector ? 1 : 0), relevant: byGuide || byTopic > 0 };
    })
    .filter((x) => x.relevant)
    .sort((a, b) => b.score - a.score || a.q.difficulty - b.q.difficulty || a.q.id.localeCompare(b.q.id));
  // Prefer one question per guide, so the few shown cover different lessons.
  const picked: Question[] = [];
  const guidesSeen = new Set<string>();
  for (const x of scored) {
    const key = x.q.guide ?? x.q.id;
    if (guidesSeen.has(key)) continue;
    guidesSeen.add(key);
    picked.push(x.q);
    if (picked.length === limit) return picked;
  }
  for (const x of scored) {
    if (picked.length === limit) break;
    if (!picked.includes(x.q)) picked.push(x.q);
  }
  return picked;
}

/** The topic most of the picked questions share: the practice set to offer on /quiz/. */
export function practiceTopic(questions: readonly Question[]): string | undefined {
  const counts = new Map<string, number>();
  for (const q of questions) for (const t of q.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-CN'))[0]?.[0];
}

/** Link to practise a topic on /quiz/ (query: topic=<topic>). */
export function practiceHref(topic: string | undefined): string {
  return topic ? `/quiz/?topic=${encodeURIComponent(topic)}` : '/quiz/';
}

/** "A" / "AC" / "正确": the correct answer as printed under a question. */
export function answerLabel(q: Question): string {
  if (q.type === 'truefalse') return q.options[q.answer[0] ?? 0] ?? '';
  return q.answer.map((i) => 'ABCDEF'[i]).join('');
}
