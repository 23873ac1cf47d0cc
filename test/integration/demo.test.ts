import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../cli/commands/demo.js';
import { main } from '../../cli/main.js';

/**
 * `mpx demo --keep` end to end on a small data set: the run succeeds, every
 * section of the tour is shown, and the local cloud stays up afterwards for
 * this CLI, at the endpoint it prints, until it is stopped.
 */

describe('mpx demo', () => {
  it('runs the main job on the local cloud, shows what it made, and keeps the cloud running', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const dataDir = await mkdtemp(join(tmpdir(), 'mpx-demo-keep-'));
    let kept: { code: number; out: string[]; err: string[] } | undefined;
    const saved = { ...process.env };
    try {
      const code = await demoCommand(
        {
          port: '0',
          speed: '600',
          users: 120,
          items: 60,
          interactions: 3000,
          keep: true,
          dataDir,
          // While kept: what a user does with the lines --keep printed.
          untilStopped: async () => {
            const [, endpoint, region] = /export AWS_ENDPOINT_URL=(\S+) AWS_REGION=(\S+)/.exec(out.join('\n')) ?? [];
            Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
            const lines: { out: string[]; err: string[] } = { out: [], err: [] };
            const listed = await main(
              ['node', 'mpx', '--endpoint', endpoint as string, '--region', region as string, 'runs', 'list', '--json'],
              { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) },
            );
            kept = { code: listed, ...lines };
          },
        },
        { out: (line) => out.push(line), err: (line) => err.push(line) },
      );
      expect(err).toEqual([]);
      expect(code).toBe(0);
    } finally {
      process.env = saved;
      await rm(dataDir, { recursive: true, force: true });
    }
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
      `The local cloud keeps running (state in ${dataDir}); Ctrl-C stops it.`,
    ])
      expect(text).toContain(section);
    // Plain progress lines (no terminal): one per change of a step's state.
    expect(
      out.some((line) =>
        /^\s+[\d.]+s {2}solutionVersion:retail-demo-personalization {2}done \(polls \d+\)$/.test(line),
      ),
    ).toBe(true);
    // The kept cloud answered mpx at the printed endpoint (stage local): the demo's run is there.
    expect(kept?.err).toEqual([]);
    expect(kept?.code).toBe(0);
    expect(JSON.parse(kept?.out[0] ?? '[]')).toEqual([
      expect.objectContaining({ datasetGroup: 'retail-demo', status: 'SUCCEEDED' }),
    ]);
  }, 120_000);
});
