import { useEffect, useRef, useState } from 'react';
import AudienceTopic, { type AudienceChoice } from './AudienceTopic.tsx';
import { ApiError, postJson } from './api.ts';

interface Created {
  joinCode: string;
  teacherKey: string;
  deleteAfter: string;
  questionCount: number;
  retentionDays: number;
}

const COUNTS = [5, 10, 15, 20, 25, 30];
const LIMITS = [0, 5, 10, 15, 20, 30, 45];

/** Teacher starts a class session in under a minute: names, question set, count, optional time limit. */
export default function ClassCreate({ choices }: { choices: AudienceChoice[] }) {
  const [school, setSchool] = useState('');
  const [className, setClassName] = useState('');
  const [audience, setAudience] = useState(choices.find((c) => c.code === 'primary')?.code ?? choices[0]?.code ?? 'primary');
  const [topic, setTopic] = useState('');
  const [count, setCount] = useState(10);
  const [limit, setLimit] = useState(0);
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState('');
  const [field, setField] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const doneRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (created) doneRef.current?.focus();
  }, [created]);

  async function create(e: React.SubmitEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    setField(undefined);
    try {
      setCreated(
        await postJson<Created>('/api/quiz/class', {
          school,
          className,
          audience,
          topic: topic || null,
          count,
          timeLimitMinutes: limit || null,
        }),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请再试一次。');
      setField(err instanceof ApiError ? err.field : undefined);
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    const teacherUrl = `${location.origin}/quiz/class/teacher/#${created.teacherKey}`;
    const code = `${created.joinCode.slice(0, 4)} ${created.joinCode.slice(4)}`;
    return (
      <section className="quiz-created" aria-labelledby="created-title">
        <h2 id="created-title" tabIndex={-1} ref={doneRef}>
          测验已创建（{created.questionCount} 题）
        </h2>
        <p>请把加入码写在黑板上，学生打开本网站的“加入班级测验”页面（{location.host}/quiz/join/），输入加入码和昵称即可开始。</p>
        <p className="quiz-joincode" aria-label={`加入码 ${created.joinCode.split('').join(' ')}`}>
          {code}
        </p>
        <div className="notice warn">
          <p className="notice-title">
            <strong>老师专用链接，请收藏，不要发给学生</strong>
          </p>
          <p>用它查看谁已加入、成绩和每题答对率，移出学生，导出成绩。网站不保存这个链接，丢了就打不开老师页面。</p>
          <p className="quiz-secret-link">
            <a href={teacherUrl}>{teacherUrl}</a>
          </p>
          <p>
            <a className="button" href={teacherUrl}>
              打开老师页面
            </a>
          </p>
        </div>
        <p className="field-hint">
          这场测验的全部数据会在 {created.retentionDays} 天后自动删除（{new Date(created.deleteAfter).toLocaleDateString('zh-CN')}）。
        </p>
      </section>
    );
  }

  return (
    <form className="quiz-setup" onSubmit={create} aria-labelledby="create-title" noValidate>
      <h2 id="create-title">创建班级测验</h2>
      <div className="field">
        <label htmlFor="class-school">学校名称</label>
        <input id="class-school" type="text" maxLength={30} value={school} aria-invalid={field === 'school' || undefined} onChange={(e) => setSchool(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="class-name">
          班级名称<span className="field-hint">例如：四年级二班</span>
        </label>
        <input id="class-name" type="text" maxLength={20} value={className} aria-invalid={field === 'className' || undefined} onChange={(e) => setClassName(e.target.value)} />
      </div>
      <AudienceTopic choices={choices} audience={audience} topic={topic} onAudience={setAudience} onTopic={setTopic} idPrefix="class" />
      <div className="field">
        <label htmlFor="class-count">题数</label>
        <select id="class-count" value={count} onChange={(e) => setCount(Number(e.target.value))}>
          {COUNTS.map((n) => (
            <option key={n} value={n}>
              {n} 道
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="class-limit">
          限时<span className="field-hint">从每个学生加入时开始计时，时间到自动交卷。成绩只看对错，不看快慢。</span>
        </label>
        <select id="class-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
          {LIMITS.map((m) => (
            <option key={m} value={m}>
              {m ? `${m} 分钟` : '不限时'}
            </option>
          ))}
        </select>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button className="button" type="submit" disabled={busy}>
        创建测验，获取加入码
      </button>
    </form>
  );
}
