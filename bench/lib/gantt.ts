/**
 * A run timeline as an SVG Gantt chart: one panel per run (ours, the
 * reference), one row per step, on a shared time axis in minutes, with a
 * marker where the critical path ends. Pure: same input, same SVG text.
 */

export interface GanttBar {
  readonly label: string;
  /** Colours the bar (the step kind). */
  readonly kind: string;
  /** Seconds from the start of the run. */
  readonly start: number;
  readonly end: number;
}

export interface GanttPanel {
  readonly title: string;
  readonly bars: readonly GanttBar[];
  /** Vertical lines (seconds), e.g. the critical path. */
  readonly markers?: readonly { readonly at: number; readonly label: string }[];
}

const KIND_COLOURS: Readonly<Record<string, string>> = {
  datasetGroup: '#4e79a7',
  schema: '#a0cbe8',
  dataset: '#76b7b2',
  datasetImportJob: '#f28e2b',
  eventTracker: '#ffbe7d',
  filter: '#59a14f',
  solution: '#8cd17d',
  solutionVersion: '#e15759',
  campaign: '#b07aa1',
  recommender: '#d4a6c8',
  batchInferenceJob: '#9d7660',
  batchSegmentJob: '#d7b5a6',
  schedules: '#bab0ac',
  notify: '#79706e',
};

export const colourOf = (kind: string): string => KIND_COLOURS[kind] ?? '#888888';

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

/** A tick step (minutes) giving at most ~12 ticks. */
export function tickMinutes(totalMinutes: number): number {
  for (const step of [1, 2, 5, 10, 15, 20, 30, 60, 120, 240]) if (totalMinutes / step <= 12) return step;
  return 480;
}

export function renderGantt(panels: readonly GanttPanel[], width = 1000): string {
  const labelWidth = 240;
  const rowHeight = 12;
  const titleHeight = 22;
  const axisHeight = 24;
  const plotWidth = width - labelWidth - 20;
  const maxSeconds = Math.max(
    60,
    ...panels.flatMap((p) => [...p.bars.map((b) => b.end), ...(p.markers ?? []).map((m) => m.at)]),
  );
  const x = (seconds: number) => labelWidth + (seconds / maxSeconds) * plotWidth;
  const parts: string[] = [];
  let y = 0;
  for (const panel of panels) {
    parts.push(`<text x="4" y="${y + 16}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += titleHeight;
    const top = y;
    const bars = [...panel.bars].sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label));
    for (const bar of bars) {
      const left = x(bar.start);
      const barWidth = Math.max(1, x(bar.end) - left);
      parts.push(
        `<text x="${labelWidth - 4}" y="${y + rowHeight - 3}" font-size="9" text-anchor="end">${escapeXml(bar.label)}</text>`,
        `<rect x="${fmt(left)}" y="${y + 1}" width="${fmt(barWidth)}" height="${rowHeight - 2}" fill="${colourOf(bar.kind)}"><title>${escapeXml(`${bar.label}: ${fmt(bar.start / 60)}–${fmt(bar.end / 60)} min`)}</title></rect>`,
      );
      y += rowHeight;
    }
    for (const marker of panel.markers ?? []) {
      const mx = fmt(x(marker.at));
      parts.push(
        `<line x1="${mx}" y1="${top}" x2="${mx}" y2="${y}" stroke="#000" stroke-dasharray="4 3"/>`,
        `<text x="${mx}" y="${top - 4}" font-size="9" text-anchor="middle">${escapeXml(marker.label)}</text>`,
      );
    }
    y += 8;
  }
  const totalMinutes = maxSeconds / 60;
  const step = tickMinutes(totalMinutes);
  for (let minute = 0; minute <= totalMinutes + 1e-9; minute += step) {
    const tx = fmt(x(minute * 60));
    parts.push(
      `<line x1="${tx}" y1="0" x2="${tx}" y2="${y}" stroke="#ddd"/>`,
      `<text x="${tx}" y="${y + 14}" font-size="10" text-anchor="middle">${minute}</text>`,
    );
  }
  parts.push(
    `<text x="${labelWidth + plotWidth / 2}" y="${y + axisHeight}" font-size="10" text-anchor="middle">minutes (AWS time)</text>`,
  );
  const height = y + axisHeight + 6;
  // Grid lines first, so bars draw over them.
  const grid = parts.filter((p) => p.includes('stroke="#ddd"'));
  const rest = parts.filter((p) => !p.includes('stroke="#ddd"'));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" role="img">`,
    `<title>${escapeXml(`Run timeline: ${panels.map((p) => p.title).join(' / ')}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...grid,
    ...rest,
    '</svg>',
    '',
  ].join('\n');
}
