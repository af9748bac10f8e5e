/** Talks to /api/quiz over HTTP; errors carry the server's Chinese message. */

export interface PublicQuestion {
  n: number;
  type: 'single' | 'multiple' | 'truefalse';
  stem: string;
  options: string[];
}

// Result shapes are the server's own types (type-only: nothing of the server is bundled).
export type { QuestionResult, ScoreResult } from '../../../api/services/quiz/scoring.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly field: string | undefined;
  constructor(message: string, status: number, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

async function handle<T>(res: Promise<Response>): Promise<T> {
  let r: Response;
  try {
    r = await res;
  } catch {
    throw new ApiError('网络连接失败，请检查网络后再试一次。', 0);
  }
  let body: unknown = null;
  try {
    body = await r.json();
  } catch {
    /* not JSON */
  }
  if (!r.ok) {
    const err = (body as { error?: { message?: string; field?: string } } | null)?.error;
    throw new ApiError(err?.message ?? '服务器出了点问题，请稍后再试。', r.status, err?.field);
  }
  return body as T;
}

export function postJson<T>(url: string, data: unknown): Promise<T> {
  return handle<T>(fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) }));
}

export function getJson<T>(url: string): Promise<T> {
  return handle<T>(fetch(url));
}

export const LETTERS = 'ABCDEF';
export const TYPE_LABEL = { single: '单选题', multiple: '多选题（可选多项）', truefalse: '判断题' } as const;

export function answerText(q: { options: string[] }, idx: number[]): string {
  return idx.map((i) => `${LETTERS[i]}. ${q.options[i]}`).join('；') || '（未作答）';
}
