import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
} from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import { batchOutputPath } from '../../../shared/resources/jobs.js';
import {
  alreadyExists,
  arnOf,
  ensureContext,
  limitExceeded,
  notFound,
  personalize,
  ROLE_ARN,
  STAMP,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const VERSION_ARN = arnOf('solution', 'up/9ff88ee7');
const FILTER_ARN = arnOf('filter', 'unseen');
const inputs = { 'solutionVersion:up': VERSION_ARN };
const INPUT = 's3://mpx-data/batch/shop/up/job_config.json';
const PREFIX = 's3://mpx-data/batch/shop/up/';

describe('batchInferenceJob driver', () => {
  const JOB_NAME = `up-nightly_${STAMP}`;
  const JOB_ARN = arnOf('batch-inference-job', JOB_NAME);
  const desired: ResourceDesired = {
    kind: 'batchInferenceJob',
    jobBaseName: 'up-nightly',
    inputPath: INPUT,
    outputPrefix: PREFIX,
    serviceConfig: { numResults: 50, tags: TAGS },
  };
  const existing = (fields: Record<string, unknown>) =>
    personalize.on(DescribeBatchInferenceJobCommand).resolves({
      batchInferenceJob: {
        batchInferenceJobArn: JOB_ARN,
        jobName: JOB_NAME,
        solutionVersionArn: VERSION_ARN,
        ...fields,
      },
    });

  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeBatchInferenceJobCommand).rejects(notFound());
    personalize.on(CreateBatchInferenceJobCommand).resolves({ batchInferenceJobArn: JOB_ARN });
    personalize.on(ListBatchInferenceJobsCommand).resolves({ batchInferenceJobs: [] });
  });

  it('starts the job under a name fixed by the intent time, writing to its own folder, with every field of the file', async () => {
    const serviceConfig = {
      jobName: 'up-nightly',
      filterArn: FILTER_ARN,
      numResults: 50,
      batchInferenceJobConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
      batchInferenceJobMode: 'THEME_GENERATION' as const,
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      tags: TAGS,
    };
    const step: ResourceDesired = { ...desired, kind: 'batchInferenceJob', serviceConfig };
    expect(await ensureStep(step, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: JOB_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeBatchInferenceJobCommand, { batchInferenceJobArn: JOB_ARN });
    const { jobName: _base, ...passedThrough } = serviceConfig;
    expect(sent(CreateBatchInferenceJobCommand)).toEqual([
      {
        ...passedThrough,
        jobName: 'up-nightly_2026_11_28_10_15_30',
        solutionVersionArn: VERSION_ARN,
        jobInput: { s3DataSource: { path: INPUT } },
        jobOutput: { s3DataDestination: { path: `s3://mpx-data/batch/shop/up/up-nightly_2026_11_28_10_15_30/` } },
        roleArn: ROLE_ARN,
      },
    ]);
  });

  it('waits for the job another delivery created between describe and create', async () => {
    personalize.on(CreateBatchInferenceJobCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: JOB_ARN,
    });
  });

  it.each(['PENDING', 'IN PROGRESS'])('waits while the job is %s', async (status) => {
    existing({ status });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status, arn: JOB_ARN });
    expect(personalize).not.toHaveReceivedCommand(CreateBatchInferenceJobCommand);
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: JOB_ARN });
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Input file is not valid JSON Lines' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `batch inference job ${JOB_ARN} is CREATE FAILED: Input file is not valid JSON Lines`,
    });
  });

  it('refuses a same-named job on another solution version', async () => {
    existing({ status: 'ACTIVE', solutionVersionArn: arnOf('solution', 'other/12345678') });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `batch inference job ${JOB_ARN} was not started by this step: solutionVersionArn: expected "${VERSION_ARN}", found "${arnOf('solution', 'other/12345678')}"`,
    });
  });

  it('waits while Personalize’s cap on concurrent batch jobs is reached', async () => {
    personalize.on(CreateBatchInferenceJobCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeBatchInferenceJobCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});

describe('batchSegmentJob driver', () => {
  const JOB_NAME = `up-segments_${STAMP}`;
  const JOB_ARN = arnOf('batch-segment-job', JOB_NAME);
  const desired: ResourceDesired = {
    kind: 'batchSegmentJob',
    jobBaseName: 'up-segments',
    inputPath: 's3://mpx-data/batch/shop/up/segments/job_config.json',
    outputPrefix: PREFIX,
    serviceConfig: { filterArn: FILTER_ARN, numResults: 100, tags: TAGS },
  };
  const existing = (fields: Record<string, unknown>) =>
    personalize.on(DescribeBatchSegmentJobCommand).resolves({
      batchSegmentJob: { batchSegmentJobArn: JOB_ARN, solutionVersionArn: VERSION_ARN, ...fields },
    });

  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeBatchSegmentJobCommand).rejects(notFound());
    personalize.on(CreateBatchSegmentJobCommand).resolves({ batchSegmentJobArn: JOB_ARN });
    personalize.on(ListBatchSegmentJobsCommand).resolves({ batchSegmentJobs: [] });
  });

  it('starts the job under a name fixed by the intent time, with its own input and output folder', async () => {
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: JOB_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeBatchSegmentJobCommand, { batchSegmentJobArn: JOB_ARN });
    expect(sent(CreateBatchSegmentJobCommand)).toEqual([
      {
        filterArn: FILTER_ARN,
        numResults: 100,
        tags: TAGS,
        jobName: 'up-segments_2026_11_28_10_15_30',
        solutionVersionArn: VERSION_ARN,
        jobInput: { s3DataSource: { path: 's3://mpx-data/batch/shop/up/segments/job_config.json' } },
        jobOutput: { s3DataDestination: { path: 's3://mpx-data/batch/shop/up/up-segments_2026_11_28_10_15_30/' } },
        roleArn: ROLE_ARN,
      },
    ]);
  });

  it('waits for the job another delivery created', async () => {
    personalize.on(CreateBatchSegmentJobCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: JOB_ARN,
    });
  });

  it('waits while the job runs', async () => {
    existing({ status: 'IN PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'IN PROGRESS',
      arn: JOB_ARN,
    });
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: JOB_ARN });
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Batch segment jobs need a USER_SEGMENTATION recipe' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `batch segment job ${JOB_ARN} is CREATE FAILED: Batch segment jobs need a USER_SEGMENTATION recipe`,
    });
  });

  it('refuses a same-named job on another solution version', async () => {
    existing({ status: 'ACTIVE', solutionVersionArn: arnOf('solution', 'other/12345678') });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `batch segment job ${JOB_ARN} was not started by this step: solutionVersionArn: expected "${VERSION_ARN}", found "${arnOf('solution', 'other/12345678')}"`,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateBatchSegmentJobCommand);
  });

  it('waits while Personalize’s cap on concurrent batch jobs is reached', async () => {
    personalize.on(CreateBatchSegmentJobCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeBatchSegmentJobCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});

describe('batchOutputPath', () => {
  it('is the job’s own folder under the prefix, with or without the prefix’s trailing slash', () => {
    expect(batchOutputPath('s3://b/batch/shop/up/', 'up_2026_11_28_10_15_30')).toBe(
      's3://b/batch/shop/up/up_2026_11_28_10_15_30/',
    );
    expect(batchOutputPath('s3://b/batch/shop/up', 'up_2026_11_28_10_15_30')).toBe(
      's3://b/batch/shop/up/up_2026_11_28_10_15_30/',
    );
  });
});

describe('batch inference job re-use', () => {
  const version = arnOf('solution', 'up/v1');
  const step: ResourceDesired = {
    kind: 'batchInferenceJob',
    jobBaseName: 'up-nightly',
    inputPath: 's3://mpx-data/batch/shop/up/job_config.json',
    outputPrefix: 's3://mpx-data/batch/shop/up/',
    serviceConfig: { numResults: 25 },
  };
  const ran = (created: string, status = 'ACTIVE') => ({
    batchInferenceJobArn: arnOf('batch-inference-job', 'up-nightly_2026_11_20_03_00_00'),
    jobName: 'up-nightly_2026_11_20_03_00_00',
    status,
    creationDateTime: new Date(created),
  });
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeBatchInferenceJobCommand).rejects(notFound());
    personalize
      .on(CreateBatchInferenceJobCommand)
      .resolves({ batchInferenceJobArn: arnOf('batch-inference-job', 'x') });
  });

  it('re-uses the job that already ran on the solution version in use', async () => {
    personalize.on(ListBatchInferenceJobsCommand).resolves({ batchInferenceJobs: [ran('2026-11-20T03:00:00Z')] });
    expect(await ensureStep(step, ensureContext({ 'solutionVersion:up': version }))).toMatchObject({
      type: 'done',
      note: 're-used: this job already ran on the solution version in use',
    });
    expect(personalize).toHaveReceivedCommandWith(ListBatchInferenceJobsCommand, { solutionVersionArn: version });
    expect(personalize).not.toHaveReceivedCommand(CreateBatchInferenceJobCommand);
  });

  it('runs a new job when a schedule asks, when the last one is older than maxAge, or failed', async () => {
    personalize.on(ListBatchInferenceJobsCommand).resolves({ batchInferenceJobs: [ran('2026-11-20T03:00:00Z')] });
    const inputs = { 'solutionVersion:up': version };
    expect(await ensureStep({ ...step, force: true }, ensureContext(inputs))).toMatchObject({ created: true });
    expect(await ensureStep({ ...step, maxAgeSeconds: 86_400 }, ensureContext(inputs))).toMatchObject({
      created: true,
    });
    personalize.on(ListBatchInferenceJobsCommand).resolves({
      batchInferenceJobs: [ran('2026-11-28T03:00:00Z', 'CREATE FAILED')],
    });
    expect(await ensureStep(step, ensureContext(inputs))).toMatchObject({ created: true });
  });
});

describe('batch job bases', () => {
  it('never takes another base’s job for this one (`up_weekly_…` is not a job of base `up`)', async () => {
    const { activeOfBase } = await import('../../../shared/resources/jobs.js');
    const weekly = {
      status: 'ACTIVE',
      jobName: 'up_weekly_2026_11_28_03_00_00',
      creationDateTime: new Date('2026-11-28T03:00:00Z'),
      arn: 'arn:weekly',
    };
    expect(activeOfBase([weekly], 'up')).toEqual([]);
    expect(activeOfBase([weekly], 'up_weekly')).toEqual([{ arn: 'arn:weekly', createdAt: weekly.creationDateTime }]);
  });
});
