import { LETTERS, TYPE_LABEL, type PublicQuestion } from './api.ts';

interface Props {
  question: PublicQuestion;
  /** Shown number (1-based) and total, for the legend. */
  number: number;
  total: number;
  chosen: number[];
  onChange: (chosen: number[]) => void;
  disabled?: boolean;
  /** After checking: displayed indices of the right answer, to mark options. */
  answer?: number[];
  idPrefix: string;
}

/** One question as a native fieldset of radio buttons or checkboxes: keyboard and screen-reader friendly as is. */
export default function QuestionField({ question, number, total, chosen, onChange, disabled, answer, idPrefix }: Props) {
  const multiple = question.type === 'multiple';
  const name = `${idPrefix}-q${question.n}`;
  return (
    <fieldset className="quiz-question" disabled={disabled}>
      <legend>
        <span className="quiz-qnum">
          第 {number} 题 / 共 {total} 题 · {TYPE_LABEL[question.type]}
        </span>
        <span className="quiz-stem">{question.stem}</span>
      </legend>
      <ul className="quiz-options">
        {question.options.map((text, i) => {
          const id = `${name}-o${i}`;
          const checked = chosen.includes(i);
          const mark = answer ? (answer.includes(i) ? 'right' : checked ? 'wrong' : '') : '';
          return (
            <li key={i} className={mark ? `quiz-option is-${mark}` : 'quiz-option'}>
              <input
                id={id}
                type={multiple ? 'checkbox' : 'radio'}
                name={name}
                checked={checked}
                onChange={(e) => {
                  if (!multiple) onChange([i]);
                  else onChange(e.target.checked ? [...chosen, i].sort((a, b) => a - b) : chosen.filter((x) => x !== i));
                }}
              />
              <label htmlFor={id}>
                <span className="quiz-letter" aria-hidden="true">{question.type === 'truefalse' ? '' : `${LETTERS[i]}.`}</span>
                {text}
                {mark === 'right' && <span className="quiz-mark">（正确答案）</span>}
                {mark === 'wrong' && <span className="quiz-mark">（你的选择，不对）</span>}
              </label>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
