import { useEffect, useRef, useState } from 'react';
import AudienceTopic, { type AudienceChoice } from './AudienceTopic.tsx';
import { answerText, ApiError, getJson, postJson, type PublicQuestion, type QuestionResult } from './api.ts';
import Progress from './Progress.tsx';
import QuestionField from './QuestionField.tsx';
import Review from './Review.tsx';
import Timer from './Timer.tsx';

interface PracticeQuestion extends PublicQuestion {
  id: string;
  order: number[];
}
interface Check {
  correct: boolean;
  answer: number[];
  explanation: string;
  guide: string | null;
}

interface Props {
  choices: AudienceChoice[];
  guides: Record<string, string>;
}

/** Practice: one question at a time, checked by the server, with the explanation straight away. No timer. */
export default function Practice({ choices, guides }: Props) {
  const [audience, setAudience] = useState(choices[0]?.code ?? 'primary');
  const [topic, setTopic] = useState('');
  const [count, setCount] = useState(10);
  /** Minutes; 0 = no timer (the default: practice is never timed unless asked). */
  const [minutes, setMinutes] = useState(0);
  const [deadline, setDeadline] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [questions, setQuestions] = useState<PracticeQuestion[] | null>(null);
  const [index, setIndex] = useState(0);
  const [chosen, setChosen] = useState<number[]>([]);
  const [check, setCheck] = useState<Check | null>(null);
  const [results, setResults] = useState<QuestionResult[]>([]);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const feedbackRef = useRef<HTMLDivElement>(null);
  const questionRef = useRef<HTMLDivElement>(null);
  const doneRef = useRef<HTMLHeadingElement>(null);
  const finished = questions !== null && index >= questions.length;

  // Links such as /quiz/?audience=primary&topic=防溺水#practice preselect the set (campaign pages, guides).
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const a = choices.find((c) => c.code === params.get('audience'));
    if (!a) return;
    setAudience(a.code);
    const t = params.get('topic');
    if (t && a.topics.some((x) => x.topic === t)) setTopic(t);
  }, [choices]);

  useEffect(() => {
    if (check) feedbackRef.current?.focus();
  }, [check]);
  useEffect(() => {
    if (questions && !finished) questionRef.current?.focus();
  }, [index, questions, finished]);
  useEffect(() => {
    if (finished) doneRef.current?.focus();
  }, [finished]);

  async function start(e: React.SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const q = new URLSearchParams({ audience, count: String(count), ...(topic ? { topic } : {}) });
      const data = await getJson<{ title: string; questions: PracticeQuestion[] }>(`/api/quiz/practice?${q}`);
      setTitle(data.title);
      setQuestions(data.questions);
      setIndex(0);
      setChosen([]);
      setCheck(null);
      setResults([]);
      setDeadline(minutes ? new Date(Date.now() + minutes * 60_000).toISOString() : null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    } finally {
      setBusy(false);
    }
  }

  async function submit(e: React.SubmitEvent) {
    e.preventDefault();
    const q = questions![index]!;
    if (!chosen.length) {
      setError('请先选择一个答案。');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const r = await postJson<Check>('/api/quiz/practice/check', { id: q.id, order: q.order, chosen });
      setCheck(r);
      setResults((prev) => [...prev, { n: index, stem: q.stem, options: q.options, chosen, answer: r.answer, correct: r.correct, explanation: r.explanation, guide: r.guide }]);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    } finally {
      setBusy(false);
    }
  }

  function next() {
    setIndex((i) => i + 1);
    setChosen([]);
    setCheck(null);
  }

  if (!questions) {
    return (
      <form className="quiz-setup" onSubmit={start} aria-labelledby="practice-title">
        <h2 id="practice-title">开始练习</h2>
        <AudienceTopic choices={choices} audience={audience} topic={topic} onAudience={setAudience} onTopic={setTopic} idPrefix="practice" />
        <div className="field">
          <label htmlFor="practice-count">题数</label>
          <select id="practice-count" value={count} onChange={(e) => setCount(Number(e.target.value))}>
            {[5, 10, 15, 20].map((n) => (
              <option key={n} value={n}>
                {n} 道
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="practice-timer">
            计时<span className="field-hint">默认不计时。想练练速度可以给自己定个时间，时间到就结束这组练习。</span>
          </label>
          <select id="practice-timer" value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {[0, 3, 5, 10].map((m) => (
              <option key={m} value={m}>
                {m ? `${m} 分钟` : '不计时'}
              </option>
            ))}
          </select>
        </div>
        {error && <p className="field-error" role="alert">{error}</p>}
        <button className="button" type="submit" disabled={busy}>
          开始练习
        </button>
        <p className="field-hint">每答一题马上告诉你对不对、为什么。</p>
      </form>
    );
  }

  if (finished) {
    const correct = results.filter((r) => r.correct).length;
    return (
      <section className="quiz-done" aria-labelledby="practice-done">
        <h2 id="practice-done" tabIndex={-1} ref={doneRef}>
          {results.length < questions.length ? '时间到。' : ''}练习完成：答对 {correct} 题，共 {results.length} 题
        </h2>
        <Review score={{ correct, total: results.length, percent: 0, results }} guides={guides} wrongOnly headingLevel={3} />
        <p className="quiz-actions">
          <button type="button" className="button" onClick={() => setQuestions(null)}>
            再练一组
          </button>
          <a className="button secondary" href="/quiz/exam/">
            参加考试，获得证书
          </a>
        </p>
      </section>
    );
  }

  const q = questions[index]!;
  return (
    <section className="quiz-run" aria-label={`练习：${title}`}>
      {deadline && <Timer deadline={deadline} onExpire={() => setIndex(questions.length)} />}
      <Progress value={index + (check ? 1 : 0)} max={questions.length} label={`已完成 ${index + (check ? 1 : 0)} 题，共 ${questions.length} 题`} />
      <form onSubmit={submit}>
        <div tabIndex={-1} ref={questionRef} className="quiz-focus">
          <QuestionField
            question={q}
            number={index + 1}
            total={questions.length}
            chosen={chosen}
            onChange={(c) => {
              setChosen(c);
              setError('');
            }}
            disabled={!!check}
            answer={check?.answer}
            idPrefix="practice"
          />
        </div>
        {error && <p className="field-error" role="alert">{error}</p>}
        {!check && (
          <button className="button" type="submit" disabled={busy}>
            确认答案
          </button>
        )}
      </form>
      {check && (
        <div className={`quiz-feedback notice ${check.correct ? 'ok' : 'danger'}`} tabIndex={-1} ref={feedbackRef}>
          <p className="notice-title">
            <strong>{check.correct ? '答对了！' : '答错了。'}</strong>
            {!check.correct && ` 正确答案：${answerText(q, check.answer)}`}
          </p>
          <p>解析：{check.explanation}</p>
          {check.guide && guides[check.guide] && (
            <p>
              学习：<a href={`/guides/${check.guide}/`}>{guides[check.guide]}</a>
            </p>
          )}
          <button type="button" className="button" onClick={next}>
            {index + 1 < questions.length ? '下一题' : '查看结果'}
          </button>
        </div>
      )}
    </section>
  );
}
