import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
} from '@aws-sdk/client-personalize';
import {
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
  PersonalizeRuntimeClient,
} from '@aws-sdk/client-personalize-runtime';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PersonalizeHarness, startPersonalize, TEST_CREDENTIALS } from '../../support/personalize.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

/**
 * Real models end to end, through the SDK clients: the shipped example data is
 * imported, solutions train, campaigns answer GetRecommendations (with filters)
 * and GetPersonalizedRanking, and batch jobs write their output to S3.
 */

const example = (name: string) => fileURLToPath(new URL(`../../../examples/retail-data/${name}`, import.meta.url));
let s3: S3Harness;
let h: PersonalizeHarness;
let runtime: PersonalizeRuntimeClient;
const arns: Record<string, string> = {};
const role = 'arn:aws:iam::000000000000:role/personalize';
const config = JSON.parse(await readFile(example('config.json'), 'utf8'));

async function versionOf(name: string, recipe: string): Promise<string> {
  const { solutionArn } = await h.client.send(
    new CreateSolutionCommand({
      name,
      datasetGroupArn: arns.group,
      recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
    }),
  );
  const { solutionVersionArn } = await h.client.send(new CreateSolutionVersionCommand({ solutionArn }));
  return solutionVersionArn as string;
}

beforeAll(async () => {
  s3 = await startS3();
  for (const kind of ['interactions', 'items', 'users'])
    await s3.put(`train/retail/${kind}.csv`, await readFile(example(`${kind}.csv`)));
  await s3.put('batch/retail/up/job_config.json', '{"userId":"u1"}\n{"userId":"u2","filterValues":{}}\nnot json\n');
  await s3.put(
    'batch/retail/segments/job_config.json',
    '{"itemId":"i1"}\n{"itemAttributes":"ITEMS.CATEGORY = \\"electronics\\""}\n',
  );
  h = await startPersonalize({ s3: () => s3.client });
  const c = h.client;
  arns.group = (await c.send(new CreateDatasetGroupCommand({ name: 'retail' }))).datasetGroupArn as string;
  for (const [kind, type] of [
    ['interactions', 'Interactions'],
    ['items', 'Items'],
    ['users', 'Users'],
  ] as const) {
    const schema = JSON.stringify(config.datasets[kind].schema.serviceConfig.schema);
    const { schemaArn } = await c.send(new CreateSchemaCommand({ name: `retail-${kind}`, schema }));
    const { datasetArn } = await c.send(
      new CreateDatasetCommand({ name: `retail-${kind}`, datasetGroupArn: arns.group, datasetType: type, schemaArn }),
    );
    const { datasetImportJobArn } = await c.send(
      new CreateDatasetImportJobCommand({
        jobName: `retail-${kind}`,
        datasetArn,
        dataSource: { dataLocation: `s3://data/train/retail/${kind}.csv` },
        roleArn: role,
      }),
    );
    await h.emulator.idle();
    expect((await c.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }))).datasetImportJob?.status).toBe(
      'ACTIVE',
    );
  }
  for (const filter of config.filters) {
    const name = filter.serviceConfig.name.replace('retail-data', 'retail');
    arns[name] = (
      await c.send(
        new CreateFilterCommand({
          name,
          datasetGroupArn: arns.group,
          filterExpression: filter.serviceConfig.filterExpression,
        }),
      )
    ).filterArn as string;
  }
  arns.up = await versionOf('up', 'aws-user-personalization');
  arns.sims = await versionOf('sims', 'aws-sims');
  arns.popular = await versionOf('popular', 'aws-popularity-count');
  arns.ranking = await versionOf('ranking', 'aws-personalized-ranking');
  arns.affinity = await versionOf('affinity', 'aws-item-attribute-affinity');
  await h.emulator.idle();
  for (const name of ['up', 'sims', 'ranking']) {
    arns[`${name}Campaign`] = (
      await c.send(new CreateCampaignCommand({ name: `${name}-campaign`, solutionVersionArn: arns[name] }))
    ).campaignArn as string;
  }
  runtime = new PersonalizeRuntimeClient({
    endpoint: h.server.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });
}, 120_000);

afterAll(async () => {
  runtime?.destroy();
  await h?.dispose();
  await s3?.stop();
});

describe('training', () => {
  it('trains every solution and reports offline metrics by Personalize’s protocol', async () => {
    for (const name of ['up', 'sims', 'popular', 'ranking', 'affinity']) {
      const version = await h.client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arns[name] }));
      expect(version.solutionVersion?.status, `${name}: ${version.solutionVersion?.failureReason}`).toBe('ACTIVE');
    }
    const up = (await h.client.send(new GetSolutionMetricsCommand({ solutionVersionArn: arns.up }))).metrics ?? {};
    const popular =
      (await h.client.send(new GetSolutionMetricsCommand({ solutionVersionArn: arns.popular }))).metrics ?? {};
    expect(Object.keys(up).sort()).toEqual([
      'coverage',
      'mean_reciprocal_rank_at_25',
      'normalized_discounted_cumulative_gain_at_10',
      'normalized_discounted_cumulative_gain_at_25',
      'normalized_discounted_cumulative_gain_at_5',
      'precision_at_10',
      'precision_at_25',
      'precision_at_5',
    ]);
    expect(up.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(
      popular.normalized_discounted_cumulative_gain_at_10 as number,
    );
  });
});

