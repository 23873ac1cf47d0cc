import { CreateSolutionCommand, DescribeSolutionCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  arnOf,
  DATASET_GROUP_ARN,
  ensureContext,
  limitExceeded,
  notFound,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const SOLUTION_ARN = arnOf('solution', 'up');
const RECIPE = 'arn:aws:personalize:::recipe/aws-user-personalization-v2';
const desired: ResourceDesired = { kind: 'solution', serviceConfig: { name: 'up', recipeArn: RECIPE, tags: TAGS } };
const inputs = { datasetGroup: DATASET_GROUP_ARN, 'datasetImportJob:interactions': arnOf('dataset-import-job', 'x') };
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeSolutionCommand).resolves({
    solution: { solutionArn: SOLUTION_ARN, datasetGroupArn: DATASET_GROUP_ARN, recipeArn: RECIPE, ...fields },
  });

describe('solution driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeSolutionCommand).rejects(notFound());
    personalize.on(CreateSolutionCommand).resolves({ solutionArn: SOLUTION_ARN });
  });

  it('creates a missing solution with every field of the file in the dataset group it was given', async () => {
    const serviceConfig = {
      name: 'up',
      recipeArn: RECIPE,
      performAutoTraining: false,
      solutionConfig: { eventValueThreshold: '0.5' },
      tags: TAGS,
    };
    expect(await ensureStep({ kind: 'solution', serviceConfig }, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: SOLUTION_ARN,
    });
    expect(sent(CreateSolutionCommand)).toEqual([{ ...serviceConfig, datasetGroupArn: DATASET_GROUP_ARN }]);
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: SOLUTION_ARN,
    });
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: SOLUTION_ARN });
  });

  it('fails when Personalize could not create it (solutions carry no failureReason)', async () => {
    existing({ status: 'CREATE FAILED' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: SOLUTION_ARN,
      reason: `solution ${SOLUTION_ARN} is CREATE FAILED: Personalize gave no reason`,
    });
  });

  it('fails on a changed recipe, naming the expected and the actual one', async () => {
    existing({ status: 'ACTIVE', recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: SOLUTION_ARN,
      reason: `solution ${SOLUTION_ARN} differs from the parameter file: recipeArn: expected "${RECIPE}", found "arn:aws:personalize:::recipe/aws-similar-items"`,
    });
  });

  it('waits when Personalize’s per-group cap is reached', async () => {
    personalize.on(CreateSolutionCommand).rejects(limitExceeded());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeSolutionCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
