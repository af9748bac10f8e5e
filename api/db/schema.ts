import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * Instance-wide settings and key material that must survive restarts (e.g. public keys).
 * Never holds anything about a reporter.
 */
export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: text('updated_at').notNull(),
});

// ---------------------------------------------------------------------------------------------
// Reports (issue 6). Plaintext on purpose: category, sector, township, status and dates at day
// precision, which routing, queues and statistics need. Everything a person wrote or uploaded is
// sealed to the report's own X25519 key (see api/crypto and api/services/reports). No column ever
// holds an IP address, user agent, cookie or any other client identifier.

/**
 * Instance key pairs. `escrow` has no private half here: it exists only as the printed recovery key.
 * `intake` and `identity_custodian` private keys are sealed to the escrow key; staff copies (issue 7)
 * are added as further grants.
 */
export const cryptoKeys = sqliteTable('crypto_keys', {
  id: text('id').primaryKey(),
  publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
  /** Private key sealed to the escrow public key (null for the escrow key itself). */
  escrowSealedPrivateKey: blob('escrow_sealed_private_key', { mode: 'buffer' }),
  createdAt: text('created_at').notNull(),
});

export const reports = sqliteTable(
  'reports',
  {
    id: text('id').primaryKey(),
    /** HKDF of scrypt(receipt); finds the report, cannot decrypt anything. */
    receiptLookup: text('receipt_lookup').notNull().unique(),
    /** Per-report salt binding the receipt-derived key to this report. */
    receiptSalt: blob('receipt_salt', { mode: 'buffer' }).notNull(),
    category: text('category').notNull(),
    sector: text('sector').notNull(),
    township: text('township').notNull(),
    status: text('status').notNull(),
    /** True when a sealed identity exists (a real-name report); the identity itself is elsewhere. */
    realName: integer('real_name', { mode: 'boolean' }).notNull(),
    /** Day precision (YYYY-MM-DD, Asia/Shanghai). */
    createdOn: text('created_on').notNull(),
    updatedOn: text('updated_on').notNull(),
    dueOn: text('due_on').notNull(),
    /** Department code once assigned (issue 7). */
    department: text('department'),
    /** The report's own X25519 public key: content, messages and file keys are sealed to it. */
    publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
    /** Sealed JSON: place, description, observed time. */
    sealedContent: blob('sealed_content', { mode: 'buffer' }).notNull(),
    /** The report private key encrypted under the receipt-derived key: the reporter's copy. */
    reporterKeyBox: blob('reporter_key_box', { mode: 'buffer' }).notNull(),
    /** null: not decided yet; 'granted' | 'not_granted'. */
    rewardDecision: text('reward_decision'),
    rewardAmountYuan: integer('reward_amount_yuan'),
    rewardDecidedOn: text('reward_decided_on'),
  },
  (t) => [index('reports_status_idx').on(t.status), index('reports_created_idx').on(t.createdOn)],
);

/** Who can open a report: its private key sealed to each recipient (intake office, later handlers). */
export const reportKeyGrants = sqliteTable(
  'report_key_grants',
  {
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** 'intake', later 'staff:<id>'. */
    recipient: text('recipient').notNull(),
    sealedPrivateKey: blob('sealed_private_key', { mode: 'buffer' }).notNull(),
    createdOn: text('created_on').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.recipient] })],
);

/** A real-name reporter's name and phone, sealed to the identity custodian only — never to the report key. */
export const reportIdentities = sqliteTable('report_identities', {
  reportId: text('report_id')
    .primaryKey()
    .references(() => reports.id, { onDelete: 'cascade' }),
  sealedIdentity: blob('sealed_identity', { mode: 'buffer' }).notNull(),
  createdOn: text('created_on').notNull(),
});

/** Status timeline. Status is plaintext; an optional note is sealed to the report key. */
export const reportEvents = sqliteTable(
  'report_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    /** 'system' | 'department' (handlers' identities are the back office's audit trail, not here). */
    actor: text('actor').notNull(),
    sealedNote: blob('sealed_note', { mode: 'buffer' }),
    createdOn: text('created_on').notNull(),
  },
  (t) => [index('report_events_report_idx').on(t.reportId)],
);

/** Conversation between the reporter and the handling department; bodies sealed to the report key. */
export const reportMessages = sqliteTable(
  'report_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** 'reporter' | 'department'. */
    author: text('author').notNull(),
    sealedBody: blob('sealed_body', { mode: 'buffer' }).notNull(),
    createdOn: text('created_on').notNull(),
  },
  (t) => [index('report_messages_report_idx').on(t.reportId)],
);

/** Attachments: the blob on disk is encrypted with its own key, which is sealed (with name and type) here. */
export const reportFiles = sqliteTable(
  'report_files',
  {
    id: text('id').primaryKey(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** Set when the file came with a later reporter message. */
    messageId: integer('message_id').references(() => reportMessages.id, { onDelete: 'cascade' }),
    /** File name inside DATA_DIR/files. */
    blobName: text('blob_name').notNull().unique(),
    /** Sealed JSON: file key, original name, detected type, size, metadata removed. */
    sealedMeta: blob('sealed_meta', { mode: 'buffer' }).notNull(),
    createdOn: text('created_on').notNull(),
  },
  (t) => [index('report_files_report_idx').on(t.reportId)],
);

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
