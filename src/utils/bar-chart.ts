/**
 * Geometry of the horizontal bar charts on /cases/stats/, computed at build time. Each row puts its
 * label on its own line above the bar, so long Chinese labels never squeeze the bars; the drawing is
 * 360 units wide, about one unit per CSS pixel on a phone, which keeps the text at reading size.
 */
export interface BarInput {
  label: string;
  /** null: not known (drawn without a bar; the component prints valueText). */
  value: number | null;
  /** Text after the bar; defaults to "<value> <unit>". */
  valueText?: string;
}

export interface BarRowLayout extends BarInput {
  labelY: number;
  barY: number;
  barWidth: number;
  valueX: number;
  valueY: number;
}

export interface BarChartLayout {
  width: number;
  height: number;
  barHeight: number;
  /** Length of a full bar (the light track behind each bar). */
  trackWidth: number;
  rows: BarRowLayout[];
}

export const CHART_WIDTH = 360;
/** Tall enough for the largest label size the text-size modes use (20 px). */
const LABEL_LINE = 24;
const BAR_HEIGHT = 18;
const ROW_GAP = 12;
/** Room at the right for the value text ("503 人"). */
const VALUE_ROOM = 80;

export function barChartLayout(rows: readonly BarInput[]): BarChartLayout {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  const maxBar = CHART_WIDTH - VALUE_ROOM;
  const rowHeight = LABEL_LINE + BAR_HEIGHT + ROW_GAP;
  return {
    width: CHART_WIDTH,
    height: Math.max(rowHeight, rows.length * rowHeight),
    barHeight: BAR_HEIGHT,
    trackWidth: maxBar,
    rows: rows.map((r, i) => {
      const top = i * rowHeight;
      const barWidth = max > 0 && r.value !== null ? Math.round((r.value / max) * maxBar * 10) / 10 : 0;
      return {
        ...r,
        labelY: top + 18,
        barY: top + LABEL_LINE,
        barWidth,
        valueX: barWidth + 6,
        valueY: top + LABEL_LINE + 15,
      };
    }),
  };
}
