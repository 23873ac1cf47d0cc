import * as sdk from '@aws-sdk/client-personalize';
import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeAlgorithmCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecipeCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  ListDatasetGroupsCommand,
  ListRecipesCommand,
  ListTagsForResourceCommand,
  paginateListDatasetGroups,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPES } from '../../../shared/personalize/recipes.js';
import { structureShape } from '../../../shared/personalize/sdk-shape.js';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';
import { INTERACTIONS_SCHEMA, ITEMS_SCHEMA } from './fixtures.js';

/**
 * Every Describe answer carries every field of the SDK's output shape, except
 * the ones listed here with the reason they are absent.
 */
const ABSENT: Readonly<Record<string, readonly string[]>> = {
  DatasetGroup: ['failureReason'], // only on failure
  Dataset: ['latestDatasetUpdate', 'trackingId'], // UpdateDataset not emulated; trackingId is for action interactions
  DatasetImportJob: ['failureReason'],
  Filter: ['failureReason'],
  Solution: ['autoMLResult', 'latestSolutionUpdate'], // AutoML is deprecated; UpdateSolution not emulated
  SolutionVersion: ['failureReason', 'tunedHPOParams'], // tunedHPOParams only after HPO
  Campaign: ['failureReason'],
  Recommender: ['failureReason', 'modelMetrics', 'latestRecommenderUpdate'], // metrics come with real models; no update made here
  BatchInferenceJob: ['failureReason', 'themeGenerationConfig', 'filterArn'],
  BatchSegmentJob: ['failureReason', 'filterArn'],
  Algorithm: ['roleArn'],
};

const members = (shape: string) => structureShape((sdk as unknown as Record<string, unknown>)[`${shape}$`]).members;

function expectShape(shape: string, value: object | undefined): void {
  const expected = members(shape).filter((m) => !(ABSENT[shape] ?? []).includes(m));
  expect(Object.keys(value ?? {}).sort(), shape).toEqual(expect.arrayContaining(expected));
  for (const key of Object.keys(value ?? {})) expect(members(shape), `${shape}.${key}`).toContain(key);
}

let h: PersonalizeHarness;
const arns: Record<string, string> = {};
const role = 'arn:aws:iam::000000000000:role/personalize';

beforeAll(async () => {
  h = await startPersonalize({ workers: {}, quotas: { activeDatasetGroups: 10 } });
  const send = <T>(command: T) => h.client.send(command as never) as unknown as Promise<Record<string, string>>;
  const kms = 'arn:aws:kms:us-east-1:000000000000:key/abc';
  arns.group = (
    await send(new CreateDatasetGroupCommand({ name: 'shop', roleArn: role, kmsKeyArn: kms, domain: 'ECOMMERCE' }))
  ).datasetGroupArn as string;
  arns.schema = (
    await send(new CreateSchemaCommand({ name: 'interactions', schema: INTERACTIONS_SCHEMA, domain: 'ECOMMERCE' }))
  ).schemaArn as string;
  const items = (await send(new CreateSchemaCommand({ name: 'items', schema: ITEMS_SCHEMA, domain: 'ECOMMERCE' })))
    .schemaArn;
  arns.dataset = (
    await send(
      new CreateDatasetCommand({
        name: 'interactions',
        datasetGroupArn: arns.group,
        datasetType: 'Interactions',
        schemaArn: arns.schema,
      }),
    )
  ).datasetArn as string;
  await send(
    new CreateDatasetCommand({ name: 'items', datasetGroupArn: arns.group, datasetType: 'Items', schemaArn: items }),
  );
  arns.importJob = (
    await send(
      new CreateDatasetImportJobCommand({
        jobName: 'import-1',
        datasetArn: arns.dataset,
        dataSource: { dataLocation: 's3://data/train/shop/interactions.csv' },
        roleArn: role,
      }),
    )
  ).datasetImportJobArn as string;
  arns.tracker = (await send(new CreateEventTrackerCommand({ name: 'tracker', datasetGroupArn: arns.group })))
    .eventTrackerArn as string;
  arns.filter = (
    await send(
      new CreateFilterCommand({
        name: 'f',
        datasetGroupArn: arns.group,
        filterExpression: 'INCLUDE ItemID WHERE Items.GENRE IN ($G)',
      }),
    )
  ).filterArn as string;
  arns.solution = (
    await send(
      new CreateSolutionCommand({
        name: 'up',
        datasetGroupArn: arns.group,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        eventType: 'click',
      }),
    )
  ).solutionArn as string;
  arns.version = (await send(new CreateSolutionVersionCommand({ solutionArn: arns.solution, name: 'v1' })))
    .solutionVersionArn as string;
  arns.segmentSolution = (
    await send(
      new CreateSolutionCommand({
        name: 'seg',
        datasetGroupArn: arns.group,
        recipeArn: 'arn:aws:personalize:::recipe/aws-item-affinity',
      }),
    )
  ).solutionArn as string;
  arns.segmentVersion = (await send(new CreateSolutionVersionCommand({ solutionArn: arns.segmentSolution })))
    .solutionVersionArn as string;
  await h.emulator.idle();
  arns.campaign = (
    await send(
      new CreateCampaignCommand({
        name: 'c',
        solutionVersionArn: arns.version,
        campaignConfig: { itemExplorationConfig: { explorationWeight: '0.3' } },
      }),
    )
  ).campaignArn as string;
  await send(new UpdateCampaignCommand({ campaignArn: arns.campaign, minProvisionedTPS: 2 }));
  arns.recommender = (
    await send(
      new CreateRecommenderCommand({
        name: 'r',
        datasetGroupArn: arns.group,
        recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views',
      }),
    )
  ).recommenderArn as string;
  const io = {
    jobInput: { s3DataSource: { path: 's3://data/batch/in.json' } },
    jobOutput: { s3DataDestination: { path: 's3://data/batch/out/' } },
    roleArn: role,
  };
  arns.batch = (
    await send(new CreateBatchInferenceJobCommand({ jobName: 'b', solutionVersionArn: arns.version, ...io }))
  ).batchInferenceJobArn as string;
  arns.segment = (
    await send(new CreateBatchSegmentJobCommand({ jobName: 's', solutionVersionArn: arns.segmentVersion, ...io }))
  ).batchSegmentJobArn as string;
  await h.emulator.idle();
});

