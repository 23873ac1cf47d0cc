import {
  CreateRecommenderCommand,
  DescribeRecommenderCommand,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  arnOf,
  DATASET_GROUP_ARN,
  ensureContext,
  inUse,
  limitExceeded,
  notFound,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const RECOMMENDER_ARN = arnOf('recommender', 'for-you');
const RECIPE = 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you';
const inputs = { datasetGroup: DATASET_GROUP_ARN };
const recommenderConfig = { minRecommendationRequestsPerSecond: 5 };
const desired: ResourceDesired = {
  kind: 'recommender',
  serviceConfig: { name: 'for-you', recipeArn: RECIPE, recommenderConfig, tags: TAGS },
};
/** An ACTIVE recommender with the desired settings (and the defaults Personalize adds), plus `fields`. */
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeRecommenderCommand).resolves({
    recommender: {
      recommenderArn: RECOMMENDER_ARN,
      datasetGroupArn: DATASET_GROUP_ARN,
      recipeArn: RECIPE,
      status: 'ACTIVE',
      recommenderConfig: { minRecommendationRequestsPerSecond: 5, enableMetadataWithRecommendations: false },
      ...fields,
    },
  });

describe('recommender driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeRecommenderCommand).rejects(notFound());
    personalize.on(CreateRecommenderCommand).resolves({ recommenderArn: RECOMMENDER_ARN });
    personalize.on(UpdateRecommenderCommand).resolves({ recommenderArn: RECOMMENDER_ARN });
  });

  it('creates a missing recommender in the dataset group it was given, with every field of the file', async () => {
    const serviceConfig = {
      name: 'for-you',
      recipeArn: RECIPE,
      recommenderConfig: { ...recommenderConfig, trainingDataConfig: { excludedDatasetColumns: { ITEMS: ['PRICE'] } } },
      tags: TAGS,
      futureOption: 'on',
    };
    expect(await ensureStep({ kind: 'recommender', serviceConfig }, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: RECOMMENDER_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeRecommenderCommand, { recommenderArn: RECOMMENDER_ARN });
    expect(sent(CreateRecommenderCommand)).toEqual([{ ...serviceConfig, datasetGroupArn: DATASET_GROUP_ARN }]);
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: RECOMMENDER_ARN,
    });
  });

  it('is done when ACTIVE with what the file sets', async () => {
    existing({});
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: RECOMMENDER_ARN });
    expect(personalize).not.toHaveReceivedCommand(UpdateRecommenderCommand);
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Not enough interactions for the recipe' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: RECOMMENDER_ARN,
      reason: `recommender ${RECOMMENDER_ARN} is CREATE FAILED: Not enough interactions for the recipe`,
    });
  });

  it('fails on a changed recipe, which cannot be updated', async () => {
    existing({ recipeArn: 'arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: RECOMMENDER_ARN,
      reason: `recommender ${RECOMMENDER_ARN} differs from the parameter file: recipeArn: expected "${RECIPE}", found "arn:aws:personalize:::recipe/aws-ecomm-popular-items-by-views"`,
    });
    expect(personalize).not.toHaveReceivedCommand(UpdateRecommenderCommand);
  });

  it('refuses a same-named recommender of another dataset group', async () => {
    existing({ datasetGroupArn: arnOf('dataset-group', 'other') });
    expect(await ensureStep(desired, ensureContext(inputs))).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining('already exists in another dataset group'),
    });
  });

  it('updates a changed recommenderConfig in place', async () => {
    existing({ recommenderConfig: { minRecommendationRequestsPerSecond: 1 } });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE PENDING',
      created: true,
      arn: RECOMMENDER_ARN,
    });
    expect(sent(UpdateRecommenderCommand)).toEqual([{ recommenderArn: RECOMMENDER_ARN, recommenderConfig }]);
  });

  it('waits while an update runs', async () => {
    existing({ latestRecommenderUpdate: { recommenderConfig, status: 'CREATE PENDING' } });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE IN_PROGRESS',
      arn: RECOMMENDER_ARN,
    });
  });

  it('fails with the update’s failureReason when the latest update failed', async () => {
    existing({
      recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
      latestRecommenderUpdate: { recommenderConfig, status: 'CREATE FAILED', failureReason: 'Capacity unavailable' },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: RECOMMENDER_ARN,
      reason: `recommender update of ${RECOMMENDER_ARN} is CREATE FAILED: Capacity unavailable`,
    });
  });

  it('waits for the update another delivery started', async () => {
    existing({ recommenderConfig: { minRecommendationRequestsPerSecond: 1 } });
    personalize.on(UpdateRecommenderCommand).rejects(inUse());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'UPDATE IN_PROGRESS',
      arn: RECOMMENDER_ARN,
    });
  });

  it('waits when Personalize’s cap on recommenders is reached', async () => {
    personalize.on(CreateRecommenderCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeRecommenderCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
