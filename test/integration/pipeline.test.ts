import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  ListDatasetGroupsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRun } from '../../shared/state/runs.js';
import { type PipelineHarness, retailUpload, startPipeline, uploadAll } from '../support/pipeline.js';

/**
 * The pipeline end to end on the local cloud: a parameter file and its data
 * uploaded under train/ become every Personalize resource, a batch output
 * under batch/, and one notification on the topic.
 */

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipeline();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

type Step = { kind: string; name: string; status: string; arn?: string; reason?: string };

/**
 * What Personalize says of a step's resource, described by its ARN: its
 * status, or EXISTS for a schema (schemas have no status).
 * @throws for a kind this helper cannot describe, so a new kind is never skipped silently.
 */
async function personalizeStatus(p: PersonalizeClient, kind: string, arn: string): Promise<string | undefined> {
  switch (kind) {
    case 'datasetGroup':
      return (await p.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn }))).datasetGroup?.status;
    case 'schema':
      return (await p.send(new DescribeSchemaCommand({ schemaArn: arn }))).schema?.schemaArn === arn
        ? 'EXISTS'
        : undefined;
    case 'dataset':
      return (await p.send(new DescribeDatasetCommand({ datasetArn: arn }))).dataset?.status;
    case 'datasetImportJob':
      return (await p.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn }))).datasetImportJob?.status;
    case 'eventTracker':
      return (await p.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }))).eventTracker?.status;
    case 'filter':
      return (await p.send(new DescribeFilterCommand({ filterArn: arn }))).filter?.status;
    case 'solution':
      return (await p.send(new DescribeSolutionCommand({ solutionArn: arn }))).solution?.status;
    case 'solutionVersion':
      return (await p.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn }))).solutionVersion?.status;
    case 'campaign':
      return (await p.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign?.status;
    case 'batchInferenceJob':
      return (await p.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn }))).batchInferenceJob
        ?.status;
    case 'batchSegmentJob':
      return (await p.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn }))).batchSegmentJob?.status;
    default:
      throw new Error(`no Describe call for step kind ${kind}`);
  }
}