afterAll(async () => {
  await h.dispose();
});

describe('Describe answers carry the SDK output shapes', () => {
  it.each([
    [
      'DatasetGroup',
      () => h.client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arns.group })).then((r) => r.datasetGroup),
    ],
    ['DatasetSchema', () => h.client.send(new DescribeSchemaCommand({ schemaArn: arns.schema })).then((r) => r.schema)],
    ['Dataset', () => h.client.send(new DescribeDatasetCommand({ datasetArn: arns.dataset })).then((r) => r.dataset)],
    [
      'DatasetImportJob',
      () =>
        h.client
          .send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arns.importJob }))
          .then((r) => r.datasetImportJob),
    ],
    [
      'EventTracker',
      () =>
        h.client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arns.tracker })).then((r) => r.eventTracker),
    ],
    ['Filter', () => h.client.send(new DescribeFilterCommand({ filterArn: arns.filter })).then((r) => r.filter)],
    [
      'Solution',
      () => h.client.send(new DescribeSolutionCommand({ solutionArn: arns.solution })).then((r) => r.solution),
    ],
    [
      'SolutionVersion',
      () =>
        h.client
          .send(new DescribeSolutionVersionCommand({ solutionVersionArn: arns.version }))
          .then((r) => r.solutionVersion),
    ],
    [
      'Campaign',
      () => h.client.send(new DescribeCampaignCommand({ campaignArn: arns.campaign })).then((r) => r.campaign),
    ],
    [
      'Recommender',
      () =>
        h.client.send(new DescribeRecommenderCommand({ recommenderArn: arns.recommender })).then((r) => r.recommender),
    ],
    [
      'BatchInferenceJob',
      () =>
        h.client
          .send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arns.batch }))
          .then((r) => r.batchInferenceJob),
    ],
    [
      'BatchSegmentJob',
      () =>
        h.client
          .send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arns.segment }))
          .then((r) => r.batchSegmentJob),
    ],
    [
      'Recipe',
      () =>
        h.client
          .send(new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }))
          .then((r) => r.recipe),
    ],
    [
      'Algorithm',
      () =>
        h.client
          .send(
            new DescribeAlgorithmCommand({ algorithmArn: 'arn:aws:personalize:::algorithm/aws-user-personalization' }),
          )
          .then((r) => r.algorithm),
    ],
  ] as const)('%s', async (shape, read) => {
    expectShape(shape, await read());
  });

  it('dates come back as Dates and ARNs in Personalize formats', async () => {
    const group = (await h.client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arns.group }))).datasetGroup;
    expect(group?.creationDateTime).toBeInstanceOf(Date);
    expect(arns).toMatchObject({
      group: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      schema: 'arn:aws:personalize:us-east-1:000000000000:schema/interactions',
      dataset: 'arn:aws:personalize:us-east-1:000000000000:dataset/shop/INTERACTIONS',
      importJob: 'arn:aws:personalize:us-east-1:000000000000:dataset-import-job/import-1',
      filter: 'arn:aws:personalize:us-east-1:000000000000:filter/f',
      solution: 'arn:aws:personalize:us-east-1:000000000000:solution/up',
      campaign: 'arn:aws:personalize:us-east-1:000000000000:campaign/c',
      recommender: 'arn:aws:personalize:us-east-1:000000000000:recommender/r',
      batch: 'arn:aws:personalize:us-east-1:000000000000:batch-inference-job/b',
      segment: 'arn:aws:personalize:us-east-1:000000000000:batch-segment-job/s',
    });
    expect(arns.version).toMatch(/^arn:aws:personalize:us-east-1:000000000000:solution\/up\/[0-9a-f]{8}$/);
  });
});

