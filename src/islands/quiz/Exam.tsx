import { useEffect, useRef, useState } from 'react';
import AudienceTopic, { type AudienceChoice } from './AudienceTopic.tsx';
import { ApiError, postJson, type PublicQuestion, type ScoreResult } from './api.ts';
import QuestionSheet from './QuestionSheet.tsx';
import Review from './Review.tsx';

interface StartedExam {
  token: string;
  title: string;
  passPercent: number;
  questions: PublicQuestion[];
  attempt: number | null;
  attemptsPerDay: number;
}
interface SubmittedExam extends ScoreResult {
  passed: boolean;
  passPercent: number;
  certificate: { code: string; attempt: number | null } | null;
  anonymous: boolean;
}

/** Exam: the server draws and scores; this page never holds the answers before handing in. */
export default function Exam({ choices, guides }: { choices: AudienceChoice[]; guides: Record<string, string> }) {
  const [audience, setAudience] = useState(choices[0]?.code ?? 'primary');
  const [topic, setTopic] = useState('');
  const [name, setName] = useState('');
  const [exam, setExam] = useState<StartedExam | null>(null);
  const [answers, setAnswers] = useState<number[][]>([]);
  const [result, setResult] = useState<SubmittedExam | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const headRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (exam || result) headRef.current?.focus();
  }, [exam, result]);

  async function start(e: React.SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      setExam(await postJson<StartedExam>('/api/quiz/exams', { audience, topic: topic || null, name }));
      setAnswers([]);
      setResult(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    setBusy(true);
    setError('');
    try {
      const all = exam!.questions.map((q) => answers[q.n] ?? null);
      setResult(await postJson<SubmittedExam>('/api/quiz/exams/submit', { token: exam!.token, answers: all }));
      setExam(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    } finally {
      setBusy(false);
    }
  }

  if (result) {
    return (
      <section className="quiz-done" aria-labelledby="exam-result">
        <h2 id="exam-result" tabIndex={-1} ref={headRef}>
          {result.passed ? '恭喜，考试合格！' : '这次没有合格'}：{result.percent} 分（答对 {result.correct} 题，共 {result.total} 题）
        </h2>
        {result.certificate ? (
          <div className="notice ok">
            <p>
              证书验证码：<strong className="cert-code">{result.certificate.code}</strong>
            </p>
            <p>
              <a className="button" href={`/quiz/certificate/${result.certificate.code}/`}>
                查看和打印证书
              </a>
            </p>
          </div>
        ) : result.passed && result.anonymous ? (
          <p className="notice">这次没有填写姓名，所以不发证书。需要证书时，请在开始考试前填写姓名。</p>
        ) : (
          <p className="notice warn">{result.passPercent} 分及格。看看下面的解析，复习后可以再考一次。</p>
        )}
        <Review score={result} guides={guides} />
        <p className="quiz-actions">
          <button type="button" className="button secondary" onClick={() => setResult(null)}>
            再考一次
          </button>
        </p>
      </section>
    );
  }

  if (exam) {
    return (
      <section aria-labelledby="exam-title">
        <h2 id="exam-title" tabIndex={-1} ref={headRef}>
          {exam.title}（{exam.questions.length} 题，{exam.passPercent} 分及格）
        </h2>
        <p className="field-hint">
          不限时间。答完按最下面的“交卷”，马上显示成绩和每道题的解析。
          {exam.attempt !== null && `这是您第 ${exam.attempt} 次考这套题（同一姓名每天最多考 ${exam.attemptsPerDay} 次），次数会印在证书上。`}
        </p>
        <QuestionSheet
          questions={exam.questions}
          answers={answers}
          onAnswer={(n, c) => setAnswers((prev) => Object.assign([...prev], { [n]: c }))}
          onSubmit={submit}
          busy={busy}
          error={error}
          idPrefix="exam"
        />
      </section>
    );
  }

  return (
    <form className="quiz-setup" onSubmit={start} aria-labelledby="exam-setup-title">
      <h2 id="exam-setup-title">开始考试</h2>
      <AudienceTopic choices={choices} audience={audience} topic={topic} onAudience={setAudience} onTopic={setTopic} idPrefix="exam" />
      <div className="field">
        <label htmlFor="exam-name">
          证书上的姓名
          <span className="field-hint">
            需要合格证书就请填写，会原样印在证书上；不填也可以考，但合格后不发证书。同一姓名每天考同一套题的次数有限，考试次数会印在证书上。
          </span>
        </label>
        <input id="exam-name" type="text" maxLength={20} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button className="button" type="submit" disabled={busy}>
        开始考试
      </button>
    </form>
  );
}
