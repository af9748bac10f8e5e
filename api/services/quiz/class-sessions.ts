import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { QuizAudienceCode } from '../../../config/taxonomy.ts';
import { first, type Db } from '../../db/client.ts';
import { quizClassAnswers, quizClassPlayers, quizClassSessions } from '../../db/schema.ts';
import { UserError } from '../../errors.ts';
import { setTitle, type QuestionBank } from './bank.ts';
import { drawQuestions, publicQuestions, resolveDraw, type DrawnQuestion, type PublicQuestion } from './draw.ts';
import { scoreAnswers, type ScoreResult } from './scoring.ts';
import { hashSecret, newJoinCode, newSecret } from './secrets.ts';

export type ClassSession = typeof quizClassSessions.$inferSelect;

export const MAX_PLAYERS = 150;
/** Submissions are accepted this long after a pupil's time limit, for slow networks. */
export const LATE_GRACE_MS = 2 * 60 * 1000;

export interface NewClassSession {
  school: string;
  className: string;
  audience: QuizAudienceCode;
  topic: string | null;
  count: number;
  timeLimitMinutes: number | null;
}

export async function createClassSession(db: Db, bank: QuestionBank, input: NewClassSession, now: Date, retentionDays: number) {
  const pool = bank.pool(input.audience, input.topic);
  if (pool.length < 3) throw new UserError(400, 'too_few_questions', '这个范围的题目太少，请换一个主题或选择“全部主题”。', 'topic');
  const draw = drawQuestions(pool, input.count);
  const teacherKey = newSecret();
  const deleteAfter = new Date(now.getTime() + retentionDays * 86_400_000).toISOString();
  // Codes of live sessions are unique; on the rare collision draw another.
  for (let attempt = 0; attempt < 20; attempt++) {
    const joinCode = newJoinCode();
    const inserted = await db
      .insert(quizClassSessions)
      .values({
        joinCode,
        teacherKeyHash: hashSecret(teacherKey),
        school: input.school,
        className: input.className,
        audience: input.audience,
        topic: input.topic,
        draw: JSON.stringify(draw),
        timeLimitMinutes: input.timeLimitMinutes,
        createdAt: now.toISOString(),
        deleteAfter,
      })
      .onConflictDoNothing({ target: quizClassSessions.joinCode })
      .returning({ id: quizClassSessions.id });
    if (inserted.length === 1) return { joinCode, teacherKey, deleteAfter, questionCount: draw.length };
  }
  throw new Error('could not allocate a join code');
}

export async function sessionByJoinCode(db: Db, code: string): Promise<ClassSession | undefined> {
  return first(await db.select().from(quizClassSessions).where(eq(quizClassSessions.joinCode, code)).limit(1));
}

export async function sessionByTeacherKey(db: Db, key: string): Promise<ClassSession | undefined> {
  return first(await db.select().from(quizClassSessions).where(eq(quizClassSessions.teacherKeyHash, hashSecret(key))).limit(1));
}

/** What a pupil sees of a session: no answers, no other pupils. */
export interface PupilView {
  school: string;
  className: string;
  title: string;
  nickname: string;
  timeLimitMinutes: number | null;
  /** ISO time by which answers must be in, when there is a time limit. */
  deadline: string | null;
  questions: PublicQuestion[];
  result: ScoreResult | null;
}

function drawOf(session: ClassSession, bank: QuestionBank) {
  return resolveDraw(JSON.parse(session.draw) as DrawnQuestion[], (id) => bank.get(id));
}

function deadlineOf(session: ClassSession, joinedAt: string): string | null {
  return session.timeLimitMinutes ? new Date(Date.parse(joinedAt) + session.timeLimitMinutes * 60_000).toISOString() : null;
}

