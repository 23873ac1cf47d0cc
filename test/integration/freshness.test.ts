import {
  DescribeCampaignCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleName } from '../../shared/schedules/reconcile.js';
import { listRuns } from '../../shared/state/runs.js';
import {
  type GeneratedUpload,
  type PipelineHarness,
  retailUpload,
  startPipeline,
  uploadAll,
} from '../support/pipeline.js';

/**
 * Keeping a dataset group fresh (issue 7) on the local cloud: re-uploads that
 * change nothing create nothing; new data flows into a new import, new
 * versions and campaigns (through the promotion gate); the group's schedules
 * follow the file; two batch jobs of one solution both run.
 */

let h: PipelineHarness;
const group = 'fresh-shop';
const personalization = `${group}-personalization`;
type Step = { kind: string; name: string; status: string; arn?: string; note?: string };
type Config = {
  solutions: {
    serviceConfig: { name: string };
    workflowConfig?: Record<string, unknown>;
    batchInferenceJobs?: { serviceConfig: Record<string, unknown>; workflowConfig?: Record<string, unknown> }[];
  }[];
  datasetGroup: { workflowConfig?: Record<string, unknown> };
};

let base: GeneratedUpload;
const config = () => structuredClone(base.config) as Config & Record<string, unknown>;
const upload = (body: object) => h.upload(`train/${group}/config.json`, JSON.stringify(body, null, 2));
const count = async (list: () => Promise<unknown[] | undefined>) => (await list())?.length ?? 0;
const importJobs = (datasetArn: string) =>
  count(async () => (await h.personalize.send(new ListDatasetImportJobsCommand({ datasetArn }))).datasetImportJobs);
const versions = (solutionArn: string) =>
  count(async () => (await h.personalize.send(new ListSolutionVersionsCommand({ solutionArn }))).solutionVersions);
const campaignVersion = async (campaignArn: string) =>
  (await h.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign?.solutionVersionArn;
const steps = (n: Record<string, unknown> | undefined) => (n?.steps ?? []) as Step[];
const arnOf = (n: Record<string, unknown> | undefined, kind: string, name: string) =>
  steps(n).find((s) => s.kind === kind && s.name === name)?.arn as string;

let first: Record<string, unknown> | undefined;

beforeAll(async () => {
  h = await startPipeline();
  base = await retailUpload(group, 21);
  // Two nightly batch jobs on one solution (each with its own input), and a promotion gate no new version can pass.
  const c = config();
  const up = c.solutions[0] as Config['solutions'][number];
  up.batchInferenceJobs?.push({ serviceConfig: { jobName: `${group}-weekly`, numResults: 5 } });
  up.workflowConfig = {
    ...up.workflowConfig,
    promotion: { metric: 'normalized_discounted_cumulative_gain_at_10', minRatio: 100 },
  };
  const files = { ...base.files };
  delete files[`batch/${group}/${personalization}/job_config.json`];
  for (const job of [`${group}-nightly`, `${group}-weekly`])
    files[`batch/${group}/${personalization}/${job}/job_config.json`] = Buffer.from(
      '{"userId":"u1"}\n{"userId":"u2"}\n',
    );
  base = { ...base, config: c, files };
  await uploadAll(h, base);
  first = await h.notificationFor(group);
}, 240_000);

afterAll(async () => {
  await h?.stop();
});

describe('the first upload', () => {
  it('succeeds', () => {
    expect(first).toMatchObject({ status: 'UPDATE COMPLETE' });
  });

  it('runs both batch inference jobs of one solution, with distinct names and outputs', async () => {
    const jobs = steps(first).filter((s) => s.kind === 'batchInferenceJob');
    expect(jobs.map((j) => j.name).sort()).toEqual([`${group}-nightly`, `${group}-weekly`]);
    const names = jobs.map((j) => j.arn?.split('/').pop() as string);
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      const { Contents } = await h.cloud.clients.s3.send(
        new ListObjectsV2Command({ Bucket: h.bucket, Prefix: `batch/${group}/${personalization}/${name}/` }),
      );
      expect(Contents?.map((c) => c.Key?.split('/').pop()).sort(), name).toEqual(['_CHECK', 'job_config.json.out']);
    }
  });

  it('creates every schedule of the file, with the file’s expression, targeting the runs queue', async () => {
    const group_ = h.cloud.outputs.ScheduleGroupName as string;
    const { Schedules } = await h.cloud.clients.scheduler.send(
      new ListSchedulesCommand({ GroupName: group_, NamePrefix: `${group}.` }),
    );
    const expressions: Record<string, string> = {};
    for (const { Name } of Schedules ?? []) {
      const schedule = await h.cloud.clients.scheduler.send(new GetScheduleCommand({ GroupName: group_, Name }));
      expressions[Name as string] = schedule.ScheduleExpression as string;
      expect(JSON.parse(schedule.Target?.Input ?? '{}')).toMatchObject({
        version: 1,
        type: 'schedule',
        datasetGroup: group,
      });
    }
    expect(expressions).toEqual({
      [`${group}.import`]: 'cron(0 1 * * ? *)',
      [`${group}.${personalization}.full`]: 'cron(0 2 ? * 1 *)',
      [scheduleName(group, { kind: 'batchInference', solution: personalization, job: `${group}-nightly` })]:
        'cron(0 3 * * ? *)',
      [`${group}.${group}-related.full`]: 'cron(0 4 ? * 1 *)',
      [`${group}.${group}-popular.full`]: 'cron(0 5 ? * 1 *)',
    });
  });
});

