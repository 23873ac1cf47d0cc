import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns } from '../../shared/state/runs.js';
import { type PipelineHarness, retailUpload, startPipeline, uploadAll } from '../support/pipeline.js';

/**
 * A stack deployed with `notifyOn=failures` (REFERENCE.md defect 20): scheduled
 * runs that succeed stay quiet, but still count on the dashboard; a run whose
 * promotion gate held a new version back always speaks; uploads always do.
 */

const group = 'quiet-shop';
const popular = `${group}-popular`;
const related = `${group}-related`;
let h: PipelineHarness;
const lines: string[] = [];
type Step = { kind: string; name: string; note?: string };
let upload: Record<string, unknown> | undefined;
let held: Record<string, unknown> | undefined;

/** The EMF documents the functions logged (Powertools Metrics, one JSON line each). */
const emf = () =>
  lines.flatMap((line) => {
    const json = line.slice(line.indexOf('{'));
    if (!json.includes('"_aws"')) return [];
    return [JSON.parse(json) as Record<string, unknown>];
  });

beforeAll(async () => {
  h = await startPipeline({ functionEnvironment: { MPX_NOTIFY_ON: 'failures' }, log: (line) => lines.push(line) });
  const files = await retailUpload(group, 41);
  const config = files.config as {
    solutions: { serviceConfig: { name: string }; workflowConfig?: Record<string, unknown> }[];
  };
  // rate() schedules fire once when they are created: one quiet retraining, one that the gate holds.
  for (const solution of config.solutions) {
    const name = solution.serviceConfig.name;
    if (name === popular) solution.workflowConfig = { schedules: { full: 'rate(1 hour)' } };
    if (name === related)
      solution.workflowConfig = {
        schedules: { full: 'rate(1 hour)' },
        promotion: { metric: 'coverage', minRatio: 100 },
      };
  }
  await uploadAll(h, files);
  upload = await h.notificationFor(group);
  held = await h.notificationFor(group);
  // Both scheduled runs end (one after the other: they share the dataset group).
  for (let i = 0; i < 240; i += 1) {
    const runs = await listRuns(h.state, group);
    if (runs.length === 3 && runs.every((r) => r.status === 'SUCCEEDED')) break;
    await new Promise((r) => setTimeout(r, 500));
  }
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('notifyOn=failures', () => {
  it('still notifies an upload that succeeded', () => {
    expect(upload).toMatchObject({ status: 'UPDATE COMPLETE', trigger: expect.stringMatching(/^upload /) });
  });

  it('notifies a scheduled run whose promotion gate held the new version', () => {
    expect(held).toMatchObject({
      status: 'UPDATE COMPLETE',
      trigger: expect.stringMatching(new RegExp(`^schedule ${group}\\.${related}\\.full `)),
    });
    const campaign = ((held?.steps ?? []) as Step[]).find((s) => s.kind === 'campaign');
    expect(campaign?.note).toMatch(/^held /);
  });

  it('keeps the scheduled run that succeeded quiet', async () => {
    const runs = await listRuns(h.state, group);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(runs.filter((r) => r.trigger.startsWith(`schedule ${group}.${popular}.full `))).toHaveLength(1);
    expect(await h.notificationFor(group, 3_000)).toBeUndefined();
  });

  it('counts every run on the dashboard, the quiet one included, with offline metrics by solutionArn', () => {
    const documents = emf();
    expect(documents.filter((d) => d.JobSuccess === 1)).toHaveLength(3);
    const trained = documents.filter((d) => typeof d.coverage === 'number').map((d) => d.solutionArn);
    // The upload trains all four solutions; the two schedules train theirs again.
    expect(trained.filter((arn) => String(arn).endsWith(`:solution/${popular}`))).toHaveLength(2);
    expect(trained.filter((arn) => String(arn).endsWith(`:solution/${related}`))).toHaveLength(2);
  });
});