export async function joinSession(db: Db, bank: QuestionBank, session: ClassSession, nickname: string, now: Date): Promise<{ token: string; view: PupilView }> {
  if (session.closed) throw new UserError(409, 'session_closed', '这场测验已经结束，不能再加入了。');
  const token = newSecret();
  const tokenHash = hashSecret(token);
  const joinedAt = now.toISOString();
  await db.transaction(async (tx) => {
    const [count] = await tx.select({ n: sql<number>`count(*)` }).from(quizClassPlayers).where(eq(quizClassPlayers.sessionId, session.id));
    if (Number(count?.n ?? 0) >= MAX_PLAYERS) throw new UserError(409, 'session_full', `这场测验已经有 ${MAX_PLAYERS} 人加入，不能再加入了。`);
    const r = await tx
      .insert(quizClassPlayers)
      .values({ sessionId: session.id, tokenHash, nickname, joinedAt })
      .onConflictDoNothing({ target: [quizClassPlayers.sessionId, quizClassPlayers.nickname] })
      .returning({ id: quizClassPlayers.id });
    if (r.length !== 1) throw new UserError(409, 'nickname_taken', '这个昵称已经有同学用了，请换一个。', 'nickname');
  });
  return { token, view: pupilView(session, bank, nickname, joinedAt, null) };
}

function pupilView(session: ClassSession, bank: QuestionBank, nickname: string, joinedAt: string, result: ScoreResult | null): PupilView {
  return {
    school: session.school,
    className: session.className,
    title: setTitle(session.audience as QuizAudienceCode, session.topic),
    nickname,
    timeLimitMinutes: session.timeLimitMinutes,
    deadline: deadlineOf(session, joinedAt),
    questions: publicQuestions(drawOf(session, bank)),
    result,
  };
}

async function playerByToken(db: Db, token: string) {
  const row = first(
    await db
      .select({ player: quizClassPlayers, session: quizClassSessions })
      .from(quizClassPlayers)
      .innerJoin(quizClassSessions, eq(quizClassSessions.id, quizClassPlayers.sessionId))
      .where(eq(quizClassPlayers.tokenHash, hashSecret(token)))
      .limit(1),
  );
  if (!row) throw new UserError(404, 'player_not_found', '找不到你的答题记录，测验可能已经结束并删除。请向老师要新的加入码。');
  if (row.player.removed) throw new UserError(403, 'player_removed', '老师已经把你移出了这场测验。如有疑问请问老师。');
  return row;
}

async function answersOf(db: Db, playerId: number): Promise<number[][]> {
  const rows = await db.select().from(quizClassAnswers).where(eq(quizClassAnswers.playerId, playerId)).orderBy(asc(quizClassAnswers.questionIndex));
  const out: number[][] = [];
  for (const r of rows) out[r.questionIndex] = JSON.parse(r.choice) as number[];
  return out;
}

/** A pupil coming back (reload, lost connection): the same questions, and the result once submitted. */
export async function resumePlayer(db: Db, bank: QuestionBank, token: string): Promise<PupilView> {
  const { player, session } = await playerByToken(db, token);
  const result = player.finishedAt ? scoreAnswers(drawOf(session, bank), await answersOf(db, player.id)) : null;
  return pupilView(session, bank, player.nickname, player.joinedAt, result);
}

/** Scores a pupil's answers once. Only correctness counts; when they answered does not. */
export async function submitPlayer(db: Db, bank: QuestionBank, token: string, answers: (number[] | null)[], now: Date): Promise<ScoreResult> {
  const { player, session } = await playerByToken(db, token);
  if (player.finishedAt) throw new UserError(409, 'already_submitted', '你已经交过卷了，不能重复提交。');
  if (session.closed) throw new UserError(409, 'session_closed', '老师已经结束了这场测验，答卷没有被接收。');
  const deadline = deadlineOf(session, player.joinedAt);
  if (deadline && now.getTime() > Date.parse(deadline) + LATE_GRACE_MS) {
    throw new UserError(409, 'time_over', '答题时间已经过了，答卷没有被接收。');
  }
  const score = scoreAnswers(drawOf(session, bank), answers);
  await db.transaction(async (tx) => {
    // The player row first: of two submits at the same moment the second waits on this row and then
    // finds it finished (on PostgreSQL after a serialisation retry), before it writes any answer.
    const done = await tx
      .update(quizClassPlayers)
      .set({ finishedAt: now.toISOString(), correct: score.correct })
      .where(and(eq(quizClassPlayers.id, player.id), isNull(quizClassPlayers.finishedAt)))
      .returning({ id: quizClassPlayers.id });
    if (done.length !== 1) throw new UserError(409, 'already_submitted', '你已经交过卷了，不能重复提交。');
    // One statement for all answers: a whole school handing in at once is many of these.
    if (score.results.length) {
      await tx.insert(quizClassAnswers).values(score.results.map((r) => ({ playerId: player.id, questionIndex: r.n, choice: JSON.stringify(r.chosen), correct: r.correct })));
    }
  });
  return score;
}

