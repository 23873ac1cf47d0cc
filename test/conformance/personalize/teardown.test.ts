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
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteRecommenderCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  GetSolutionMetricsCommand,
  ListBatchSegmentJobsCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListRecommendersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';
import { INTERACTIONS_SCHEMA } from './fixtures.js';

let h: PersonalizeHarness;

beforeEach(async () => {
  h = await startPersonalize({
    workers: {},
    quotas: {
      campaignsPerDatasetGroup: 1,
      recommendersPerDatasetGroup: 1,
      pendingBatchInferenceJobs: 0,
      pendingBatchSegmentJobs: 0,
    },
  });
});

afterEach(async () => {
  await h.dispose();
});

const io = {
  jobInput: { s3DataSource: { path: 's3://data/batch/in.json' } },
  jobOutput: { s3DataDestination: { path: 's3://data/batch/out/' } },
  roleArn: 'arn:aws:iam::000000000000:role/personalize',
};

async function graph() {
  const c = h.client;
  const { datasetGroupArn } = await c.send(new CreateDatasetGroupCommand({ name: 'shop', domain: 'ECOMMERCE' }));
  const { schemaArn } = await c.send(
    new CreateSchemaCommand({ name: 'shop-i', schema: INTERACTIONS_SCHEMA, domain: 'ECOMMERCE' }),
  );
  const { datasetArn } = await c.send(
    new CreateDatasetCommand({ name: 'shop-i', datasetGroupArn, datasetType: 'Interactions', schemaArn }),
  );
  const { eventTrackerArn } = await c.send(new CreateEventTrackerCommand({ name: 'shop-t', datasetGroupArn }));
  const { filterArn } = await c.send(
    new CreateFilterCommand({
      name: 'shop-f',
      datasetGroupArn,
      filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")',
    }),
  );
  const { solutionArn } = await c.send(
    new CreateSolutionCommand({
      name: 'shop-s',
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
    }),
  );
  const { solutionVersionArn } = await c.send(new CreateSolutionVersionCommand({ solutionArn }));
  await h.emulator.idle();
  const { campaignArn } = await c.send(new CreateCampaignCommand({ name: 'shop-c', solutionVersionArn }));
  const { recommenderArn } = await c.send(
    new CreateRecommenderCommand({
      name: 'shop-r',
      datasetGroupArn,
      recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views',
    }),
  );
  return {
    datasetGroupArn,
    schemaArn,
    datasetArn,
    eventTrackerArn,
    filterArn,
    solutionArn,
    solutionVersionArn,
    campaignArn,
    recommenderArn,
  } as Record<string, string>;
}

describe('a whole dataset group, listed and torn down', () => {
  it('lists every kind by its dataset group or parent', async () => {
    const arns = await graph();
    const c = h.client;
    const g = { datasetGroupArn: arns.datasetGroupArn };
    expect((await c.send(new ListDatasetGroupsCommand({}))).datasetGroups?.map((x) => x.datasetGroupArn)).toEqual([
      arns.datasetGroupArn,
    ]);
    expect((await c.send(new ListSchemasCommand({}))).schemas?.map((x) => x.schemaArn)).toEqual([arns.schemaArn]);
    expect((await c.send(new ListDatasetsCommand(g))).datasets?.map((x) => x.datasetArn)).toEqual([arns.datasetArn]);
    expect((await c.send(new ListEventTrackersCommand(g))).eventTrackers?.map((x) => x.eventTrackerArn)).toEqual([
      arns.eventTrackerArn,
    ]);
    expect((await c.send(new ListFiltersCommand(g))).Filters?.map((x) => x.filterArn)).toEqual([arns.filterArn]);
    expect((await c.send(new ListSolutionsCommand(g))).solutions?.map((x) => x.solutionArn)).toEqual([
      arns.solutionArn,
    ]);
    expect(
      (await c.send(new ListCampaignsCommand({ solutionArn: arns.solutionArn }))).campaigns?.map((x) => x.campaignArn),
    ).toEqual([arns.campaignArn]);
    expect((await c.send(new ListRecommendersCommand(g))).recommenders?.map((x) => x.recommenderArn)).toEqual([
      arns.recommenderArn,
    ]);
    expect((await c.send(new ListBatchSegmentJobsCommand({}))).batchSegmentJobs).toEqual([]);
  });

  it('deletes children first, then the dataset group, and frees every name', async () => {
    const arns = await graph();
    const c = h.client;
    await c.send(new DeleteCampaignCommand({ campaignArn: arns.campaignArn }));
    await c.send(new DeleteRecommenderCommand({ recommenderArn: arns.recommenderArn }));
    await c.send(new DeleteFilterCommand({ filterArn: arns.filterArn }));
    await c.send(new DeleteEventTrackerCommand({ eventTrackerArn: arns.eventTrackerArn }));
    await c.send(new DeleteSolutionCommand({ solutionArn: arns.solutionArn }));
    await c.send(new DeleteDatasetCommand({ datasetArn: arns.datasetArn }));
    await c.send(new DeleteSchemaCommand({ schemaArn: arns.schemaArn }));
    await c.send(new DeleteDatasetGroupCommand({ datasetGroupArn: arns.datasetGroupArn }));
    expect((await c.send(new ListDatasetGroupsCommand({}))).datasetGroups).toEqual([]);
    expect((await c.send(new ListSchemasCommand({}))).schemas).toEqual([]);
    const again = await graph();
    expect(again.datasetGroupArn).toBe(arns.datasetGroupArn);
  });

  it('has no metrics to report before models are trained for real (never invented)', async () => {
    const arns = await graph();
    const metrics = await h.client.send(new GetSolutionMetricsCommand({ solutionVersionArn: arns.solutionVersionArn }));
    expect(metrics.solutionVersionArn).toBe(arns.solutionVersionArn);
    expect(metrics.metrics).toBeUndefined();
  });

  it('caps campaigns and recommenders per dataset group and pending batch jobs', async () => {
    const arns = await graph();
    const c = h.client;
    await expect(
      c.send(new CreateCampaignCommand({ name: 'shop-c2', solutionVersionArn: arns.solutionVersionArn })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'A dataset group can have at most 1 campaigns',
    });
    await expect(
      c.send(
        new CreateRecommenderCommand({
          name: 'shop-r2',
          datasetGroupArn: arns.datasetGroupArn,
          recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-purchases',
        }),
      ),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
    await expect(
      c.send(new CreateBatchInferenceJobCommand({ jobName: 'b', solutionVersionArn: arns.solutionVersionArn, ...io })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'More than 0 resources with PENDING or IN_PROGRESS status.',
    });
    const { solutionArn } = await c.send(
      new CreateSolutionCommand({
        name: 'seg',
        datasetGroupArn: arns.datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-item-affinity',
      }),
    );
    const { solutionVersionArn } = await c.send(new CreateSolutionVersionCommand({ solutionArn }));
    await h.emulator.idle();
    await expect(
      c.send(new CreateBatchSegmentJobCommand({ jobName: 's', solutionVersionArn, ...io })),
    ).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
  });
});

describe('cascades', () => {
  it('deletes a solution with its versions', async () => {
    const arns = await graph();
    await h.client.send(new DeleteCampaignCommand({ campaignArn: arns.campaignArn }));
    await h.client.send(new DeleteSolutionCommand({ solutionArn: arns.solutionArn }));
    await expect(
      h.client.send(new GetSolutionMetricsCommand({ solutionVersionArn: arns.solutionVersionArn })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