describe('the runtime API', () => {
  it('recommends items for a user, with scores', async () => {
    const result = await runtime.send(
      new GetRecommendationsCommand({ campaignArn: arns.upCampaign, userId: 'u1', numResults: 10 }),
    );
    expect(result.itemList).toHaveLength(10);
    expect(result.itemList?.every((i) => typeof i.score === 'number')).toBe(true);
    expect(result.recommendationId).toMatch(/^RID-/);
  });

  it('applies a filter with parameters', async () => {
    const result = await runtime.send(
      new GetRecommendationsCommand({
        campaignArn: arns.upCampaign,
        userId: 'u1',
        numResults: 10,
        filterArn: arns['retail-in-category'],
        filterValues: { CATEGORY: '"books"' },
      }),
    );
    const items = new Map(
      (await readFile(example('items.csv'), 'utf8'))
        .split('\n')
        .slice(1)
        .map((l) => l.split(',') as [string, string]),
    );
    expect(result.itemList?.length).toBeGreaterThan(0);
    expect(result.itemList?.every((i) => items.get(i.itemId as string) === 'books')).toBe(true);
  });

  it('answers related items for sims without scores, and ranks a list', async () => {
    const related = await runtime.send(
      new GetRecommendationsCommand({ campaignArn: arns.simsCampaign, itemId: 'i1', numResults: 5 }),
    );
    expect(related.itemList).toHaveLength(5);
    expect(related.itemList?.every((i) => i.score === undefined)).toBe(true);
    const ranked = await runtime.send(
      new GetPersonalizedRankingCommand({
        campaignArn: arns.rankingCampaign,
        userId: 'u1',
        inputList: ['i1', 'i2', 'i3'],
      }),
    );
    expect(ranked.personalizedRanking?.map((i) => i.itemId).sort()).toEqual(['i1', 'i2', 'i3']);
  });

  it('refuses what Personalize refuses', async () => {
    await expect(
      runtime.send(new GetRecommendationsCommand({ campaignArn: arns.simsCampaign, userId: 'u1' })),
    ).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: 'aws-sims needs an itemId',
    });
    await expect(
      runtime.send(
        new GetRecommendationsCommand({
          campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/none',
          userId: 'u1',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('batch jobs', () => {
  it('writes one .out per input file and a _CHECK marker, with per-line errors', async () => {
    const { batchInferenceJobArn } = await h.client.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'up-nightly',
        solutionVersionArn: arns.up,
        numResults: 5,
        roleArn: role,
        jobInput: { s3DataSource: { path: 's3://data/batch/retail/up/job_config.json' } },
        jobOutput: { s3DataDestination: { path: 's3://data/batch/retail/up/up-nightly/' } },
      }),
    );
    await h.emulator.idle();
    expect(
      (await h.client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn }))).batchInferenceJob?.status,
    ).toBe('ACTIVE');
    const out = await s3.client.send(
      new GetObjectCommand({ Bucket: 'data', Key: 'batch/retail/up/up-nightly/job_config.json.out' }),
    );
    const lines = ((await out.Body?.transformToString()) ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ input: { userId: 'u1' }, error: null });
    expect(lines[0].output.recommendedItems).toHaveLength(5);
    expect(lines[0].output.scores).toHaveLength(5);
    expect(lines[2]).toMatchObject({ output: null, error: expect.stringContaining('JSON') });
    await s3.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'batch/retail/up/up-nightly/_CHECK' }));
  });

  it('writes user segments for items and attribute expressions', async () => {
    const { batchSegmentJobArn } = await h.client.send(
      new CreateBatchSegmentJobCommand({
        jobName: 'segments',
        solutionVersionArn: arns.affinity,
        numResults: 10,
        roleArn: role,
        jobInput: { s3DataSource: { path: 's3://data/batch/retail/segments/job_config.json' } },
        jobOutput: { s3DataDestination: { path: 's3://data/batch/retail/segments/out/' } },
      }),
    );
    await h.emulator.idle();
    const job = (await h.client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn }))).batchSegmentJob;
    expect(job?.status, job?.failureReason).toBe('ACTIVE');
    const out = await s3.client.send(
      new GetObjectCommand({ Bucket: 'data', Key: 'batch/retail/segments/out/job_config.json.out' }),
    );
    const lines = ((await out.Body?.transformToString()) ?? '')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.output.recommendedUsers.length)).toEqual([10, 10]);
  });
});
