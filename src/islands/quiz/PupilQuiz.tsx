import { useCallback, useEffect, useRef, useState } from 'react';
import { randomNickname } from '../../utils/nicknames.ts';
import { ApiError, postJson, type ScoreResult } from './api.ts';
import QuestionSheet from './QuestionSheet.tsx';
import Review from './Review.tsx';
import Timer from './Timer.tsx';

// The server's own shape (type-only import: nothing of the server is bundled).
type PupilView = import('../../../api/services/quiz/class-sessions.ts').PupilView;

/** Kept for this tab only, so a reload continues the same quiz; never a cookie. */
const TOKEN_KEY = 'sh-quiz-player';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}
function writeToken(token: string | null) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    /* private mode: the quiz still works until the tab is reloaded */
  }
}

/** Pupil side of class mode: join with the code and a nickname, answer, see the result and explanations. */
export default function PupilQuiz({ guides }: { guides: Record<string, string> }) {
  const [code, setCode] = useState('');
  const [nickname, setNickname] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const [view, setView] = useState<PupilView | null>(null);
  const [answers, setAnswers] = useState<number[][]>([]);
  const [error, setError] = useState('');
  const [errorField, setErrorField] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const headRef = useRef<HTMLHeadingElement>(null);
  const answersRef = useRef(answers);
  answersRef.current = answers;

  useEffect(() => {
    // The form also works as a plain GET before hydration: pick up what it carried.
    const params = new URLSearchParams(location.search);
    const fromUrl = params.get('code');
    if (fromUrl) setCode(fromUrl.replace(/\D/g, '').slice(0, 8));
    setNickname(params.get('nickname')?.slice(0, 12) || randomNickname());
    const saved = readToken();
    if (saved) {
      postJson<PupilView>('/api/quiz/class/me', { token: saved })
        .then((v) => {
          setToken(saved);
          setView(v);
        })
        .catch((err) => {
          writeToken(null);
          if (err instanceof ApiError && err.status !== 0) setError(err.message);
        });
    }
  }, []);

  useEffect(() => {
    if (view) headRef.current?.focus();
  }, [view?.result, view === null]);

  async function join(e: React.SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    setErrorField(undefined);
    try {
      const r = await postJson<{ token: string; view: PupilView }>('/api/quiz/class/join', { code, nickname });
      writeToken(r.token);
      setToken(r.token);
      setAnswers([]);
      setView(r.view);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
      setErrorField(err instanceof ApiError ? err.field : undefined);
    } finally {
      setBusy(false);
    }
  }

  const submit = useCallback(async () => {
    if (!token || !view) return;
    setBusy(true);
    setError('');
    try {
      const all = view.questions.map((q) => answersRef.current[q.n] ?? null);
      const result = await postJson<ScoreResult>('/api/quiz/class/submit', { token, answers: all });
      setView({ ...view, result });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    } finally {
      setBusy(false);
    }
  }, [token, view]);

  function leave() {
    writeToken(null);
    setToken(null);
    setView(null);
    setAnswers([]);
    setError('');
  }

  if (view?.result) {
    const r = view.result;
    return (
      <section className="quiz-done" aria-labelledby="pupil-result">
        <h2 id="pupil-result" tabIndex={-1} ref={headRef}>
          {view.nickname}，你答对了 {r.correct} 题（共 {r.total} 题），得分 {r.percent}
        </h2>
        <p className="field-hint">成绩已经交给老师。下面是每道题的解析。</p>
        <Review score={r} guides={guides} />
        <p className="quiz-actions">
          <button type="button" className="button secondary" onClick={leave}>
            退出这场测验
          </button>
        </p>
      </section>
    );
  }

  if (view) {
    return (
      <section aria-labelledby="pupil-title">
        <h2 id="pupil-title" tabIndex={-1} ref={headRef}>
          {view.school} {view.className}：{view.title}
        </h2>
        <p className="field-hint">
          你的昵称：{view.nickname}。共 {view.questions.length} 题，{view.timeLimitMinutes ? `限时 ${view.timeLimitMinutes} 分钟，时间到会自动交卷` : '不限时'}。成绩只看答对多少，和快慢无关。
        </p>
        <QuestionSheet
          questions={view.questions}
          answers={answers}
          onAnswer={(n, c) => setAnswers((prev) => Object.assign([...prev], { [n]: c }))}
          onSubmit={submit}
          busy={busy}
          error={error}
          idPrefix="pupil"
        >
          {view.deadline && <Timer deadline={view.deadline} onExpire={submit} />}
        </QuestionSheet>
      </section>
    );
  }

  return (
    <form className="quiz-setup" onSubmit={join} aria-labelledby="join-title" noValidate method="get">
      <h2 id="join-title">输入加入码和昵称</h2>
      <div className="field">
        <label htmlFor="join-code">
          加入码<span className="field-hint">老师写在黑板上的 8 位数字</span>
        </label>
        <input
          id="join-code"
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          maxLength={9}
          value={code}
          aria-invalid={errorField === 'code' || undefined}
          onChange={(e) => setCode(e.target.value)}
          className="quiz-code-input"
        />
      </div>
      <div className="field">
        <label htmlFor="join-nickname">
          昵称<span className="field-hint">不要写真实姓名。可以用我们随机起的名字，也可以自己起一个（最多 12 个字）。</span>
        </label>
        <div className="quiz-inline">
          <input
            id="join-nickname"
            name="nickname"
            type="text"
            autoComplete="off"
            maxLength={12}
            value={nickname}
            aria-invalid={errorField === 'nickname' || undefined}
            onChange={(e) => setNickname(e.target.value)}
          />
          <button type="button" className="button secondary" onClick={() => setNickname(randomNickname())}>
            换一个
          </button>
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button className="button" type="submit" disabled={busy}>
        加入
      </button>
    </form>
  );
}
