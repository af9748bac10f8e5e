import { answerText, type ScoreResult } from './api.ts';

interface Props {
  score: ScoreResult;
  guides: Record<string, string>;
  /** Show only the questions answered wrongly. */
  wrongOnly?: boolean;
  headingLevel?: 2 | 3;
}

/** Per-question review: what was chosen, the right answer, why, and the guide that teaches it. */
export default function Review({ score, guides, wrongOnly = false, headingLevel = 2 }: Props) {
  const items = score.results.filter((r) => !wrongOnly || !r.correct);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  if (!items.length) return <p className="notice ok">全部答对了，没有需要复习的题。</p>;
  return (
    <section className="quiz-review" aria-labelledby="review-title">
      <H id="review-title">{wrongOnly ? `答错的题（${items.length} 道），看看为什么` : '逐题解析'}</H>
      <ol className="quiz-review-list">
        {items.map((r) => (
          <li key={r.n} className={r.correct ? 'is-right' : 'is-wrong'}>
            <p className="quiz-review-stem">
              <span className="quiz-badge">{r.correct ? '答对' : '答错'}</span> 第 {r.n + 1} 题：{r.stem}
            </p>
            {!r.correct && <p>你的答案：{answerText(r, r.chosen)}</p>}
            <p>正确答案：{answerText(r, r.answer)}</p>
            <p className="quiz-explanation">解析：{r.explanation}</p>
            {r.guide && guides[r.guide] && (
              <p>
                学习：<a href={`/guides/${r.guide}/`}>{guides[r.guide]}</a>
              </p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
