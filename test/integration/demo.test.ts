import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../cli/commands/demo.js';

/** `mpx demo` end to end on a small data set: the run succeeds and every section of the tour is shown. */

describe('mpx demo', () => {
  it('runs the main job on the local cloud and shows what it made', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await demoCommand(
      { port: '0', speed: '600', users: 120, items: 60, interactions: 3000 },
      { out: (line) => out.push(line), err: (line) => err.push(line) },
    );
    expect(err).toEqual([]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Run \S+ SUCCEEDED in [\d.]+ s/);
    for (const section of [
      'Uploading to s3://',
      'Resources:',
      'Offline metrics of the new solution versions',
      'Recommendations for user u7 from retail-demo-personalization-campaign:',
      'with filter retail-demo-in-category',
      'Batch inference output s3://',
      'Schedules the run created in EventBridge Scheduler',
      'UPDATE COMPLETE: The personalization workflow for retail-demo completed successfully',
      'Demo finished in',
    ])
      expect(text).toContain(section);
    // Plain progress lines (no terminal): one per change of a step's state.
    expect(
      out.some((line) =>
        /^\s+[\d.]+s {2}solutionVersion:retail-demo-personalization {2}done \(polls \d+\)$/.test(line),
      ),
    ).toBe(true);
  }, 120_000);
});
