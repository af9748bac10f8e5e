import { useCallback, useEffect, useState } from 'react';
import { ApiError, postJson } from './api.ts';

interface Report {
  school: string;
  className: string;
  title: string;
  joinCode: string;
  closed: boolean;
  deleteAfter: string;
  timeLimitMinutes: number | null;
  questionCount: number;
  players: { id: number; nickname: string; finished: boolean; correct: number | null; percent: number | null }[];
  joined: number;
  finished: number;
  average: number | null;
  distribution: { label: string; count: number }[];
  questions: { n: number; stem: string; guide: string | null; answered: number; unanswered: number; correctRate: number | null }[];
}

/** "答对率 80%（10 人作答，2 人未答）": a blank is neither right, wrong nor an answer. */
function rateText(q: Report['questions'][number]): string {
  const blank = q.unanswered ? `，${q.unanswered} 人未答` : '';
  if (q.correctRate !== null) return `答对率 ${q.correctRate}%（${q.answered} 人作答${blank}）`;
  return q.unanswered ? `交卷的 ${q.unanswered} 人都没有答这题` : '还没有人交卷';
}

const POLL_MS = 3000;

/** Teacher's live view. The private key lives in the URL fragment and is sent only in POST bodies. */
export default function TeacherView({ guides }: { guides: Record<string, string> }) {
  const [key, setKey] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState('');
  const [pendingRemove, setPendingRemove] = useState<number | null>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    const k = location.hash.replace(/^#/, '');
    setKey(/^[A-Za-z0-9_-]{43}$/.test(k) ? k : '');
  }, []);

  const refresh = useCallback(async () => {
    if (!key) return;
    try {
      setReport(await postJson<Report>('/api/quiz/class/teacher', { key }));
      setError('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : '出错了，请稍后再试。');
    }
  }, [key]);

  useEffect(() => {
    if (!key) return;
    refresh();
    const id = setInterval(refresh, POLL_MS);
    return () => clearInterval(id);
  }, [key, refresh]);

  async function act(path: string, body: object, done: string) {
    try {
      setReport(await postJson<Report>(path, { key, ...body }));
      setNotice(done);
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : '出错了，请再试一次。');
    }
  }

  if (key === '') {
    return (
      <p className="notice danger" role="alert">
        这个地址不完整。请打开创建测验时得到的“老师专用链接”（链接最后的 # 号后面有一长串字符）。
      </p>
    );
  }
  if (!report) {
    return error ? (
      <p className="notice danger" role="alert">
        {error}
      </p>
    ) : (
      <p>正在载入……</p>
    );
  }

  const ranked = [...report.questions].sort((a, b) => (a.correctRate ?? 101) - (b.correctRate ?? 101) || a.n - b.n);
  const code = `${report.joinCode.slice(0, 4)} ${report.joinCode.slice(4)}`;
  return (
    <div className="teacher-view">
      <div className="teacher-head">
        <h2>
          {report.school} {report.className}
        </h2>
        <p className="lead">
          {report.title} · {report.questionCount} 题 · {report.timeLimitMinutes ? `限时 ${report.timeLimitMinutes} 分钟` : '不限时'}
          {report.closed && ' · 已结束'}
        </p>
      </div>
      {error && (
        <p className="notice danger" role="alert">
          {error}
        </p>
      )}
      {!report.closed && (
        <section className="quiz-board" aria-labelledby="board-title">
          <h2 id="board-title">学生加入方法</h2>
          <p>
            打开本网站 → 安全测验 → 加入班级测验（{location.host}/quiz/join/），输入加入码：
          </p>
          <p className="quiz-joincode" aria-label={`加入码 ${report.joinCode.split('').join(' ')}`}>
            {code}
          </p>
        </section>
      )}
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      <section aria-labelledby="summary-title">
        <h2 id="summary-title">概况</h2>
        <ul className="quiz-stats">
          <li>
            <strong data-stat="joined">{report.joined}</strong> 人已加入
          </li>
          <li>
            <strong data-stat="finished">{report.finished}</strong> 人已交卷
          </li>
          <li>
            平均分 <strong data-stat="average">{report.average ?? '—'}</strong>
          </li>
        </ul>
        <p className="field-hint">每 3 秒自动更新。</p>
      </section>

      <section aria-labelledby="players-title">
        <h2 id="players-title">学生（{report.joined} 人）</h2>
        {report.players.length === 0 ? (
          <p>还没有学生加入。</p>
        ) : (
          <div className="table-scroll">
            <table className="quiz-table">
              <thead>
                <tr>
                  <th scope="col">昵称</th>
                  <th scope="col">状态</th>
                  <th scope="col">得分</th>
                  <th scope="col">操作</th>
                </tr>
              </thead>
              <tbody>
                {report.players.map((p) => (
                  <tr key={p.id}>
                    <th scope="row">{p.nickname}</th>
                    <td>{p.finished ? '已交卷' : '答题中'}</td>
                    <td>{p.percent === null ? '—' : `${p.percent}（对 ${p.correct} 题）`}</td>
                    <td>
                      {pendingRemove === p.id ? (
                        <span className="quiz-inline">
                          <button type="button" className="button danger" onClick={() => act('/api/quiz/class/teacher/remove', { playerId: p.id }, `已移出 ${p.nickname}`).then(() => setPendingRemove(null))}>
                            确认移出 {p.nickname}
                          </button>
                          <button type="button" className="button secondary" onClick={() => setPendingRemove(null)}>
                            取消
                          </button>
                        </span>
                      ) : (
                        <button type="button" className="button secondary" onClick={() => setPendingRemove(p.id)} aria-label={`移出 ${p.nickname}`}>
                          移出
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="dist-title">
        <h2 id="dist-title">分数分布（已交卷 {report.finished} 人）</h2>
        <ul className="quiz-bars">
          {report.distribution.map((d) => (
            <li key={d.label}>
              <span className="quiz-bar-label">{d.label}</span>
              <progress value={d.count} max={Math.max(1, report.finished)} aria-hidden="true" />
              <span>{d.count} 人</span>
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="rates-title">
        <h2 id="rates-title">每题答对率（答对率低的排在前面，需要再讲一讲）</h2>
        <ol className="quiz-rates">
          {ranked.map((q) => (
            <li key={q.n}>
              <p>
                <strong>第 {q.n + 1} 题</strong>：{q.stem}
              </p>
              <p className="quiz-inline">
                <progress value={q.correctRate ?? 0} max={100} aria-hidden="true" />
                <span data-rate={q.n + 1}>{rateText(q)}</span>
              </p>
              {q.guide && guides[q.guide] && (
                <p>
                  讲解材料：<a href={`/guides/${q.guide}/`}>{guides[q.guide]}</a>
                </p>
              )}
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="tools-title" className="quiz-tools">
        <h2 id="tools-title">结束和导出</h2>
        <form method="post" action="/api/quiz/class/teacher/export">
          <input type="hidden" name="key" value={key ?? ''} />
          <button type="submit" className="button">
            导出成绩表（CSV，可用 Excel 打开）
          </button>
        </form>
        {!report.closed ? (
          <button type="button" className="button secondary" onClick={() => act('/api/quiz/class/teacher/close', {}, '测验已结束，学生不能再加入或交卷。')}>
            结束测验（不再接受加入和交卷）
          </button>
        ) : (
          <p>测验已结束，学生不能再加入或交卷。</p>
        )}
        <p className="field-hint">全部数据会在 {new Date(report.deleteAfter).toLocaleDateString('zh-CN')} 自动删除。</p>
      </section>
    </div>
  );
}
