import { describe, expect, it } from 'vitest';
import { colourOf, renderGantt, tickMinutes } from '../../../bench/lib/gantt.js';

const panels = [
  {
    title: 'mpx <ours>',
    bars: [
      { label: 'solutionVersion b', kind: 'solutionVersion', start: 600, end: 2400 },
      { label: 'datasetGroup g', kind: 'datasetGroup', start: 0, end: 90 },
    ],
    markers: [{ at: 2400, label: 'critical path' }],
  },
  { title: 'reference', bars: [{ label: 'datasetGroup g', kind: 'datasetGroup', start: 0, end: 120 }] },
];

describe('the timeline chart', () => {
  it('is one SVG document with a bar per step, titles escaped', () => {
    const svg = renderGantt(panels);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    expect(svg).toContain('mpx &lt;ours&gt;');
    expect(svg).not.toContain('<ours>');
  });

  it('sorts bars by start and scales them to the longest run', () => {
    const svg = renderGantt(panels, 1000);
    const labels = [...svg.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1]);
    expect(labels.slice(0, 2)).toEqual(['datasetGroup g', 'solutionVersion b']);
    // The 40-minute bar ends at the right edge of the plot (label column 240 + plot 740).
    expect(svg).toMatch(/<rect x="[\d.]+" y="\d+" width="[\d.]+" height="10" fill="#e15759">/);
    const bar = /<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="10" fill="#e15759">/.exec(svg);
    expect(Number(bar?.[1]) + Number(bar?.[2])).toBeCloseTo(980, 0);
  });

  it('colours by step kind, grey for unknown kinds', () => {
    expect(colourOf('solutionVersion')).toBe('#e15759');
    expect(colourOf('something')).toBe('#888888');
  });

  it('draws a dashed marker and minute ticks', () => {
    const svg = renderGantt(panels);
    expect(svg).toContain('stroke-dasharray="4 3"');
    expect(svg).toContain('minutes (AWS time)');
    expect(tickMinutes(40)).toBe(5);
    expect(tickMinutes(300)).toBe(30);
  });

  it('is deterministic', () => {
    expect(renderGantt(panels)).toBe(renderGantt(panels));
  });
});

describe('the chart’s accessible title', () => {
  it('names every panel', () => {
    expect(renderGantt(panels)).toContain('<title>Run timeline: mpx &lt;ours&gt; / reference</title>');
  });
});
