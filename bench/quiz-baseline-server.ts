// Baseline for the quiz benchmark: bare node:http + better-sqlite3 doing the same work per request as
// the real class-mode routes — the same tables (the committed migrations), the same pragmas
// (WAL, synchronous=FULL), the same lookups, the same inserts, the same group commit, the same
// scoring and the same response bodies — without Hono, zod, drizzle, the rate limiter or security headers.
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QuestionBank, setTitle } from '../api/services/quiz/bank.ts';
import { drawQuestions, publicQuestions, resolveDraw, type DrawnQuestion } from '../api/services/quiz/draw.ts';
import { scoreAnswers } from '../api/services/quiz/scoring.ts';
import { hashSecret, newJoinCode, newSecret } from '../api/services/quiz/secrets.ts';
import { MIGRATIONS_DIR } from '../api/db/client.ts';
import type { QuizAudienceCode } from '../config/taxonomy.ts';

const port = Number(process.env.PORT);
const db = new Database(join(process.env.DATA_DIR!, 'baseline.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
for (const f of readdirSync(MIGRATIONS_DIR).filter((x) => x.endsWith('.sql')).sort()) {
  for (const stmt of readFileSync(join(MIGRATIONS_DIR, f), 'utf8').split('--> statement-breakpoint')) db.exec(stmt);
}
const bank = QuestionBank.load();

/**
 * The same group commit as the site's (api/db/client.ts), on the bare connection: writes arriving
 * together share one transaction (one fsync), each in its own savepoint.
 */
class GroupCommit {
  private queue: { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private scheduled = false;
  private readonly sqlite: Database.Database;
  private readonly maxBatch = 256;
  constructor(sqlite: Database.Database) {
    this.sqlite = sqlite;
  }
  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }
  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.sqlite.transaction(() => {
        for (const item of batch) {
          try {
            // Nested better-sqlite3 transaction = SAVEPOINT: a failing write undoes only itself.
            outcomes.push({ ok: true, value: this.sqlite.transaction(item.fn)() });
          } catch (e) {
            outcomes.push({ ok: false, value: e });
          }
        }
      })();
    } catch (e) {
      for (const item of batch) item.reject(e);
      return;
    }
    batch.forEach((item, i) => (outcomes[i]!.ok ? item.resolve(outcomes[i]!.value) : item.reject(outcomes[i]!.value)));
  }
}
const writes = new GroupCommit(db);

type Session = { id: number; school: string; class_name: string; audience: string; topic: string | null; draw: string; time_limit_minutes: number | null; closed: number };
const insertSession = db.prepare(
  'insert into quiz_class_sessions (join_code, teacher_key_hash, school, class_name, audience, topic, draw, time_limit_minutes, created_at, delete_after) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const sessionByCode = db.prepare('select * from quiz_class_sessions where join_code = ?');
const countPlayers = db.prepare('select count(*) as n from quiz_class_players where session_id = ?');
const insertPlayer = db.prepare('insert into quiz_class_players (session_id, token_hash, nickname, joined_at) values (?, ?, ?, ?) on conflict do nothing returning id');
const playerByToken = db.prepare(
  'select p.id as pid, p.finished_at, p.removed, s.* from quiz_class_players p join quiz_class_sessions s on s.id = p.session_id where p.token_hash = ?',
);
const insertAnswer = db.prepare('insert into quiz_class_answers (player_id, question_index, choice, correct) values (?, ?, ?, ?)');
const finishPlayer = db.prepare('update quiz_class_players set finished_at = ?, correct = ? where id = ? and finished_at is null');

const join_ = db.transaction((sessionId: number, tokenHash: string, nickname: string) => {
  if ((countPlayers.get(sessionId) as { n: number }).n >= 150) return 'full';
  return insertPlayer.get(sessionId, tokenHash, nickname, new Date().toISOString()) ? 'ok' : 'taken';
});
const submit_ = db.transaction((playerId: number, rows: { n: number; chosen: number[]; correct: boolean }[], correct: number) => {
  for (const r of rows) insertAnswer.run(playerId, r.n, JSON.stringify(r.chosen), r.correct ? 1 : 0);
  finishPlayer.run(new Date().toISOString(), correct, playerId);
});

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/api/health') return send(res, 200, { ok: true });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'bad_json' });
    }
    if (req.url === '/api/quiz/class') {
      const audience = body.audience as QuizAudienceCode;
      const draw = drawQuestions(bank.pool(audience, null), Number(body.count));
      const teacherKey = newSecret();
      const joinCode = newJoinCode();
      const now = new Date();
      insertSession.run(joinCode, hashSecret(teacherKey), body.school, body.className, audience, null, JSON.stringify(draw), null, now.toISOString(), new Date(now.getTime() + 7 * 86_400_000).toISOString());
      return send(res, 201, { joinCode, teacherKey });
    }
    if (req.url === '/api/quiz/class/join') {
      const code = String(body.code);
      const nickname = String(body.nickname);
      if (!/^\d{8}$/.test(code) || !/^[\p{Script=Han}A-Za-z0-9·_]{1,12}$/u.test(nickname)) return send(res, 400, { error: 'invalid' });
      const s = sessionByCode.get(code) as Session | undefined;
      if (!s) return send(res, 404, { error: 'code_not_found' });
      const token = newSecret();
      writes.write(() => join_(s.id, hashSecret(token), nickname)).then((r) => {
        if (r !== 'ok') return send(res, 409, { error: r });
        const questions = publicQuestions(resolveDraw(JSON.parse(s.draw) as DrawnQuestion[], (id) => bank.get(id)));
        send(res, 201, { token, view: { school: s.school, className: s.class_name, title: setTitle(s.audience as QuizAudienceCode, s.topic), nickname, timeLimitMinutes: null, deadline: null, questions, result: null } });
      });
      return;
    }
    if (req.url === '/api/quiz/class/submit') {
      const row = playerByToken.get(hashSecret(String(body.token))) as (Session & { pid: number; finished_at: string | null; removed: number }) | undefined;
      if (!row || row.removed) return send(res, 404, { error: 'player_not_found' });
      if (row.finished_at) return send(res, 409, { error: 'already_submitted' });
      const score = scoreAnswers(resolveDraw(JSON.parse(row.draw) as DrawnQuestion[], (id) => bank.get(id)), body.answers as number[][]);
      writes.write(() => submit_(row.pid, score.results, score.correct)).then(() => send(res, 200, score));
      return;
    }
    send(res, 404, { error: 'not_found' });
  });
}).listen(port, '127.0.0.1', () => console.log('ready'));
