import { useState, type ReactNode } from 'react';
import type { PublicQuestion } from './api.ts';
import Progress from './Progress.tsx';
import QuestionField from './QuestionField.tsx';

interface Props {
  questions: PublicQuestion[];
  answers: number[][];
  onAnswer: (n: number, chosen: number[]) => void;
  onSubmit: () => void;
  busy: boolean;
  error: string;
  idPrefix: string;
  /** Extra controls above the questions (e.g. the timer). */
  children?: ReactNode;
}

/** All questions on one page; submitting with gaps asks once more, in the page (no pop-up). */
export default function QuestionSheet({ questions, answers, onAnswer, onSubmit, busy, error, idPrefix, children }: Props) {
  const [confirming, setConfirming] = useState(false);
  const answered = questions.filter((q) => (answers[q.n]?.length ?? 0) > 0).length;
  const missing = questions.length - answered;
  return (
    <form
      className="quiz-sheet"
      onSubmit={(e) => {
        e.preventDefault();
        if (missing > 0 && !confirming) setConfirming(true);
        else onSubmit();
      }}
    >
      <div className="quiz-sheet-head">
        <Progress value={answered} max={questions.length} label={`已答 ${answered} 题，共 ${questions.length} 题`} />
        {children}
      </div>
      {questions.map((q, i) => (
        <QuestionField
          key={q.n}
          question={q}
          number={i + 1}
          total={questions.length}
          chosen={answers[q.n] ?? []}
          onChange={(c) => {
            onAnswer(q.n, c);
            setConfirming(false);
          }}
          idPrefix={idPrefix}
        />
      ))}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {confirming && missing > 0 && (
        <p className="notice warn" role="alert">
          还有 {missing} 题没有作答，没答的题算答错。确定要交卷吗？再按一次“交卷”即可提交。
        </p>
      )}
      <button className="button" type="submit" disabled={busy}>
        {busy ? '正在提交……' : '交卷'}
      </button>
    </form>
  );
}
