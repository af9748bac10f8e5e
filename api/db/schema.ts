import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Instance-wide settings and key material that must survive restarts (e.g. public keys).
 * Never holds anything about a reporter.
 */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

// ─── Quizzes (issue 5): exams, certificates and class sessions ───────────────────────────────
// Nothing here identifies a person: pupils are nicknames, certificates hold only what they show,
// secrets (teacher links, player and exam tokens) are stored as SHA-256 hashes.

/** An exam in progress: which questions were drawn (and in which option order) until it is submitted. */
export const quizExams = sqliteTable('quiz_exams', {
  tokenHash: text('token_hash').primaryKey(),
  audience: text('audience').notNull(),
  topic: text('topic'),
  /** JSON: [{ id, order }] — the drawn questions and the displayed option order. */
  draw: text('draw').notNull(),
  createdAt: text('created_at').notNull(),
});

/** A passed exam's certificate: exactly what the printed certificate shows, nothing more. */
export const quizCertificates = sqliteTable('quiz_certificates', {
  code: text('code').primaryKey(),
  /** Name as typed by the taker; empty when they chose not to give one. */
  name: text('name').notNull(),
  title: text('title').notNull(),
  correct: integer('correct').notNull(),
  total: integer('total').notNull(),
  score: integer('score').notNull(),
  /** Day of issue, YYYY-MM-DD. */
  issuedOn: text('issued_on').notNull(),
});

/** A class quiz run by a teacher; deleted with everything under it after the retention period. */
export const quizClassSessions = sqliteTable(
  'quiz_class_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    joinCode: text('join_code').notNull(),
    teacherKeyHash: text('teacher_key_hash').notNull().unique(),
    school: text('school').notNull(),
    className: text('class_name').notNull(),
    audience: text('audience').notNull(),
    topic: text('topic'),
    /** JSON: [{ id, order }] — the same questions for every pupil of the session. */
    draw: text('draw').notNull(),
    timeLimitMinutes: integer('time_limit_minutes'),
    closed: integer('closed', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    /** When the session and all its data are deleted. */
    deleteAfter: text('delete_after').notNull(),
  },
  (t) => [uniqueIndex('quiz_class_sessions_join_code').on(t.joinCode), index('quiz_class_sessions_delete_after').on(t.deleteAfter)],
);

export const quizClassPlayers = sqliteTable(
  'quiz_class_players',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sessionId: integer('session_id')
      .notNull()
      .references(() => quizClassSessions.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    nickname: text('nickname').notNull(),
    joinedAt: text('joined_at').notNull(),
    finishedAt: text('finished_at'),
    correct: integer('correct'),
    removed: integer('removed', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [uniqueIndex('quiz_class_players_nickname').on(t.sessionId, t.nickname)],
);

/** One row per pupil and question: which choice they made and whether it was right. */
export const quizClassAnswers = sqliteTable(
  'quiz_class_answers',
  {
    playerId: integer('player_id')
      .notNull()
      .references(() => quizClassPlayers.id, { onDelete: 'cascade' }),
    questionIndex: integer('question_index').notNull(),
    /** JSON array of the displayed option indices chosen. */
    choice: text('choice').notNull(),
    correct: integer('correct', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.playerId, t.questionIndex] })],
);
