import type { Question } from '../../content/schemas/question.ts';

/** What /quiz/ offers: audiences and, per audience, the topics with enough questions. */
export interface OfferedChoice {
  code: string;
  name: string;
  topics: { topic: string }[];
}

export interface PracticeSet {
  href: string;
  /** Button text, e.g. 练习"防溺水"（小学）. */
  label: string;
}

/**
 * The practice set on /quiz/ that best matches some questions: the audience × topic pair most of
 * them share among those /quiz/ actually offers (it preselects ?audience=&topic=), else the most
 * common audience alone, else the quiz home.
 */
export function practiceSet(questions: readonly Question[], offered: readonly OfferedChoice[]): PracticeSet {
  const pairs = new Map<string, { audience: OfferedChoice; topic: string; n: number }>();
  const audiences = new Map<string, { audience: OfferedChoice; n: number }>();
  for (const q of questions) {
    for (const code of q.audiences) {
      const audience = offered.find((c) => c.code === code);
      if (!audience) continue;
      audiences.set(code, { audience, n: (audiences.get(code)?.n ?? 0) + 1 });
      for (const topic of q.topics) {
        if (!audience.topics.some((t) => t.topic === topic)) continue;
        const key = `${code}\u0000${topic}`;
        pairs.set(key, { audience, topic, n: (pairs.get(key)?.n ?? 0) + 1 });
      }
    }
  }
  // Ties go to the audience listed first on /quiz/ (younger pupils first), then the topic name.
  const rank = (c: OfferedChoice) => offered.indexOf(c);
  const best = [...pairs.values()].sort((a, b) => b.n - a.n || rank(a.audience) - rank(b.audience) || a.topic.localeCompare(b.topic, 'zh-CN'))[0];
  if (best) {
    const params = new URLSearchParams({ audience: best.audience.code, topic: best.topic });
    return { href: `/quiz/?${params}#practice`, label: `练习"${best.topic}"（${best.audience.name}）` };
  }
  const audience = [...audiences.values()].sort((a, b) => b.n - a.n || rank(a.audience) - rank(b.audience))[0]?.audience;
  if (audience) return { href: `/quiz/?audience=${audience.code}#practice`, label: `练习${audience.name}安全题` };
  return { href: '/quiz/', label: '到安全测验练习更多题' };
}
