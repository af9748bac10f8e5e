import type { Db } from '../../db/client.ts';
import { purgeExpiredSessions } from './class-sessions.ts';
import { purgeStaleExams } from './exams.ts';

/** Deletes class sessions past their retention date (with players and answers) and abandoned exams. */
export async function purgeQuizData(db: Db, now: Date = new Date()): Promise<{ sessions: number; exams: number }> {
  return { sessions: await purgeExpiredSessions(db, now), exams: await purgeStaleExams(db, now) };
}

/**
 * Runs the purge at start (resolving once that first run is done) and then every `intervalMs`
 * (default hourly). Resolves to a stop function.
 */
export async function startQuizPurge(db: Db, intervalMs = 60 * 60 * 1000, log: (msg: string) => void = console.log): Promise<() => void> {
  const once = async () => {
    try {
      const r = await purgeQuizData(db);
      if (r.sessions || r.exams) log(`测验数据清理：删除过期班级测验 ${r.sessions} 场，未交卷考试 ${r.exams} 场`);
    } catch (e) {
      console.error('[error] 测验数据清理失败:', e);
    }
  };
  let running: Promise<void> | null = null;
  const run = () => {
    // A slow round is not overlapped by the next tick.
    running ??= once().finally(() => (running = null));
    return running;
  };
  await run();
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