describe('lists', () => {
  it('lists every recipe of PERSONALIZE.md and filters by domain', async () => {
    const all = await h.client.send(new ListRecipesCommand({}));
    expect(all.recipes?.map((r) => r.name).sort()).toEqual(RECIPES.map((r) => r.name).sort());
    const vod = await h.client.send(new ListRecipesCommand({ domain: 'VIDEO_ON_DEMAND' }));
    expect(vod.recipes?.every((r) => r.domain === 'VIDEO_ON_DEMAND')).toBe(true);
    for (const recipe of all.recipes ?? []) expectShape('RecipeSummary', { ...recipe, domain: recipe.domain ?? '' });
  });

  it('pages with nextToken and maxResults, newest first, and works with the SDK paginator', async () => {
    for (let i = 0; i < 6; i += 1) await h.client.send(new CreateDatasetGroupCommand({ name: `page-${i}` }));
    const first = await h.client.send(new ListDatasetGroupsCommand({ maxResults: 3 }));
    expect(first.datasetGroups?.map((g) => g.name)).toEqual(['page-5', 'page-4', 'page-3']);
    const second = await h.client.send(new ListDatasetGroupsCommand({ maxResults: 3, nextToken: first.nextToken }));
    expect(second.datasetGroups?.map((g) => g.name)).toEqual(['page-2', 'page-1', 'page-0']);
    const third = await h.client.send(new ListDatasetGroupsCommand({ maxResults: 3, nextToken: second.nextToken }));
    expect(third.datasetGroups?.map((g) => g.name)).toEqual(['shop']);
    expect(third.nextToken).toBeUndefined();
    const names: string[] = [];
    for await (const page of paginateListDatasetGroups({ client: h.client, pageSize: 2 }, {})) {
      names.push(...(page.datasetGroups ?? []).map((g) => g.name as string));
    }
    expect(names).toHaveLength(7);
  });

  it('narrows lists by their parent', async () => {
    const versions = await h.client.send(new sdk.ListSolutionVersionsCommand({ solutionArn: arns.solution }));
    expect(versions.solutionVersions?.map((v) => v.solutionVersionArn)).toEqual([arns.version]);
    const campaigns = await h.client.send(new sdk.ListCampaignsCommand({ solutionArn: arns.segmentSolution }));
    expect(campaigns.campaigns).toEqual([]);
    const jobs = await h.client.send(new sdk.ListDatasetImportJobsCommand({ datasetArn: arns.dataset }));
    expect(jobs.datasetImportJobs?.map((j) => j.jobName)).toEqual(['import-1']);
    const filters = await h.client.send(new sdk.ListFiltersCommand({ datasetGroupArn: arns.group }));
    expect(filters.Filters?.map((f) => f.name)).toEqual(['f']);
    const batch = await h.client.send(new sdk.ListBatchInferenceJobsCommand({ solutionVersionArn: arns.version }));
    expect(batch.batchInferenceJobs?.map((j) => j.jobName)).toEqual(['b']);
  });
});

describe('regions', () => {
  it('keeps names, lists and quotas per region, as Personalize does', async () => {
    const europe = new sdk.PersonalizeClient({
      endpoint: h.server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    try {
      const { datasetGroupArn } = await europe.send(new CreateDatasetGroupCommand({ name: 'shop' }));
      expect(datasetGroupArn).toBe('arn:aws:personalize:eu-west-1:000000000000:dataset-group/shop');
      expect(
        (await europe.send(new ListDatasetGroupsCommand({}))).datasetGroups?.map((g) => g.datasetGroupArn),
      ).toEqual([datasetGroupArn]);
      const usEast =
        (await h.client.send(new ListDatasetGroupsCommand({}))).datasetGroups?.map((g) => g.datasetGroupArn) ?? [];
      expect(usEast).not.toContain(datasetGroupArn);
    } finally {
      europe.destroy();
    }
  });
});

describe('tags', () => {
  it('tags at creation, adds, replaces and removes tags', async () => {
    const { datasetGroupArn } = await h.client.send(
      new CreateDatasetGroupCommand({ name: 'tagged', tags: [{ tagKey: 'team', tagValue: 'recs' }] }),
    );
    await h.client.send(
      new TagResourceCommand({
        resourceArn: datasetGroupArn,
        tags: [
          { tagKey: 'team', tagValue: 'ml' },
          { tagKey: 'env', tagValue: 'dev' },
        ],
      }),
    );
    expect((await h.client.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }))).tags).toEqual([
      { tagKey: 'team', tagValue: 'ml' },
      { tagKey: 'env', tagValue: 'dev' },
    ]);
    await h.client.send(new UntagResourceCommand({ resourceArn: datasetGroupArn, tagKeys: ['team'] }));
    expect((await h.client.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }))).tags).toEqual([
      { tagKey: 'env', tagValue: 'dev' },
    ]);
  });
});
