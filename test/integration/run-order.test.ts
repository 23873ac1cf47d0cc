import { ListDatasetImportJobsCommand, ListSolutionVersionsCommand } from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRuns, readRun } from '../../shared/state/runs.js';
import { type PipelineHarness, retailUpload, startPipeline, uploadAll } from '../support/pipeline.js';

/**
 * When runs happen (issue 7) on the local cloud: two uploads for one dataset
 * group run one after the other, never interleaved; a parameter file
 * uploaded before its data waits for it; a schedule firing starts a run that
 * does exactly its task.
 */

let h: PipelineHarness;
type Step = { kind: string; name: string; status: string; arn?: string; note?: string };
const steps = (n: Record<string, unknown> | undefined) => (n?.steps ?? []) as Step[];

beforeAll(async () => {
  h = await startPipeline();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

/** The time span of a run's steps: from the first step's start to the last one's end. */
async function span(runId: string): Promise<{ from: number; to: number }> {
  const found = await readRun(h.state, runId);
  const work = found?.steps.filter((s) => s.startedAt && s.finishedAt) ?? [];
  return {
    from: Math.min(...work.map((s) => Date.parse(s.startedAt as string))),
    to: Math.max(...work.map((s) => Date.parse(s.finishedAt as string))),
  };
}

describe('two uploads for the same dataset group at once', () => {
  const group = 'order-shop';

  it('make two runs, one after the other, never interleaved', async () => {
    const upload = await retailUpload(group, 31);
    for (const [key, body] of Object.entries(upload.files)) await h.upload(key, body);
    const config = JSON.stringify(upload.config);
    await Promise.all([
      h.upload(`train/${group}/config.json`, config),
      h.upload(`train/${group}/config.json`, `${config}\n`),
    ]);
    const first = await h.notificationFor(group);
    const second = await h.notificationFor(group);
    expect([first?.status, second?.status]).toEqual(['UPDATE COMPLETE', 'UPDATE COMPLETE']);
    const runs = await listRuns(h.state, group);
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const [a, b] = await Promise.all([span(first?.runId as string), span(second?.runId as string)]);
    expect(b.from).toBeGreaterThanOrEqual(a.to);
    // The second found everything in place: nothing imported or trained twice.
    expect(
      steps(second)
        .filter((s) => s.kind === 'solutionVersion')
        .every((s) => s.note?.startsWith('re-used')),
    ).toBe(true);
  }, 180_000);
});

describe('a parameter file uploaded before its data', () => {
  const group = 'early-shop';

  it('waits instead of importing empty datasets, then runs once the CSVs arrive', async () => {
    const upload = await retailUpload(group, 32);
    await h.upload(`train/${group}/config.json`, JSON.stringify(upload.config));
    // Looks for data every second here (60 s × the local cloud's poll scale): give it a few looks.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await listRuns(h.state, group)).toEqual([]);
    expect(await h.notificationFor(group, 500)).toBeUndefined();
    for (const [key, body] of Object.entries(upload.files)) await h.upload(key, body);
    const notification = await h.notificationFor(group);
    expect(notification).toMatchObject({ datasetGroup: group, status: 'UPDATE COMPLETE' });
    const imports = steps(notification).filter((s) => s.kind === 'datasetImportJob');
    expect(imports.map((s) => s.name).sort()).toEqual(['interactions', 'items', 'users']);
    expect((await listRuns(h.state, group)).length).toBe(1);
  }, 180_000);
});

describe('a schedule firing', () => {
  const group = 'sched-shop';
  const popular = `${group}-popular`;
  let upload: Record<string, unknown> | undefined;
  let scheduled: Record<string, unknown> | undefined;

  beforeAll(async () => {
    const files = await retailUpload(group, 33);
    const config = files.config as { solutions: { serviceConfig: { name: string }; workflowConfig?: object }[] };
    // rate() schedules fire when they are created, then every period (the Scheduler emulator, as AWS).
    for (const solution of config.solutions)
      solution.workflowConfig = solution.serviceConfig.name === popular ? { schedules: { full: 'rate(1 hour)' } } : {};
    await uploadAll(h, files);
    upload = await h.notificationFor(group);
    scheduled = await h.notificationFor(group);
  }, 240_000);

  it('starts a run, after the upload run, that trains that solution and nothing else', async () => {
    expect(upload).toMatchObject({ status: 'UPDATE COMPLETE', trigger: expect.stringMatching(/^upload /) });
    expect(scheduled).toMatchObject({
      status: 'UPDATE COMPLETE',
      trigger: expect.stringMatching(new RegExp(`^schedule ${group}\\.${popular}\\.full \\d{4}-`)),
    });
    expect(
      steps(scheduled)
        .map((s) => `${s.kind}:${s.name}`)
        .sort(),
    ).toEqual(
      [
        `datasetGroup:${group}`,
        `schema:${group}-interactions-schema`,
        `dataset:${group}-interactions`,
        `solution:${popular}`,
        `solutionVersion:${popular}`,
      ].sort(),
    );
    const version = steps(scheduled).find((s) => s.kind === 'solutionVersion');
    expect(version?.note).toBeUndefined();
    expect(version?.arn).not.toBe(steps(upload).find((s) => s.kind === 'solutionVersion' && s.name === popular)?.arn);
  });

  it('leaves the data and the other solutions alone', async () => {
    for (const dataset of steps(upload).filter((s) => s.kind === 'dataset')) {
      const { datasetImportJobs } = await h.personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.arn }),
      );
      expect(datasetImportJobs, dataset.name).toHaveLength(1);
    }
    for (const solution of steps(upload).filter((s) => s.kind === 'solution')) {
      const { solutionVersions } = await h.personalize.send(
        new ListSolutionVersionsCommand({ solutionArn: solution.arn }),
      );
      expect(solutionVersions, solution.name).toHaveLength(solution.name === popular ? 2 : 1);
    }
  });
});

