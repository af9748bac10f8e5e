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
    /** How the report reached us (config/channels.ts): 'web' for the site's own form (issue 15). */
    channel: text('channel').notNull().default('web'),
    /** Day a staff-entered report was received by phone, letter, visit or transfer; null for web reports (= createdOn). */
    receivedOn: text('received_on'),
    /** Office case number 商安举〔caseYear〕caseSeq号: sequential per year of receipt, given at filing (issue 14). */
    caseYear: integer('case_year'),
    caseSeq: integer('case_seq'),
  },
  (t) => [index('reports_status_idx').on(t.status), index('reports_created_idx').on(t.createdOn), uniqueIndex('reports_case_number_idx').on(t.caseYear, t.caseSeq)],
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
    /** Back office only: the staff member who made the step (the reporter sees only the department). */
    staffId: text('staff_id'),
    /** The reporter-visible message posted with this step (its text is the step's outcome). */
    messageId: integer('message_id'),
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
    /** Back office only: which staff member wrote a department message. */
    staffId: text('staff_id'),
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
    /** Set for documents staff attached (rectification photos, 整改报告): never shown to the reporter. */
    uploadedBy: text('uploaded_by'),
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
  /** Name for the certificate, given at the start; the row is deleted at hand-in or after 3 hours. */
  name: text('name'),
  /** Which attempt of this name at this set the exam is (1 = first); null without a name. */
  attempt: integer('attempt'),
});

/**
 * Exam attempts per name, set and China calendar day, so a name can sit a set only so many times a
 * day. The name is kept only as a hash; rows older than a year are deleted.
 */
export const quizExamAttempts = sqliteTable(
  'quiz_exam_attempts',
  {
    nameKey: text('name_key').notNull(),
    /** audience, or audience/topic */
    setKey: text('set_key').notNull(),
    /** YYYY-MM-DD in China time. */
    day: text('day').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.nameKey, t.setKey, t.day] })],
);

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
  /** Which attempt of this name at this set earned it; null on certificates issued before attempts were counted. */
  attempt: integer('attempt'),
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

// ---------------------------------------------------------------------------------------------
// Back office (issue 7): staff, sessions, key holdings, case handling, identity access, rewards
// and the hash-chained audit log. Staff rows never hold a reporter's data; the audit log names
// staff by id and cases by report id, never by anything a reporter wrote.

/** Staff accounts. The private key is wrapped twice: by the password-derived key and by escrow. */
export const staffUsers = sqliteTable('staff_users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  displayName: text('display_name').notNull(),
  /** config/staff.ts STAFF_ROLES code. */
  role: text('role').notNull(),
  /** config/departments.ts code; handlers only. */
  department: text('department'),
  /** scrypt parameters, salt and verifier (see api/crypto hashPassword). */
  passwordHash: text('password_hash').notNull(),
  publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
  /** Private key boxed under a key derived from the password (different HKDF output from the verifier). */
  passwordBoxedPrivateKey: blob('password_boxed_private_key', { mode: 'buffer' }).notNull(),
  /** Private key sealed to the escrow key, so the recovery key can reset a password without losing cases. */
  escrowSealedPrivateKey: blob('escrow_sealed_private_key', { mode: 'buffer' }).notNull(),
  /** TOTP secret boxed under the password-derived key. */
  totpBox: blob('totp_box', { mode: 'buffer' }).notNull(),
  /** Last accepted TOTP time step: a code is never accepted twice. */
  totpLastStep: integer('totp_last_step').notNull().default(0),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: text('locked_until'),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
  createdAt: text('created_at').notNull(),
  /** Set for an initial or administrator-reset password: the back office only lets the user change it. */
  mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
  /**
   * A re-issued authenticator secret sealed to the account's public key (the administrator cannot box
   * it under a password it does not know); the first login with it re-boxes it under the password.
   */
  pendingTotpSealed: blob('pending_totp_sealed', { mode: 'buffer' }),
  /** The login name a deactivated account had; `username` then holds a value no login can type. */
  retiredUsername: text('retired_username'),
});

/** One live session per user (a new login deletes the old row). Only a hash of the token is kept. */
export const staffSessions = sqliteTable('staff_sessions', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .unique()
    .references(() => staffUsers.id, { onDelete: 'cascade' }),
  csrfToken: text('csrf_token').notNull(),
  /** The staff private key boxed under a key derived from the session token (held only by the browser). */
  keyBox: blob('key_box', { mode: 'buffer' }).notNull(),
  createdAt: text('created_at').notNull(),
  lastSeenAt: text('last_seen_at').notNull(),
});

/** Instance keys a staff member holds ('intake', 'identity_custodian', 'dept:<code>'), sealed to their key. */
export const staffKeyGrants = sqliteTable(
  'staff_key_grants',
  {
    userId: text('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    keyId: text('key_id').notNull(),
    sealedPrivateKey: blob('sealed_private_key', { mode: 'buffer' }).notNull(),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.keyId] })],
);

