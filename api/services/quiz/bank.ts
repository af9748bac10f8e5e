import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUIZ_AUDIENCES, type QuizAudienceCode } from '../../../config/taxonomy.ts';
import { loadQuestions } from '../../../content/schemas/load-questions.ts';
import type { Question } from '../../../content/schemas/question.ts';

export const QUESTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'content', 'questions');

/** The validated question bank, indexed for drawing. Loaded once at start; a bad bank stops the server. */
export class QuestionBank {
  readonly all: readonly Question[];
  private readonly byId: Map<string, Question>;

  constructor(questions: readonly Question[]) {
    this.all = questions;
    this.byId = new Map(questions.map((q) => [q.id, q]));
  }

  /** Throws ContentError (naming file, question and field) when any question is invalid. */
  static load(dir: string = QUESTIONS_DIR): QuestionBank {
    return new QuestionBank(loadQuestions(dir));
  }

  get(id: string): Question | undefined {
    return this.byId.get(id);
  }

  /** Questions for an audience, optionally narrowed to one topic tag. */
  pool(audience: QuizAudienceCode, topic?: string | null): Question[] {
    return this.all.filter((q) => q.audiences.includes(audience) && (!topic || q.topics.includes(topic)));
  }

  /** Topic tags with at least `min` questions for the audience, most questions first. */
  topics(audience: QuizAudienceCode, min = 3): { topic: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const q of this.pool(audience)) for (const t of q.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
    return [...counts]
      .filter(([, n]) => n >= min)
      .map(([topic, count]) => ({ topic, count }))
      .sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic, 'zh-CN'));
  }
}

export const AUDIENCE_LABEL = Object.fromEntries(QUIZ_AUDIENCES.map((a) => [a.code, a.name])) as Record<QuizAudienceCode, string>;

/** Human title of a question set, as printed on certificates and class reports. */
export function setTitle(audience: QuizAudienceCode, topic?: string | null): string {
  return `${AUDIENCE_LABEL[audience]}安全知识${topic ? `·${topic}` : ''}`;
}