describe('uploading the same parameter file again, data unchanged', () => {
  let again: Record<string, unknown> | undefined;
  const before: Record<string, number> = {};

  beforeAll(async () => {
    for (const s of steps(first).filter((s) => s.kind === 'dataset'))
      before[s.name] = await importJobs(s.arn as string);
    for (const s of steps(first).filter((s) => s.kind === 'solution')) before[s.name] = await versions(s.arn as string);
    await upload(base.config);
    again = await h.notificationFor(group);
  }, 180_000);

  it('creates no import job and no solution version, and says what it re-used', async () => {
    expect(again).toMatchObject({ status: 'UPDATE COMPLETE' });
    for (const s of steps(first).filter((s) => s.kind === 'dataset'))
      expect(await importJobs(s.arn as string), s.name).toBe(before[s.name]);
    for (const s of steps(first).filter((s) => s.kind === 'solution'))
      expect(await versions(s.arn as string), s.name).toBe(before[s.name]);
    const reused = steps(again).filter((s) => s.note?.startsWith('re-used'));
    // Three imports, four versions, two batch inference jobs and the segment job: everything re-used.
    expect(reused.map((s) => s.kind).sort()).toEqual(
      [
        'batchInferenceJob',
        'batchInferenceJob',
        'batchSegmentJob',
        'datasetImportJob',
        'datasetImportJob',
        'datasetImportJob',
        'solutionVersion',
        'solutionVersion',
        'solutionVersion',
        'solutionVersion',
      ].sort(),
    );
    expect(again?.metrics).toBeUndefined();
  });
});

describe('new interactions, with a promotion gate the new version cannot pass', () => {
  let run: Record<string, unknown> | undefined;
  const campaign = `${personalization}-campaign`;
  const related = `${group}-related-campaign`;

  beforeAll(async () => {
    const changed = await retailUpload(group, 22);
    await h.upload(`train/${group}/interactions.csv`, changed.files[`train/${group}/interactions.csv`] as Buffer);
    await upload(base.config);
    run = await h.notificationFor(group);
  }, 180_000);

  it('imports the changed dataset only, and trains every solution that uses it', () => {
    expect(run).toMatchObject({ status: 'UPDATE COMPLETE' });
    const imports = steps(run).filter((s) => s.kind === 'datasetImportJob');
    expect(imports.filter((s) => !s.note).map((s) => s.name)).toEqual(['interactions']);
    expect(imports.find((s) => s.name === 'interactions')?.arn).not.toBe(
      arnOf(first, 'datasetImportJob', 'interactions'),
    );
    const trained = steps(run).filter((s) => s.kind === 'solutionVersion' && !s.note);
    expect(trained).toHaveLength(4);
    expect(Object.keys(run?.metrics as object).sort()).toEqual(trained.map((s) => s.arn).sort());
  });

  it('holds the gated campaign on its version, reporting both values, and rolls the other one', async () => {
    const gated = steps(run).find((s) => s.kind === 'campaign' && s.name === campaign);
    expect(gated?.note).toMatch(
      /^held .+, the campaign stays on .+: normalized_discounted_cumulative_gain_at_10 [\d.]+ vs [\d.]+ × 100 = [\d.]+$/,
    );
    expect(await campaignVersion(arnOf(run, 'campaign', campaign))).toBe(
      arnOf(first, 'solutionVersion', personalization),
    );
    expect(await campaignVersion(arnOf(run, 'campaign', related))).toBe(
      arnOf(run, 'solutionVersion', `${group}-related`),
    );
  });

  it('then rolls it once the gate lets the new version through', async () => {
    const c = config();
    (c.solutions[0] as Config['solutions'][number]).workflowConfig = {
      promotion: { metric: 'normalized_discounted_cumulative_gain_at_10', minRatio: 0.01 },
    };
    const changed = await retailUpload(group, 23);
    await h.upload(`train/${group}/interactions.csv`, changed.files[`train/${group}/interactions.csv`] as Buffer);
    await upload(c);
    const next = await h.notificationFor(group);
    expect(next).toMatchObject({ status: 'UPDATE COMPLETE' });
    const gated = steps(next).find((s) => s.kind === 'campaign' && s.name === campaign);
    expect(gated?.note).toMatch(/^promoted /);
    expect(await campaignVersion(arnOf(next, 'campaign', campaign))).toBe(
      arnOf(next, 'solutionVersion', personalization),
    );
  }, 180_000);
});

describe('schedules after the file changes', () => {
  it('deletes a schedule removed from the file and one set to "delete", and keeps the rest', async () => {
    const c = config();
    const [, relatedSolution, popular] = c.solutions as Config['solutions'];
    (relatedSolution as Config['solutions'][number]).workflowConfig = { schedules: { full: 'delete' } };
    delete (popular as Config['solutions'][number]).workflowConfig;
    await upload(c);
    expect(await h.notificationFor(group)).toMatchObject({ status: 'UPDATE COMPLETE' });
    const { Schedules } = await h.cloud.clients.scheduler.send(
      new ListSchedulesCommand({ GroupName: h.cloud.outputs.ScheduleGroupName, NamePrefix: `${group}.` }),
    );
    expect((Schedules ?? []).map((s) => s.Name).sort()).toEqual(
      [
        `${group}.import`,
        `${group}.${personalization}.full`,
        scheduleName(group, { kind: 'batchInference', solution: personalization, job: `${group}-nightly` }),
      ].sort(),
    );
  }, 180_000);

  it('recorded every upload of the group as its own SUCCEEDED run', async () => {
    const runs = await listRuns(h.state, group);
    expect(runs.map((r) => r.status)).toEqual(Array(runs.length).fill('SUCCEEDED'));
    expect(runs).toHaveLength(5);
  });
});
