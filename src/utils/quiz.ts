import { getCollection } from 'astro:content';
import { QUIZ_AUDIENCES } from '../../config/taxonomy.ts';
import { loadQuestions } from '../../content/schemas/load-questions.ts';

/** Topics offered for an audience: tags with at least this many questions. */
const MIN_TOPIC_QUESTIONS = 3;

export interface AudienceChoice {
  code: string;
  name: string;
  count: number;
  topics: { topic: string; count: number }[];
}

/**
 * Audiences and topics as the question bank has them right now (counts only — the site never ships
 * answers; the API draws and checks questions).
 */
export function quizChoices(): AudienceChoice[] {
  const questions = loadQuestions('content/questions');
  return QUIZ_AUDIENCES.map((a) => {
    const pool = questions.filter((q) => q.audiences.includes(a.code));
    const counts = new Map<string, number>();
    for (const q of pool) for (const t of q.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
    const topics = [...counts]
      .filter(([, n]) => n >= MIN_TOPIC_QUESTIONS)
      .map(([topic, count]) => ({ topic, count }))
      .sort((x, y) => y.count - x.count || x.topic.localeCompare(y.topic, 'zh-CN'));
    return { code: a.code, name: a.name, count: pool.length, topics };
  }).filter((a) => a.count > 0);
}

/** Guide slug → title, so result reviews can link "学习：<title>". */
export async function guideTitles(): Promise<Record<string, string>> {
  const guides = await getCollection('guides');
  return Object.fromEntries(guides.map((g) => [g.id, g.data.title]));
}