/** `mpx …` against the local cloud, as a user runs it (AWS_ENDPOINT_URL set, stage local). */
async function mpx(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { main } = await import('../../cli/main.js');
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: h.cloud.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  try {
    const code = await main(['node', 'mpx', ...args, '--stage', 'local'], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

const RUN_KEYS = ['datasetGroup', 'finishedAt', 'runId', 'startedAt', 'status', 'trigger'];
const STEP_KEYS = ['arn', 'failureReason', 'finishedAt', 'kind', 'name', 'polls', 'startedAt', 'status', 'stepId'];

describe('a first upload of data and a parameter file with every resource kind', () => {
  let notification: Record<string, unknown> | undefined;
  let steps: Step[];
  const group = 'pipeline-shop';

  beforeAll(async () => {
    await uploadAll(h, await retailUpload(group));
    notification = await h.nextNotification();
    steps = (notification?.steps ?? []) as Step[];
  }, 180_000);

  it('ends in one notification, in the legacy structure, saying the run succeeded', () => {
    expect(notification).toMatchObject({
      datasetGroup: group,
      status: 'UPDATE COMPLETE',
      summary: `The personalization workflow for ${group} completed successfully`,
      description: `The Personalization job for dataset group ${group} is complete`,
      trigger: `upload s3://${h.bucket}/train/${group}/config.json`,
    });
    expect(steps.filter((s) => s.status !== 'SUCCEEDED')).toEqual([]);
  });

  it('created every resource kind of the file, each ACTIVE in Personalize', async () => {
    const kinds = new Set(steps.map((s) => s.kind));
    expect([...kinds].sort()).toEqual(
      [
        'batchInferenceJob',
        'batchSegmentJob',
        'campaign',
        'dataset',
        'datasetGroup',
        'datasetImportJob',
        'eventTracker',
        'filter',
        'schema',
        'schedules',
        'solution',
        'solutionVersion',
      ].sort(),
    );
    const described: string[] = [];
    for (const step of steps.filter((s) => s.kind !== 'schedules')) {
      const status = await personalizeStatus(h.personalize, step.kind, step.arn as string);
      described.push(`${step.kind} ${step.name}: ${status}`);
    }
    expect(described).toEqual(
      steps
        .filter((s) => s.kind !== 'schedules')
        .map((s) => `${s.kind} ${s.name}: ${s.kind === 'schema' ? 'EXISTS' : 'ACTIVE'}`),
    );
    // Every resource of the file, not some: 3 schemas, 3 datasets and imports, 2 filters, 4 solutions and versions…
    const count = (kind: string) => described.filter((line) => line.startsWith(`${kind} `)).length;
    expect(
      ['schema', 'dataset', 'datasetImportJob', 'filter', 'solution', 'solutionVersion', 'campaign'].map(count),
    ).toEqual([3, 3, 3, 2, 4, 4, 2]);
  });

  it('reports the new versions’ offline metrics', () => {
    const metrics = notification?.metrics as Record<string, Record<string, number>>;
    const versions = steps.filter((s) => s.kind === 'solutionVersion').map((s) => s.arn);
    expect(Object.keys(metrics).sort()).toEqual(versions.sort());
    for (const values of Object.values(metrics))
      expect(values.normalized_discounted_cumulative_gain_at_10).toBeGreaterThanOrEqual(0);
  });

  it('serves recommendations from the campaign', async () => {
    const campaign = steps.find((s) => s.kind === 'campaign' && s.name === `${group}-personalization-campaign`);
    const { itemList } = await h.runtime.send(
      new GetRecommendationsCommand({ campaignArn: campaign?.arn, userId: 'u1', numResults: 5 }),
    );
    expect(itemList).toHaveLength(5);
  });

  it('writes each batch job’s output under batch/<dataset group>/<solution>/<job name>/', async () => {
    for (const [kind, solution] of [
      ['batchInferenceJob', `${group}-personalization`],
      ['batchSegmentJob', `${group}-affinity`],
    ] as const) {
      const job = steps.find((s) => s.kind === kind);
      const jobName = job?.arn?.split('/').pop() as string;
      const prefix = `batch/${group}/${solution}/${jobName}/`;
      const { Contents } = await h.cloud.clients.s3.send(
        new ListObjectsV2Command({ Bucket: h.bucket, Prefix: prefix }),
      );
      expect(Contents?.map((c) => c.Key).sort(), kind).toEqual([`${prefix}_CHECK`, `${prefix}job_config.json.out`]);
    }
    const job = steps.find((s) => s.kind === 'batchInferenceJob');
    const out = await h.cloud.clients.s3.send(
      new GetObjectCommand({
        Bucket: h.bucket,
        Key: `batch/${group}/${group}-personalization/${job?.arn?.split('/').pop()}/job_config.json.out`,
      }),
    );
    const lines = ((await out.Body?.transformToString()) ?? '').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] as string).output.recommendedItems).toHaveLength(25);
  });

  it('records the run as SUCCEEDED with every step, its ARN and its polls', async () => {
    const found = await readRun(h.state, notification?.runId as string);
    expect(found?.run).toMatchObject({ datasetGroup: group, status: 'SUCCEEDED' });
    expect(found?.run.finishedAt).toBeDefined();
    expect(found?.steps.map((s) => s.status).every((status) => status === 'DONE')).toBe(true);
    for (const step of found?.steps.filter((s) => s.kind !== 'notify' && s.kind !== 'schedules') ?? []) {
      expect(step.arn, step.stepId).toMatch(/^arn:aws:personalize:/);
      expect(step.polls, step.stepId).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('mpx runs, against the local cloud', () => {
  it('lists the runs of a dataset group and shows one with its steps, every key always present', async () => {
    const list = await mpx('runs', 'list', '--dataset-group', 'pipeline-shop', '--json');
    expect(list.code).toBe(0);
    const runs = JSON.parse(list.out[0] as string);
    expect(runs).toHaveLength(1);
    expect(Object.keys(runs[0]).sort()).toEqual(RUN_KEYS);
    expect(runs[0]).toMatchObject({ datasetGroup: 'pipeline-shop', status: 'SUCCEEDED' });

    const show = await mpx('runs', 'show', runs[0].runId, '--json');
    expect(show.code).toBe(0);
    const run = JSON.parse(show.out[0] as string);
    expect(Object.keys(run).sort()).toEqual(['datasetGroup', 'runId', 'status', 'steps']);
    expect(run).toMatchObject({ runId: runs[0].runId, datasetGroup: 'pipeline-shop', status: 'SUCCEEDED' });
    for (const step of run.steps) expect(Object.keys(step).sort(), step.stepId).toEqual(STEP_KEYS);
    const version = run.steps.find((s: { kind: string }) => s.kind === 'solutionVersion');
    expect(version).toMatchObject({ status: 'DONE', failureReason: null, arn: expect.stringMatching(/^arn:/) });

    const text = await mpx('runs', 'show', runs[0].runId);
    expect(text.out[0]).toBe(
      `Run ${runs[0].runId} (pipeline-shop, upload s3://${h.bucket}/train/pipeline-shop/config.json): SUCCEEDED`,
    );
  });

  it('lists runs as text, one line each: id, status, group, start → end, trigger', async () => {
    const [run] = JSON.parse(
      (await mpx('runs', 'list', '--dataset-group', 'pipeline-shop', '--json')).out[0] as string,
    );

    const text = await mpx('runs', 'list', '--dataset-group', 'pipeline-shop');

    expect(text).toEqual({
      code: 0,
      out: [
        `${run.runId}  SUCCEEDED   pipeline-shop  ${run.startedAt} → ${run.finishedAt}  upload s3://${h.bucket}/train/pipeline-shop/config.json`,
      ],
      err: [],
    });
  });

  it('says so when a run does not exist', async () => {
    const show = await mpx('runs', 'show', 'no-such-run');
    expect(show).toMatchObject({
      code: 1,
      err: [
        `mpx runs show: no run no-such-run in table ${h.cloud.outputs.RunsTableName} (npx mpx runs list shows the runs)`,
      ],
    });
  });
});

describe('an invalid parameter file', () => {
  it('yields one notification listing every error, and creates nothing', async () => {
    const upload = await retailUpload('pipeline-invalid');
    const config = upload.config as { solutions: { campaigns?: { serviceConfig: object }[] }[]; tags?: unknown };
    config.tags = [{ tagKey: 'team' }];
    (config.solutions[0]?.campaigns?.[0]?.serviceConfig as { minProvisionedTPS: number }).minProvisionedTPS = 0;
    await uploadAll(h, upload);
    expect(await h.nextNotification(30_000)).toEqual({
      datasetGroup: 'pipeline-invalid',
      status: 'UPDATE FAILED',
      summary: 'There were errors detected when reading a personalization job configuration file',
      description: [
        'tags[0].tagValue: is required',
        'solutions[0].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1',
      ],
    });
    const { datasetGroups } = await h.personalize.send(new ListDatasetGroupsCommand({}));
    expect(datasetGroups?.map((g) => g.name)).not.toContain('pipeline-invalid');
  }, 60_000);
});

describe('a data file Personalize cannot import', () => {
  it('ends the run FAILED with the CSV’s reason, skipping what depended on it', async () => {
    const upload = await retailUpload('pipeline-badcsv');
    const key = 'train/pipeline-badcsv/interactions.csv';
    const lines = (upload.files[key] as Buffer).toString().split('\n');
    lines[2] = 'u1,i1,not-a-timestamp,view';
    const files = { ...upload.files, [key]: Buffer.from(lines.join('\n')) };
    await uploadAll(h, { ...upload, files });
    const notification = await h.nextNotification();
    expect(notification).toMatchObject({ datasetGroup: 'pipeline-badcsv', status: 'UPDATE FAILED' });
    expect(notification?.description).toMatch(/datasetImportJob interactions: .*not-a-timestamp/);
    const steps = notification?.steps as Step[];
    expect(steps.find((s) => s.kind === 'datasetImportJob' && s.name === 'interactions')?.status).toBe('FAILED');
    expect(steps.filter((s) => s.kind === 'solutionVersion').every((s) => s.status === 'SKIPPED')).toBe(true);
    // Independent branches finish: the event tracker and the datasets do not need the import.
    expect(steps.find((s) => s.kind === 'eventTracker')?.status).toBe('SUCCEEDED');
    const found = await readRun(h.state, notification?.runId as string);
    expect(found?.run.status).toBe('FAILED');

    const show = await mpx('runs', 'show', notification?.runId as string, '--json');
    const shown = JSON.parse(show.out[0] as string) as { status: string; steps: Record<string, unknown>[] };
    expect(shown.status).toBe('FAILED');
    const failedImport = shown.steps.find((s) => s.stepId === 'datasetImportJob:interactions');
    expect(failedImport).toMatchObject({ status: 'FAILED', failureReason: expect.stringMatching(/not-a-timestamp/) });
    expect(Object.keys(failedImport ?? {}).sort()).toEqual(STEP_KEYS);
    const skipped = shown.steps.find((s) => s.kind === 'solutionVersion');
    expect(skipped).toMatchObject({
      status: 'SKIPPED',
      arn: null,
      failureReason: expect.stringMatching(/^skipped: /),
    });
  }, 180_000);

  it('is listed, with every other group’s runs, by mpx runs list without --dataset-group', async () => {
    const list = await mpx('runs', 'list', '--json');

    expect(list.code).toBe(0);
    const runs = JSON.parse(list.out[0] as string) as Record<string, unknown>[];
    expect(runs.map((r) => [r.datasetGroup, r.status])).toEqual([
      ['pipeline-badcsv', 'FAILED'],
      ['pipeline-shop', 'SUCCEEDED'],
    ]);
    for (const run of runs) expect(Object.keys(run).sort()).toEqual(RUN_KEYS);
  });
});