export interface ClassReport {
  school: string;
  className: string;
  title: string;
  joinCode: string;
  closed: boolean;
  createdAt: string;
  deleteAfter: string;
  timeLimitMinutes: number | null;
  questionCount: number;
  /** Per question: right, wrong, left blank, or null while the pupil hasn't handed in. */
  players: { id: number; nickname: string; finished: boolean; correct: number | null; percent: number | null; unanswered: number | null; answers: AnswerMark[] }[];
  joined: number;
  finished: number;
  /** Average percent of pupils who have finished; null before anyone has. */
  average: number | null;
  distribution: { label: string; count: number }[];
  /** answered: pupils who chose something; unanswered: pupils who handed in with it blank; correctRate: right among those who answered. */
  questions: { n: number; stem: string; guide: string | null; answered: number; unanswered: number; correctRate: number | null }[];
}

export type AnswerMark = 'right' | 'wrong' | 'blank' | null;

export const SCORE_BANDS = [
  { label: '90–100 分', min: 90 },
  { label: '80–89 分', min: 80 },
  { label: '70–79 分', min: 70 },
  { label: '60–69 分', min: 60 },
  { label: '60 分以下', min: 0 },
] as const;

export async function classReport(db: Db, bank: QuestionBank, session: ClassSession): Promise<ClassReport> {
  const resolved = drawOf(session, bank);
  const total = resolved.length;
  const players = await db
    .select()
    .from(quizClassPlayers)
    .where(and(eq(quizClassPlayers.sessionId, session.id), eq(quizClassPlayers.removed, false)))
    .orderBy(asc(quizClassPlayers.id));
  const answers = await db
    .select({ playerId: quizClassAnswers.playerId, n: quizClassAnswers.questionIndex, correct: quizClassAnswers.correct, choice: quizClassAnswers.choice })
    .from(quizClassAnswers)
    .innerJoin(quizClassPlayers, eq(quizClassPlayers.id, quizClassAnswers.playerId))
    .where(and(eq(quizClassPlayers.sessionId, session.id), eq(quizClassPlayers.removed, false)));
  const byPlayer = new Map<number, AnswerMark[]>();
  for (const a of answers) {
    const row = byPlayer.get(a.playerId) ?? Array<AnswerMark>(total).fill(null);
    row[a.n] = a.choice === '[]' ? 'blank' : a.correct ? 'right' : 'wrong';
    byPlayer.set(a.playerId, row);
  }
  const percent = (correct: number) => (total ? Math.round((correct / total) * 100) : 0);
  const rows = players.map((p) => {
    const marks = byPlayer.get(p.id) ?? Array<AnswerMark>(total).fill(null);
    const finished = p.finishedAt !== null;
    return {
      id: p.id,
      nickname: p.nickname,
      finished,
      correct: p.correct,
      percent: p.correct === null ? null : percent(p.correct),
      unanswered: finished ? marks.filter((m) => m === 'blank' || m === null).length : null,
      answers: marks,
    };
  });
  const done = rows.filter((r) => r.finished);
  const average = done.length ? Math.round((done.reduce((s, r) => s + (r.percent ?? 0), 0) / done.length) * 10) / 10 : null;
  const distribution = SCORE_BANDS.map((b, i) => ({
    label: b.label,
    count: done.filter((r) => (r.percent ?? 0) >= b.min && (i === 0 || (r.percent ?? 0) < SCORE_BANDS[i - 1]!.min)).length,
  }));
  const questions = resolved.map(({ question }, n) => {
    const marks = done.map((r) => r.answers[n] ?? 'blank');
    const answered = marks.filter((m) => m !== 'blank').length;
    return {
      n,
      stem: question.stem,
      guide: question.guide ?? null,
      answered,
      unanswered: marks.length - answered,
      correctRate: answered ? Math.round((marks.filter((m) => m === 'right').length / answered) * 100) : null,
    };
  });
  return {
    school: session.school,
    className: session.className,
    title: setTitle(session.audience as QuizAudienceCode, session.topic),
    joinCode: session.joinCode,
    closed: session.closed,
    createdAt: session.createdAt,
    deleteAfter: session.deleteAfter,
    timeLimitMinutes: session.timeLimitMinutes,
    questionCount: total,
    players: rows,
    joined: rows.length,
    finished: done.length,
    average,
    distribution,
    questions,
  };
}

