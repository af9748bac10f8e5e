import { useEffect, useRef, useState } from 'react';

/** Announced to screen readers only when the remaining time crosses these marks (seconds). */
const THRESHOLDS = [10 * 60, 5 * 60, 60, 0];

function say(seconds: number): string {
  if (seconds <= 0) return '时间到，正在自动交卷。';
  return seconds >= 60 ? `还剩 ${Math.round(seconds / 60)} 分钟。` : `还剩 ${seconds} 秒。`;
}

/**
 * Countdown to a deadline. The ticking numbers are hidden from screen readers; a polite live region
 * speaks only at 10, 5 and 1 minutes left and at the end. The pupil can hide the clock.
 */
export default function Timer({ deadline, onExpire }: { deadline: string; onExpire: () => void }) {
  const end = Date.parse(deadline);
  const [left, setLeft] = useState(() => Math.max(0, Math.ceil((end - Date.now()) / 1000)));
  const [hidden, setHidden] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const spoken = useRef(new Set<number>(THRESHOLDS.filter((t) => t > 0 && t >= left)));
  const expired = useRef(false);

  useEffect(() => {
    const id = setInterval(() => setLeft(Math.max(0, Math.ceil((end - Date.now()) / 1000))), 1000);
    return () => clearInterval(id);
  }, [end]);

  useEffect(() => {
    const mark = THRESHOLDS.find((t) => left <= t && !spoken.current.has(t));
    if (mark !== undefined) {
      for (const t of THRESHOLDS) if (t >= mark) spoken.current.add(t);
      setAnnouncement(say(mark));
    }
    if (left <= 0 && !expired.current) {
      expired.current = true;
      onExpire();
    }
  }, [left, onExpire]);

  const mm = String(Math.floor(left / 60)).padStart(2, '0');
  const ss = String(left % 60).padStart(2, '0');
  return (
    <div className="quiz-timer">
      {!hidden && (
        <p className={left <= 60 ? 'quiz-clock is-low' : 'quiz-clock'} aria-hidden="true">
          剩余时间 {mm}:{ss}
        </p>
      )}
      <button type="button" className="button secondary" aria-pressed={hidden} onClick={() => setHidden((h) => !h)}>
        {hidden ? '显示计时' : '隐藏计时'}
      </button>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
    </div>
  );
}
