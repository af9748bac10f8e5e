/** A labelled progress bar; the text says the same thing, so nothing depends on seeing the bar. */
export default function Progress({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <div className="quiz-progress">
      <progress value={value} max={max} aria-label={label}>
        {label}
      </progress>
      <span>{label}</span>
    </div>
  );
}