/**
 * Two-person rule for instance keys (issue 10 item 6): an account receives a key that opens reports only
 * when a second, existing holder of that key approves (their browser session re-seals it to the
 * account), or from the command line with the recovery key. Requests, grants and refusals are audited.
 */
export const keyGrantRequests = sqliteTable(
  'key_grant_requests',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    /** 'intake' | 'identity_custodian' | 'dept:<code>'. */
    keyId: text('key_id').notNull(),
    /** Staff id of the administrator who asked (or 'cli' / 'system'). */
    requestedBy: text('requested_by').notNull(),
    /** Why the account needs the key: 'new_account' | 'password_reset' | 'reactivated'. Shown to the approver. */
    reason: text('reason').notNull(),
    /** 'pending' | 'granted' | 'refused' | 'withdrawn'. */
    status: text('status').notNull(),
    decidedBy: text('decided_by'),
    createdAt: text('created_at').notNull(),
    decidedAt: text('decided_at'),
  },
  (t) => [index('key_grant_requests_status_idx').on(t.status, t.keyId)],
);

/** Which department(s) handle a case. */
export const caseAssignments = sqliteTable(
  'case_assignments',
  {
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    department: text('department').notNull(),
    assignedOn: text('assigned_on').notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.department] }), index('case_assignments_dept_idx').on(t.department)],
);

/** Handling dates and outcome, all plaintext at day precision (queues and public statistics need them). */
export const caseTracking = sqliteTable('case_tracking', {
  reportId: text('report_id')
    .primaryKey()
    .references(() => reports.id, { onDelete: 'cascade' }),
  acceptDueOn: text('accept_due_on').notNull(),
  acceptedOn: text('accepted_on'),
  substantiated: integer('substantiated', { mode: 'boolean' }),
  rectifyDueOn: text('rectify_due_on'),
  extensionDays: integer('extension_days'),
  closedOn: text('closed_on'),
  /** Set when the retention job removed attachments and identity. */
  purgedOn: text('purged_on'),
});

/** A handler's request to see a real-name reporter's identity, and the custodian's decision. */
export const identityRequests = sqliteTable('identity_requests', {
  id: text('id').primaryKey(),
  reportId: text('report_id')
    .notNull()
    .references(() => reports.id, { onDelete: 'cascade' }),
  requesterId: text('requester_id')
    .notNull()
    .references(() => staffUsers.id),
  /** Sealed to the report key, like everything else staff write about a case. */
  sealedReason: blob('sealed_reason', { mode: 'buffer' }).notNull(),
  /** The same reason sealed to the identity custodian, who decides on it without opening the report. */
  custodianSealedReason: blob('custodian_sealed_reason', { mode: 'buffer' }).notNull(),
  /** 'pending' | 'approved' | 'refused' | 'viewed'. */
  status: text('status').notNull(),
  deciderId: text('decider_id').references(() => staffUsers.id),
  /** Identity re-sealed to the requester's public key on approval; deleted once it has been viewed. */
  sealedForRequester: blob('sealed_for_requester', { mode: 'buffer' }),
  createdAt: text('created_at').notNull(),
  decidedAt: text('decided_at'),
  viewedAt: text('viewed_at'),
});

/** The reasoning behind a reward decision (the decision itself is on the reports row the reporter reads). */
export const rewardDecisions = sqliteTable('reward_decisions', {
  reportId: text('report_id')
    .primaryKey()
    .references(() => reports.id, { onDelete: 'cascade' }),
  /** config/rewards.ts rule-set id. */
  ruleSet: text('rule_set').notNull(),
  /** JSON: calculator input and result. */
  basis: text('basis').notNull(),
  decidedBy: text('decided_by')
    .notNull()
    .references(() => staffUsers.id),
  decidedOn: text('decided_on').notNull(),
  /** 1 for the first decision, +1 for each audited correction. */
  revision: integer('revision').notNull().default(1),
});

/** Staff-only notes on a case (issue 14): sealed to the report key, never shown to the reporter. */
export const caseNotes = sqliteTable(
  'case_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    authorId: text('author_id').notNull(),
    sealedBody: blob('sealed_body', { mode: 'buffer' }).notNull(),
    /** The step the note was written with ('assigned', 'substantiated', …), null for a note on its own. */
    step: text('step'),
    /** ISO time. */
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('case_notes_report_idx').on(t.reportId)],
);

/** What each staff member has seen of a case: the newest reporter message, and the session that opened it. */
export const caseReads = sqliteTable(
  'case_reads',
  {
    userId: text('user_id').notNull(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    lastMessageId: integer('last_message_id').notNull().default(0),
    /** Hash of the session that last opened the case (one "opened" audit entry per session). */
    sessionMark: text('session_mark'),
    /** File ids shown inline in that session (one "viewed an image" audit entry per file and session). */
    viewedInline: text('viewed_inline').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.userId, t.reportId] })],
);

