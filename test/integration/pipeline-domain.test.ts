import {
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../shared/config/validate.js';
import { readRun } from '../../shared/state/runs.js';
import { ecommerceUpload, POPULAR_BY_VIEWS, RECOMMENDED_FOR_YOU } from '../support/domain.js';
import { type PipelineHarness, startPipeline, uploadAll } from '../support/pipeline.js';

/**
 * The pipeline end to end for a domain (ECOMMERCE) dataset group: domain
 * schemas, data imports, and recommenders instead of solutions and campaigns,
 * ending in one notification and recommenders that serve recommendations.
 */

type Step = { kind: string; name: string; status: string; arn?: string; reason?: string };

let h: PipelineHarness;

beforeAll(async () => {
  h = await startPipeline();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('a first upload for an ECOMMERCE dataset group with two recommenders', () => {
  const group = 'pipeline-domain-ecomm';
  const upload = ecommerceUpload(group);
  let notification: Record<string, unknown> | undefined;
  let steps: Step[];
  const stepArn = (kind: string, name?: string) =>
    steps.find((s) => s.kind === kind && (name === undefined || s.name === name))?.arn as string;

  beforeAll(async () => {
    const check = validate(JSON.stringify(upload.config));
    if (!check.ok) {
      throw new Error(
        `the test's parameter file is invalid: ${check.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      );
    }
    await uploadAll(h, upload);
    notification = await h.nextNotification(60_000);
    steps = (notification?.steps ?? []) as Step[];
  }, 90_000);

  it('ends in one notification saying the run succeeded, every step SUCCEEDED', () => {
    expect(notification).toMatchObject({
      datasetGroup: group,
      status: 'UPDATE COMPLETE',
      summary: `The personalization workflow for ${group} completed successfully`,
      trigger: `upload s3://${h.bucket}/train/${group}/config.json`,
    });
    expect(steps.filter((s) => s.status !== 'SUCCEEDED')).toEqual([]);
  });

  it('plans the domain resources only: no solutions, campaigns or batch jobs', () => {
    expect([...new Set(steps.map((s) => s.kind))].sort()).toEqual(
      ['dataset', 'datasetGroup', 'datasetImportJob', 'recommender', 'schema', 'schedules'].sort(),
    );
    expect(
      steps
        .filter((s) => s.kind === 'recommender')
        .map((s) => s.name)
        .sort(),
    ).toEqual([`${group}-for-you`, `${group}-popular-views`]);
    expect(steps.filter((s) => s.kind === 'datasetImportJob')).toHaveLength(3);
  });

  it('creates an ECOMMERCE dataset group whose schemas carry the domain', async () => {
    const p = h.personalize;
    const { datasetGroup } = await p.send(
      new DescribeDatasetGroupCommand({ datasetGroupArn: stepArn('datasetGroup') }),
    );
    expect(datasetGroup).toMatchObject({ name: group, status: 'ACTIVE', domain: 'ECOMMERCE' });
    for (const step of steps.filter((s) => s.kind === 'dataset')) {
      const { dataset } = await p.send(new DescribeDatasetCommand({ datasetArn: step.arn }));
      expect(dataset?.status, step.name).toBe('ACTIVE');
      const { schema } = await p.send(new DescribeSchemaCommand({ schemaArn: dataset?.schemaArn }));
      expect(schema?.domain, step.name).toBe('ECOMMERCE');
    }
  });

  it('makes each recommender ACTIVE with its domain recipe, in the dataset group', async () => {
    for (const [name, recipeArn] of [
      [`${group}-for-you`, RECOMMENDED_FOR_YOU],
      [`${group}-popular-views`, POPULAR_BY_VIEWS],
    ] as const) {
      const { recommender } = await h.personalize.send(
        new DescribeRecommenderCommand({ recommenderArn: stepArn('recommender', name) }),
      );
      expect(recommender, name).toMatchObject({
        name,
        recipeArn,
        status: 'ACTIVE',
        datasetGroupArn: stepArn('datasetGroup'),
      });
    }
  });

  it('serves personalized recommendations for a user from recommended-for-you', async () => {
    const { itemList } = await h.runtime.send(
      new GetRecommendationsCommand({
        recommenderArn: stepArn('recommender', `${group}-for-you`),
        userId: 'u1',
        numResults: 5,
      }),
    );
    expect(itemList).toHaveLength(5);
    const catalogue = new Set(
      (upload.files[`train/${group}/items.csv`] as Buffer)
        .toString()
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]),
    );
    for (const item of itemList ?? []) expect(catalogue.has(item.itemId as string), item.itemId).toBe(true);
  });

  it('serves the same most-viewed list to everyone from popular-items-by-views', async () => {
    const recommenderArn = stepArn('recommender', `${group}-popular-views`);
    const anonymous = await h.runtime.send(new GetRecommendationsCommand({ recommenderArn, numResults: 10 }));
    const known = await h.runtime.send(new GetRecommendationsCommand({ recommenderArn, userId: 'u2', numResults: 10 }));
    expect(anonymous.itemList).toHaveLength(10);
    expect(known.itemList?.map((i) => i.itemId)).toEqual(anonymous.itemList?.map((i) => i.itemId));

    // Popularity is the number of distinct users per item (as aws-popularity-count), here of View events only:
    // the list is the ten most viewed items of the upload, ties in any order.
    const viewers = new Map<string, Set<string>>();
    for (const line of (upload.files[`train/${group}/interactions.csv`] as Buffer).toString().trim().split('\n')) {
      const [userId, itemId, , eventType] = line.split(',') as [string, string, string, string];
      if (eventType === 'View') viewers.set(itemId, (viewers.get(itemId) ?? new Set()).add(userId));
    }
    const views = new Map([...viewers].map(([itemId, users]) => [itemId, users.size]));
    const counts = (anonymous.itemList ?? []).map((i) => views.get(i.itemId as string) ?? 0);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    const tenth = [...views.values()].sort((a, b) => b - a)[9];
    expect(Math.min(...counts)).toBe(tenth);
  });

  it('records the run as SUCCEEDED with every step done and its ARN', async () => {
    const found = await readRun(h.state, notification?.runId as string);
    expect(found?.run).toMatchObject({ datasetGroup: group, status: 'SUCCEEDED' });
    expect(found?.steps.filter((s) => s.status !== 'DONE')).toEqual([]);
    for (const step of found?.steps.filter((s) => s.kind !== 'notify' && s.kind !== 'schedules') ?? [])
      expect(step.arn, step.stepId).toMatch(/^arn:aws:personalize:/);
  });
});
