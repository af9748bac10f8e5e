import type { Db } from '../../db/client.ts';
import { purgeExpiredSessions } from './class-sessions.ts';
import { purgeStaleExams } from './exams.ts';

/** Deletes class sessions past their retention date (with players and answers) and abandoned exams. */
export function purgeQuizData(db: Db, now: Date = new Date()): { sessions: number; exams: number } {
  return { sessions: purgeExpiredSessions(db, now), exams: purgeStaleExams(db, now) };
}

/** Runs the purge at start and then every `intervalMs` (default hourly). Returns a stop function. */
export function startQuizPurge(db: Db, intervalMs = 60 * 60 * 1000, log: (msg: string) => void = console.log): () => void {
  const run = () => {
    try {
      const r = purgeQuizData(db);
      if (r.sessions || r.exams) log(`测验数据清理：删除过期班级测验 ${r.sessions} 场，未交卷考试 ${r.exams} 场`);
    } catch (e) {
      console.error('[error] 测验数据清理失败:', e);
    }
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