/**
 * Append-only, hash-chained audit log: hash = SHA-256(prev_hash | canonical JSON of the entry).
 * app_meta.audit_head holds the last id and hash, so removing entries from the end is detected too.
 */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey(),
  at: text('at').notNull(),
  /** Staff id, or 'system' / 'cli'. Never a client address. */
  actor: text('actor').notNull(),
  action: text('action').notNull(),
  reportId: text('report_id'),
  /** JSON with codes only (status, department, amount), never report text. */
  detail: text('detail').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

// ---------------------------------------------------------------------------------------------
// Channels and notifications (issue 15). Staff-entered reports and 12345 work orders go through the
// same reports table; the tables below only record where they came from. Notifications are derived
// from database state by a job (api/services/notify/) and never contain anything a reporter wrote.

/** Who entered a report received by phone, letter, visit or transfer, and from which body. */
export const staffIntakes = sqliteTable('staff_intakes', {
  reportId: text('report_id')
    .primaryKey()
    .references(() => reports.id, { onDelete: 'cascade' }),
  /** Staff id of the intake officer who entered it. */
  enteredBy: text('entered_by').notNull(),
  /** Government body that transferred the report (channel 'transfer'); not about the reporter. */
  sourceBody: text('source_body'),
  enteredAt: text('entered_at').notNull(),
});

/** A 12345 hotline work order (工单) imported as a report; keyed by the hotline's own number. */
export const hotlineOrders = sqliteTable(
  'hotline_orders',
  {
    /** 工单编号 as the hotline platform prints it. */
    orderNo: text('order_no').primaryKey(),
    reportId: text('report_id')
      .notNull()
      .unique()
      .references(() => reports.id, { onDelete: 'cascade' }),
    /** Day the hotline received the call (YYYY-MM-DD). */
    receivedOn: text('received_on').notNull(),
    /** Reply deadline set by the hotline platform, when the file gives one. */
    hotlineDueOn: text('hotline_due_on'),
    importedBy: text('imported_by').notNull(),
    importedAt: text('imported_at').notNull(),
    /** Last time the order's result was exported for the hotline. */
    exportedAt: text('exported_at'),
  },
  (t) => [index('hotline_orders_imported_idx').on(t.importedAt)],
);

/** Per-person notification choices: where to send, and instant or one daily digest. */
export const notifyPrefs = sqliteTable('notify_prefs', {
  staffId: text('staff_id')
    .primaryKey()
    .references(() => staffUsers.id, { onDelete: 'cascade' }),
  email: text('email'),
  /** 'instant' | 'digest' | 'off'. */
  mode: text('mode').notNull(),
  updatedAt: text('updated_at').notNull(),
});

/** Group-robot webhooks (企业微信 / 钉钉) per department, or 'intake' for the intake office. */
export const notifyWebhooks = sqliteTable('notify_webhooks', {
  scope: text('scope').primaryKey(),
  /** 'wecom' | 'dingtalk'. */
  kind: text('kind').notNull(),
  /** Full robot address; contains the robot key, so it is never shown back. */
  url: text('url').notNull(),
  /** 钉钉 加签 secret (SEC…), optional; never shown back. */
  secret: text('secret'),
  mode: text('mode').notNull().default('instant'),
  updatedAt: text('updated_at').notNull(),
});

/** Outbox of events derived from database state; dedupe_key makes derivation idempotent. */
export const notifyEvents = sqliteTable(
  'notify_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    /** 'new_case' | 'assigned' | 'reporter_reply' | 'due_soon' | 'overdue'. */
    kind: text('kind').notNull(),
    reportId: text('report_id').references(() => reports.id, { onDelete: 'cascade' }),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('notify_events_report_idx').on(t.reportId)],
);

/** One event for one recipient ('staff:<id>' or 'hook:<scope>'), until a delivery carries it. */
export const notifyItems = sqliteTable(
  'notify_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => notifyEvents.id, { onDelete: 'cascade' }),
    recipient: text('recipient').notNull(),
    deliveryId: integer('delivery_id'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('notify_items_event_recipient').on(t.eventId, t.recipient), index('notify_items_delivery_idx').on(t.deliveryId)],
);

/** One message to one recipient (a count and case numbers), with its retry state. */
export const notifyDeliveries = sqliteTable(
  'notify_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    recipient: text('recipient').notNull(),
    /** 'email' | 'webhook'. */
    channel: text('channel').notNull(),
    /** 'pending' | 'sent' | 'failed' (gave up after the last attempt). */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    itemCount: integer('item_count').notNull(),
    digest: integer('digest', { mode: 'boolean' }).notNull().default(false),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('notify_deliveries_status_idx').on(t.status, t.nextAttemptAt)],
);

/**
 * Encrypted attachment bytes when the API runs on PostgreSQL (issue 16): the same sealed blobs the
 * SQLite installation keeps as files in DATA_DIR/files, in chunks of at most 1 MiB, written in the
 * transaction that acknowledges them (api/services/blob-store.ts). Empty on SQLite.
 */
export const blobChunks = sqliteTable(
  'blob_chunks',
  {
    name: text('name').notNull(),
    seq: integer('seq').notNull(),
    data: blob('data', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.name, t.seq] })],
);
