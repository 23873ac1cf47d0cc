import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DeleteDatasetGroupCommand,
  DescribeBatchInferenceJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  StartRecommenderCommand,
  StopRecommenderCommand,
  StopSolutionVersionCreationCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../local/clock.js';
import { REALISTIC } from '../../../local/personalize/profile.js';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';
import { INTERACTIONS_SCHEMA, ITEMS_SCHEMA, USERS_SCHEMA } from './fixtures.js';

const MINUTE = 60_000;

let h: PersonalizeHarness;
let clock: ManualClock;

/** Reads a status at each of several times (ms after now), advancing the manual clock. */
async function statusesOver(
  read: () => Promise<string | undefined>,
  times: readonly number[],
): Promise<(string | undefined)[]> {
  const seen: (string | undefined)[] = [];
  let elapsed = 0;
  for (const at of times) {
    clock.advance(at - elapsed);
    elapsed = at;
    await h.emulator.idle();
    seen.push(await read());
  }
  return seen;
}

/** Advances the clock far enough for anything in flight to finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    clock.advance(2 * 60 * MINUTE);
    await h.emulator.idle();
  }
}

beforeEach(async () => {
  clock = new ManualClock();
  h = await startPersonalize({ manualClock: clock, profile: REALISTIC, workers: {} });
});

afterEach(async () => {
  await h.dispose();
});

async function activeDatasetGroup(name = 'shop', domain?: 'ECOMMERCE'): Promise<string> {
  const { datasetGroupArn } = await h.client.send(
    new CreateDatasetGroupCommand({ name, ...(domain ? { domain } : {}) }),
  );
  await settle();
  return datasetGroupArn as string;
}

async function datasetsFor(datasetGroupArn: string, domain?: 'ECOMMERCE'): Promise<void> {
  for (const [type, schema] of [
    ['Interactions', INTERACTIONS_SCHEMA],
    ['Items', ITEMS_SCHEMA],
    ['Users', USERS_SCHEMA],
  ] as const) {
    const { schemaArn } = await h.client.send(
      new CreateSchemaCommand({
        name: `${datasetGroupArn.split('/')[1]}-${type}`,
        schema,
        ...(domain ? { domain } : {}),
      }),
    );
    await h.client.send(
      new CreateDatasetCommand({ name: `${type}-data`, datasetGroupArn, datasetType: type, schemaArn }),
    );
  }
  await settle();
}

async function activeVersion(datasetGroupArn: string, recipe = 'aws-user-personalization'): Promise<string> {
  const { solutionArn } = await h.client.send(
    new CreateSolutionCommand({
      name: `${recipe}-solution`,
      datasetGroupArn,
      recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
    }),
  );
  await settle();
  const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn }));
  await settle();
  return solutionVersionArn as string;
}

describe('status paths, timed by the realistic profile', () => {
  it('walks a dataset group through CREATE PENDING → CREATE IN_PROGRESS → ACTIVE, then DELETE PENDING → DELETE IN_PROGRESS → gone', async () => {
    const { datasetGroupArn } = await h.client.send(new CreateDatasetGroupCommand({ name: 'shop' }));
    const read = async () => {
      try {
        return (await h.client.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))).datasetGroup?.status;
      } catch (error) {
        return (error as Error).name;
      }
    };
    expect(await statusesOver(read, [0, 9_000, 11_000, 89_000, 91_000])).toEqual([
      'CREATE PENDING',
      'CREATE PENDING',
      'CREATE IN_PROGRESS',
      'CREATE IN_PROGRESS',
      'ACTIVE',
    ]);
    await h.client.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
    expect(await statusesOver(read, [0, 6_000, 31_000])).toEqual([
      'DELETE PENDING',
      'DELETE IN_PROGRESS',
      'ResourceNotFoundException',
    ]);
  });

  it('takes each kind through its own durations', async () => {
    const datasetGroupArn = await activeDatasetGroup();
    await datasetsFor(datasetGroupArn);
    const dataset = await h.client.send(
      new DescribeDatasetCommand({ datasetArn: `${datasetGroupArn.replace('dataset-group', 'dataset')}/INTERACTIONS` }),
    );
    expect(dataset.dataset?.status).toBe('ACTIVE');
    expect(dataset.dataset?.datasetType).toBe('Interactions');

    const { eventTrackerArn, trackingId } = await h.client.send(
      new CreateEventTrackerCommand({ name: 'tracker', datasetGroupArn }),
    );
    expect(eventTrackerArn).toMatch(/:event-tracker\/[0-9a-f]{8}$/);
    expect(trackingId).toMatch(/^[0-9a-f-]{36}$/);
    const tracker = async () =>
      (await h.client.send(new DescribeEventTrackerCommand({ eventTrackerArn }))).eventTracker?.status;
    expect(await statusesOver(tracker, [0, 11_000, 61_000])).toEqual([
      'CREATE PENDING',
      'CREATE IN_PROGRESS',
      'ACTIVE',
    ]);

    const { filterArn } = await h.client.send(
      new CreateFilterCommand({
        name: 'no-clicks',
        datasetGroupArn,
        filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
      }),
    );
    const filter = async () => (await h.client.send(new DescribeFilterCommand({ filterArn }))).filter?.status;
    expect(await statusesOver(filter, [0, 31_000, 181_000])).toEqual([
      'CREATE PENDING',
      'CREATE IN_PROGRESS',
      'ACTIVE',
    ]);
  });

  it('trains a solution version and deploys it, then rolls the campaign to a newer version', async () => {
    const datasetGroupArn = await activeDatasetGroup();
    await datasetsFor(datasetGroupArn);
    const { solutionArn } = await h.client.send(
      new CreateSolutionCommand({
        name: 'up',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      }),
    );
    await settle();
    const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn, name: 'v1' }));
    expect(solutionVersionArn).toMatch(/:solution\/up\/[0-9a-f]{8}$/);
    const version = async () =>
      (await h.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion;
    const statuses = await statusesOver(async () => (await version())?.status, [0, 2 * MINUTE + 1, 30 * MINUTE + 1]);
    expect(statuses).toEqual(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']);
    expect(await version()).toMatchObject({
      name: 'v1',
      trainingMode: 'FULL',
      trainingType: 'MANUAL',
      trainingHours: 0.467,
      solutionArn,
    });

    const solution = (await h.client.send(new DescribeSolutionCommand({ solutionArn }))).solution;
    expect(solution?.latestSolutionVersion).toMatchObject({
      solutionVersionArn,
      status: 'ACTIVE',
      trainingMode: 'FULL',
    });
    expect(solution?.performAutoTraining).toBe(true);

    const { campaignArn } = await h.client.send(new CreateCampaignCommand({ name: 'up-campaign', solutionVersionArn }));
    const campaign = async () => (await h.client.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
    expect(await statusesOver(async () => (await campaign())?.status, [0, MINUTE + 1, 15 * MINUTE + 1])).toEqual([
      'CREATE PENDING',
      'CREATE IN_PROGRESS',
      'ACTIVE',
    ]);
    expect(await campaign()).toMatchObject({ minProvisionedTPS: 1, solutionVersionArn });

    const next = (await h.client.send(new CreateSolutionVersionCommand({ solutionArn }))).solutionVersionArn;
    await settle();
    await h.client.send(new UpdateCampaignCommand({ campaignArn, solutionVersionArn: next, minProvisionedTPS: 2 }));
    const during = await campaign();
    expect(during).toMatchObject({ status: 'ACTIVE', solutionVersionArn, minProvisionedTPS: 1 });
    expect(during?.latestCampaignUpdate).toMatchObject({
      status: 'CREATE PENDING',
      solutionVersionArn: next,
      minProvisionedTPS: 2,
    });
    await expect(h.client.send(new UpdateCampaignCommand({ campaignArn, minProvisionedTPS: 3 }))).rejects.toMatchObject(
      {
        name: 'ResourceInUseException',
      },
    );
    await expect(h.client.send(new DeleteCampaignCommand({ campaignArn }))).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
    await settle();
    const after = await campaign();
    expect(after).toMatchObject({ status: 'ACTIVE', solutionVersionArn: next, minProvisionedTPS: 2 });
    expect(after?.latestCampaignUpdate?.status).toBe('ACTIVE');
  });

  it('stops a training: CREATE STOPPING → CREATE STOPPED', async () => {
    const datasetGroupArn = await activeDatasetGroup();
    await datasetsFor(datasetGroupArn);
    const { solutionArn } = await h.client.send(
      new CreateSolutionCommand({ name: 'sims', datasetGroupArn, recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }),
    );
    await settle();
    const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn }));
    clock.advance(5 * MINUTE);
    await h.client.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }));
    const version = async () =>
      (await h.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion?.status;
    expect(await statusesOver(version, [0, 31_000])).toEqual(['CREATE STOPPING', 'CREATE STOPPED']);
    await expect(h.client.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }))).rejects.toMatchObject({
      name: 'ResourceInUseException',
    });
  });

  it('walks a recommender through create, update, stop and start', async () => {
    const datasetGroupArn = await activeDatasetGroup('store', 'ECOMMERCE');
    await datasetsFor(datasetGroupArn, 'ECOMMERCE');
    const { recommenderArn } = await h.client.send(
      new CreateRecommenderCommand({
        name: 'for-you',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you',
      }),
    );
    const recommender = async () =>
      (await h.client.send(new DescribeRecommenderCommand({ recommenderArn }))).recommender;
    expect(await statusesOver(async () => (await recommender())?.status, [0, MINUTE + 1, 20 * MINUTE + 1])).toEqual([
      'CREATE PENDING',
      'CREATE IN_PROGRESS',
      'ACTIVE',
    ]);
    await h.client.send(
      new UpdateRecommenderCommand({ recommenderArn, recommenderConfig: { minRecommendationRequestsPerSecond: 5 } }),
    );
    expect((await recommender())?.latestRecommenderUpdate?.status).toBe('CREATE PENDING');
    await settle();
    expect(await recommender()).toMatchObject({
      status: 'ACTIVE',
      recommenderConfig: { minRecommendationRequestsPerSecond: 5 },
      latestRecommenderUpdate: { status: 'ACTIVE' },
    });
    await h.client.send(new StopRecommenderCommand({ recommenderArn }));
    expect(await statusesOver(async () => (await recommender())?.status, [0, 31_000, 121_000])).toEqual([
      'STOP PENDING',
      'STOP IN_PROGRESS',
      'INACTIVE',
    ]);
    await h.client.send(new StartRecommenderCommand({ recommenderArn }));
    expect(await statusesOver(async () => (await recommender())?.status, [0, 31_000, 271_000])).toEqual([
      'START PENDING',
      'START IN_PROGRESS',
      'ACTIVE',
    ]);
  });

  it('runs batch jobs PENDING → IN PROGRESS → ACTIVE', async () => {
    const datasetGroupArn = await activeDatasetGroup();
    await datasetsFor(datasetGroupArn);
    const solutionVersionArn = await activeVersion(datasetGroupArn);
    const io = {
      jobInput: { s3DataSource: { path: 's3://data/batch/shop/up/job_config.json' } },
      jobOutput: { s3DataDestination: { path: 's3://data/batch/shop/up/out/' } },
      roleArn: 'arn:aws:iam::000000000000:role/personalize',
    };
    const { batchInferenceJobArn } = await h.client.send(
      new CreateBatchInferenceJobCommand({ jobName: 'nightly', solutionVersionArn, ...io }),
    );
    const job = async () =>
      (await h.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn }))).batchInferenceJob;
    expect(await statusesOver(async () => (await job())?.status, [0, MINUTE + 1, 20 * MINUTE + 1])).toEqual([
      'PENDING',
      'IN PROGRESS',
      'ACTIVE',
    ]);
    expect(await job()).toMatchObject({
      jobName: 'nightly',
      numResults: 25,
      batchInferenceJobMode: 'BATCH_INFERENCE',
      ...io,
    });
    await expect(
      h.client.send(new CreateBatchSegmentJobCommand({ jobName: 'segments', solutionVersionArn, ...io })),
    ).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'Batch segment jobs need a USER_SEGMENTATION recipe, not aws-user-personalization',
    });
  });
});