describe('three uploads for one dataset group at once', () => {
  const group = 'supersede-shop';

  it('run the first, supersede the older waiting one by the newer, and run that one', async () => {
    const upload = await retailUpload(group, 34);
    for (const [key, body] of Object.entries(upload.files)) await h.upload(key, body);
    const config = JSON.stringify(upload.config);
    await h.upload(`train/${group}/config.json`, config);
    await Promise.all([
      h.upload(`train/${group}/config.json`, `${config}\n`),
      h.upload(`train/${group}/config.json`, `${config}\n\n`),
    ]);
    expect(await h.notificationFor(group)).toMatchObject({ status: 'UPDATE COMPLETE' });
    expect(await h.notificationFor(group)).toMatchObject({ status: 'UPDATE COMPLETE' });
    const runs = await listRuns(h.state, group);
    expect(runs.map((r) => r.status).sort()).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUPERSEDED']);
    const superseded = runs.find((r) => r.status === 'SUPERSEDED');
    const found = await readRun(h.state, superseded?.runId as string);
    // Superseded before it started: none of its steps ran.
    expect(found?.steps.every((s) => s.startedAt === undefined)).toBe(true);
    // By the newer waiting run, which ran after the first one.
    const [first, newer] = await Promise.all(
      runs.filter((r) => r.status === 'SUCCEEDED').map(async (r) => ({ runId: r.runId, ...(await span(r.runId)) })),
    ).then((spans) => spans.sort((a, b) => a.from - b.from));
    expect(found?.run.supersededBy).toBe(newer?.runId);
    expect(newer?.from).toBeGreaterThanOrEqual(first?.to as number);
  }, 180_000);
});

describe('scheduled imports and batch jobs', () => {
  const group = 'tasks-shop';
  const personalization = `${group}-personalization`;
  let upload: Record<string, unknown> | undefined;
  const scheduled: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const files = await retailUpload(group, 35);
    const config = files.config as {
      datasetGroup: { workflowConfig?: Record<string, unknown> };
      solutions: {
        serviceConfig: { name: string };
        workflowConfig?: Record<string, unknown>;
        batchInferenceJobs?: { workflowConfig?: Record<string, unknown> }[];
      }[];
    };
    // Both fire once when created (rate schedules, as on AWS); the data has not changed since the upload.
    config.datasetGroup.workflowConfig = { schedules: { import: 'rate(1 hour)' } };
    for (const solution of config.solutions) {
      solution.workflowConfig = solution.serviceConfig.name === personalization ? { maxAge: '1 day' } : {};
      for (const job of solution.batchInferenceJobs ?? []) job.workflowConfig = { schedule: 'rate(1 hour)' };
    }
    await uploadAll(h, files);
    upload = await h.notificationFor(group);
    for (let i = 0; i < 2; i += 1) scheduled.push((await h.notificationFor(group)) ?? {});
  }, 240_000);

  const firing = (task: string) =>
    scheduled.find((n) => String(n.trigger).startsWith(`schedule ${group}.`) && String(n.trigger).includes(task));

  it('an import schedule imports only, and re-uses the import of unchanged data', async () => {
    expect(upload).toMatchObject({ status: 'UPDATE COMPLETE' });
    const run = firing('.import ');
    expect(run).toMatchObject({ status: 'UPDATE COMPLETE' });
    expect(new Set(steps(run).map((s) => s.kind))).toEqual(
      new Set(['datasetGroup', 'schema', 'dataset', 'datasetImportJob']),
    );
    for (const job of steps(run).filter((s) => s.kind === 'datasetImportJob')) expect(job.note).toMatch(/^re-used/);
    for (const dataset of steps(upload).filter((s) => s.kind === 'dataset')) {
      const { datasetImportJobs } = await h.personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.arn }),
      );
      expect(datasetImportJobs, dataset.name).toHaveLength(1);
    }
  });

  it('a batch schedule runs a new job on the version in use, training nothing', async () => {
    const run = firing(`.${personalization}.`);
    expect(run).toMatchObject({ status: 'UPDATE COMPLETE' });
    const version = steps(run).find((s) => s.kind === 'solutionVersion');
    expect(version?.note).toMatch(/^re-used/);
    expect(version?.arn).toBe(
      steps(upload).find((s) => s.kind === 'solutionVersion' && s.name === personalization)?.arn,
    );
    const job = steps(run).find((s) => s.kind === 'batchInferenceJob');
    expect(job?.note).toBeUndefined();
    expect(job?.arn).not.toBe(steps(upload).find((s) => s.kind === 'batchInferenceJob')?.arn);
    const solution = steps(upload).find((s) => s.kind === 'solution' && s.name === personalization);
    const { solutionVersions } = await h.personalize.send(
      new ListSolutionVersionsCommand({ solutionArn: solution?.arn }),
    );
    expect(solutionVersions).toHaveLength(1);
  });
});
