import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hang, type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';
import { interactionsCsv, type S3Harness, startS3 } from '../../support/s3.js';
import { INTERACTIONS_SCHEMA } from './fixtures.js';

let s3: S3Harness;

beforeAll(async () => {
  s3 = await startS3();
});

afterAll(async () => {
  await s3.stop();
});

/** A dataset group with an interactions dataset, on an emulator reading the test S3. */
async function setUp(h: PersonalizeHarness, name: string): Promise<{ datasetArn: string; datasetGroupArn: string }> {
  const { datasetGroupArn } = await h.client.send(new CreateDatasetGroupCommand({ name }));
  const { schemaArn } = await h.client.send(
    new CreateSchemaCommand({ name: `${name}-interactions`, schema: INTERACTIONS_SCHEMA }),
  );
  const { datasetArn } = await h.client.send(
    new CreateDatasetCommand({ name: `${name}-interactions`, datasetGroupArn, datasetType: 'Interactions', schemaArn }),
  );
  return { datasetArn: datasetArn as string, datasetGroupArn: datasetGroupArn as string };
}

async function importJob(
  h: PersonalizeHarness,
  datasetArn: string,
  jobName: string,
  dataLocation: string,
  importMode?: 'FULL' | 'INCREMENTAL',
) {
  const { datasetImportJobArn } = await h.client.send(
    new CreateDatasetImportJobCommand({
      jobName,
      datasetArn,
      dataSource: { dataLocation },
      ...(importMode ? { importMode } : {}),
    }),
  );
  await h.emulator.idle();
  return (await h.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob;
}

async function train(h: PersonalizeHarness, datasetGroupArn: string, name: string, eventType?: string) {
  const { solutionArn } = await h.client.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      ...(eventType ? { eventType } : {}),
    }),
  );
  const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn }));
  await h.emulator.idle();
  return (await h.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion;
}

describe('real imports from S3', () => {
  it('imports a CSV and a folder of parts, and training sees the data', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetArn, datasetGroupArn } = await setUp(h, 'g1');
      await s3.put('train/g1/interactions.csv', interactionsCsv(60, 20));
      const job = await importJob(h, datasetArn, 'g1-full', 's3://data/train/g1/interactions.csv');
      expect(job).toMatchObject({
        status: 'ACTIVE',
        importMode: 'FULL',
        dataSource: { dataLocation: 's3://data/train/g1/interactions.csv' },
      });
      expect(job?.failureReason).toBeUndefined();
      expect(await train(h, datasetGroupArn, 'g1-up')).toMatchObject({ status: 'ACTIVE' });

      await s3.put('train/g1/more/part-1.csv', interactionsCsv(2, 3));
      await s3.put('train/g1/more/part-2.csv', interactionsCsv(2, 3));
      expect(await importJob(h, datasetArn, 'g1-more', 's3://data/train/g1/more/', 'INCREMENTAL')).toMatchObject({
        status: 'ACTIVE',
      });
    } finally {
      await h.dispose();
    }
  });

  it('fails an import whose CSV lacks a schema column, naming the column', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetArn } = await setUp(h, 'g2');
      await s3.put('train/g2/interactions.csv', 'USER_ID,ITEM_ID,EVENT_TYPE\nu1,i1,click\n');
      const job = await importJob(h, datasetArn, 'g2-bad', 's3://data/train/g2/interactions.csv');
      expect(job?.status).toBe('CREATE FAILED');
      expect(job?.failureReason).toContain('TIMESTAMP');
    } finally {
      await h.dispose();
    }
  });

  it.each([
    ['a bad cell', 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,yesterday,click\n', 'row 2, column TIMESTAMP'],
    [
      'millisecond timestamps',
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,i1,1700000000000,click\n',
      'Unix epoch seconds',
    ],
    [
      'a line over 1 MB',
      `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,${'i'.repeat(1_100_000)},1700000000,click\n`,
      'longer than 1048576',
    ],
    [
      'bytes that are not UTF-8',
      Buffer.concat([
        Buffer.from('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nu1,caf'),
        Buffer.from([0xe9]),
        Buffer.from(',1700000000,click\n'),
      ]),
      'not valid UTF-8',
    ],
  ])('fails an import with %s, says why, and keeps serving', async (label, body, reason) => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const name = `bad-${label.replace(/[^a-z0-9]+/gi, '-')}`.slice(0, 40);
      const { datasetArn } = await setUp(h, name);
      await s3.put(`train/${name}/interactions.csv`, body);
      const job = await importJob(h, datasetArn, `${name}-job`, `s3://data/train/${name}/interactions.csv`);
      expect(job?.status).toBe('CREATE FAILED');
      expect(job?.failureReason).toContain(`s3://data/train/${name}/interactions.csv`);
      expect(job?.failureReason).toContain(reason);
      expect(
        (await h.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: job?.datasetImportJobArn })))
          .$metadata.httpStatusCode,
      ).toBe(200);
    } finally {
      await h.dispose();
    }
  });

  it('fails an import from a location that does not exist', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetArn } = await setUp(h, 'g3');
      const job = await importJob(h, datasetArn, 'g3-missing', 's3://data/train/g3/nothing.csv');
      expect(job?.status).toBe('CREATE FAILED');
      expect(job?.failureReason).toContain('s3://data/train/g3/nothing.csv');
    } finally {
      await h.dispose();
    }
  });
});