/** The teacher removes a pupil (a rude nickname, a double join): their token stops working and their answers go. */
export async function removePlayer(db: Db, session: ClassSession, playerId: number): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await tx
      .update(quizClassPlayers)
      .set({ removed: true })
      .where(and(eq(quizClassPlayers.id, playerId), eq(quizClassPlayers.sessionId, session.id)))
      .returning({ id: quizClassPlayers.id });
    if (r.length !== 1) throw new UserError(404, 'player_not_found', '找不到这位同学，可能已经被移出。');
    await tx.delete(quizClassAnswers).where(eq(quizClassAnswers.playerId, playerId));
  });
}

export async function closeSession(db: Db, session: ClassSession): Promise<void> {
  await db.update(quizClassSessions).set({ closed: true }).where(eq(quizClassSessions.id, session.id));
}

/** Deletes sessions past their retention date; players and answers go with them (ON DELETE CASCADE). */
export async function purgeExpiredSessions(db: Db, now: Date): Promise<number> {
  return (await db.delete(quizClassSessions).where(lt(quizClassSessions.deleteAfter, now.toISOString())).returning({ id: quizClassSessions.id })).length;
}

/** Spreadsheet cells that start with = + - @ would run as formulas in Excel; prefix them. */
function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const MARK_TEXT = { right: '对', wrong: '错', blank: '未答' } as const;

/** CSV for Excel: UTF-8 with BOM (so Chinese shows correctly), CRLF line ends, one row per pupil, then the correct rate of each question. */
export function classCsv(report: ClassReport): string {
  const qHeads = report.questions.map((q) => `第${q.n + 1}题`);
  const lines: (string | number | null)[][] = [
    ['学校', report.school, '班级', report.className, '题目', report.title],
    [],
    ['昵称', '状态', '答对题数', '未答题数', '总题数', '得分', ...qHeads],
    ...report.players.map((p) => [
      p.nickname,
      p.finished ? '已交卷' : '未交卷',
      p.correct,
      p.unanswered,
      report.questionCount,
      p.percent,
      ...p.answers.map((a) => (p.finished ? MARK_TEXT[a ?? 'blank'] : '')),
    ]),
    [],
    ['各题答对率（只算作答的人）', '', '', '', '', '', ...report.questions.map((q) => (q.correctRate === null ? '' : `${q.correctRate}%`))],
    ['各题未答人数', '', '', '', '', '', ...report.questions.map((q) => q.unanswered)],
    ['平均分', report.average, '已交卷人数', report.finished, '加入人数', report.joined],
    [],
    ['题号', '答对率（只算作答的人）', '作答人数', '未答人数', '题干'],
    ...report.questions.map((q) => [`第${q.n + 1}题`, q.correctRate === null ? '' : `${q.correctRate}%`, q.answered, q.unanswered, q.stem]),
  ];
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
