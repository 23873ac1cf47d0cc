import {
  CreateDatasetImportJobCommand,
  DescribeDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
} from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
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

const DATASET_ARN = arnOf('dataset', 'shop/INTERACTIONS');
const JOB_NAME = `shop-interactions_${STAMP}`;
const JOB_ARN = arnOf('dataset-import-job', JOB_NAME);
const DATA = 's3://mpx-data/train/shop/interactions/';
const inputs = { 'dataset:interactions': DATASET_ARN };
const desired: ResourceDesired = {
  kind: 'datasetImportJob',
  datasetType: 'interactions',
  jobBaseName: 'shop-interactions',
  dataLocation: DATA,
  serviceConfig: { importMode: 'FULL', tags: TAGS },
};
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeDatasetImportJobCommand).resolves({
    datasetImportJob: { datasetImportJobArn: JOB_ARN, jobName: JOB_NAME, datasetArn: DATASET_ARN, ...fields },
  });

describe('datasetImportJob driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeDatasetImportJobCommand).rejects(notFound());
    personalize.on(CreateDatasetImportJobCommand).resolves({ datasetImportJobArn: JOB_ARN });
    personalize.on(ListDatasetImportJobsCommand).resolves({ datasetImportJobs: [] });
  });

  it('starts the import under a name fixed by the step’s intent time, with every field of the file', async () => {
    const serviceConfig = {
      jobName: 'ignored-base',
      importMode: 'INCREMENTAL' as const,
      publishAttributionMetricsToS3: true,
      tags: TAGS,
    };
    const step: ResourceDesired = { ...desired, kind: 'datasetImportJob', serviceConfig };
    expect(await ensureStep(step, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: JOB_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeDatasetImportJobCommand, { datasetImportJobArn: JOB_ARN });
    expect(sent(CreateDatasetImportJobCommand)).toEqual([
      {
        importMode: 'INCREMENTAL',
        publishAttributionMetricsToS3: true,
        tags: TAGS,
        jobName: 'shop-interactions_2026_11_28_10_15_30',
        datasetArn: DATASET_ARN,
        dataSource: { dataLocation: DATA },
        roleArn: ROLE_ARN,
      },
    ]);
  });

  describe('when the data has not changed (REFERENCE.md defect 16, both ways)', () => {
    const earlier = (created: string, status = 'ACTIVE', jobName = 'shop-interactions_2026_11_20_08_00_00') => ({
      datasetImportJobArn: arnOf('dataset-import-job', jobName),
      jobName,
      status,
      creationDateTime: new Date(created),
    });

    it('re-uses the latest ACTIVE import made after the data was last written', async () => {
      personalize.on(ListDatasetImportJobsCommand).resolves({
        datasetImportJobs: [
          earlier('2026-11-20T08:00:00Z'),
          earlier('2026-11-21T08:00:00Z', 'CREATE FAILED', 'shop-interactions_2026_11_21_08_00_00'),
        ],
      });
      const step = { ...desired, dataModifiedAt: '2026-11-19T00:00:00.000Z' } as ResourceDesired;
      expect(await ensureStep(step, ensureContext(inputs))).toEqual({
        type: 'done',
        arn: arnOf('dataset-import-job', 'shop-interactions_2026_11_20_08_00_00'),
        note: 're-used: the data has not changed since this import',
      });
      expect(personalize).not.toHaveReceivedCommand(CreateDatasetImportJobCommand);
    });

    it('imports again when the data was written after the latest import', async () => {
      personalize.on(ListDatasetImportJobsCommand).resolves({ datasetImportJobs: [earlier('2026-11-20T08:00:00Z')] });
      const step = { ...desired, dataModifiedAt: '2026-11-27T00:00:00.000Z' } as ResourceDesired;
      expect(await ensureStep(step, ensureContext(inputs))).toMatchObject({ type: 'pending', created: true });
    });

    it('never re-uses an import it did not name (another tool’s job on the same dataset)', async () => {
      personalize.on(ListDatasetImportJobsCommand).resolves({
        datasetImportJobs: [earlier('2026-11-20T08:00:00Z', 'ACTIVE', 'console-import-1')],
      });
      const step = { ...desired, dataModifiedAt: '2026-11-19T00:00:00.000Z' } as ResourceDesired;
      expect(await ensureStep(step, ensureContext(inputs))).toMatchObject({ type: 'pending', created: true });
    });
  });

  it('finds the job an earlier delivery started instead of importing twice', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: JOB_ARN,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateDatasetImportJobCommand);
  });

  it('waits for the job another delivery created between describe and create', async () => {
    personalize.on(CreateDatasetImportJobCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: JOB_ARN,
    });
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: JOB_ARN });
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Input CSV is missing the TIMESTAMP column' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `dataset import job ${JOB_ARN} is CREATE FAILED: Input CSV is missing the TIMESTAMP column`,
    });
  });

  it('refuses a same-named job that imports into another dataset', async () => {
    existing({ status: 'ACTIVE', datasetArn: arnOf('dataset', 'other/INTERACTIONS') });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: JOB_ARN,
      reason: `dataset import job ${JOB_ARN} was not started by this step: datasetArn: expected "${DATASET_ARN}", found "${arnOf('dataset', 'other/INTERACTIONS')}"`,
    });
  });

  it('waits while Personalize’s cap on concurrent imports is reached', async () => {
    personalize.on(CreateDatasetImportJobCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeDatasetImportJobCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