describe('training-time data checks', () => {
  it('fails a version with fewer than 1000 interactions after event-type filtering', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetArn, datasetGroupArn } = await setUp(h, 'g4');
      await s3.put('train/g4/interactions.csv', interactionsCsv(60, 20));
      await importJob(h, datasetArn, 'g4-import', 's3://data/train/g4/interactions.csv');
      const version = await train(h, datasetGroupArn, 'g4-purchases', 'purchase');
      expect(version).toMatchObject({
        status: 'CREATE FAILED',
        failureReason:
          'Insufficient training data: there are 0 interactions of event type purchase; at least 1000 are required',
      });
    } finally {
      await h.dispose();
    }
  });

  it('fails a version with fewer than 25 users with 2 interactions', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetArn, datasetGroupArn } = await setUp(h, 'g5');
      await s3.put('train/g5/interactions.csv', interactionsCsv(10, 120));
      await importJob(h, datasetArn, 'g5-import', 's3://data/train/g5/interactions.csv');
      expect(await train(h, datasetGroupArn, 'g5-up')).toMatchObject({
        status: 'CREATE FAILED',
        failureReason:
          'Insufficient training data: 10 users have at least 2 interactions; at least 25 such users are required',
      });
    } finally {
      await h.dispose();
    }
  });

  it('fails a version when nothing was imported', async () => {
    const h = await startPersonalize({ s3: () => s3.client });
    try {
      const { datasetGroupArn } = await setUp(h, 'g6');
      expect(await train(h, datasetGroupArn, 'g6-up')).toMatchObject({
        status: 'CREATE FAILED',
        failureReason: 'The interactions dataset has no data: import interactions before training',
      });
    } finally {
      await h.dispose();
    }
  });
});

describe('restarts', () => {
  it('resumes an import and a training that were in progress when the emulator stopped', async () => {
    const first = await startPersonalize({
      s3: () => s3.client,
      workers: { datasetImportJob: hang, solutionVersion: hang },
    });
    const { datasetArn, datasetGroupArn } = await setUp(first, 'g7');
    await s3.put('train/g7/interactions.csv', interactionsCsv(40, 30));
    const { datasetImportJobArn } = await first.client.send(
      new CreateDatasetImportJobCommand({
        jobName: 'g7-import',
        datasetArn,
        dataSource: { dataLocation: 's3://data/train/g7/interactions.csv' },
      }),
    );
    const { solutionArn } = await first.client.send(
      new CreateSolutionCommand({
        name: 'g7-up',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      }),
    );
    expect(
      (await first.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob?.status,
    ).toBe('CREATE IN_PROGRESS');
    await first.stop();

    const second = await startPersonalize({ s3: () => s3.client, dataDir: first.dataDir });
    try {
      await second.emulator.idle();
      expect(
        (await second.client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob
          ?.status,
      ).toBe('ACTIVE');
      const { solutionVersionArn } = await second.client.send(new CreateSolutionVersionCommand({ solutionArn }));
      await second.stop();

      const third = await startPersonalize({ s3: () => s3.client, dataDir: first.dataDir });
      try {
        await third.emulator.idle();
        const version = (await third.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn })))
          .solutionVersion;
        expect(version?.status).toBe('ACTIVE');
      } finally {
        await third.dispose();
      }
    } finally {
      await second.stop().catch(() => undefined);
    }
  });
});
