import { CreateFilterCommand, DescribeFilterCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import { arnOf, DATASET_GROUP_ARN, ensureContext, notFound, personalize, sent, TAGS, throttling } from './factories.js';

const FILTER_ARN = arnOf('filter', 'unseen');
const EXPRESSION = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';
const desired: ResourceDesired = {
  kind: 'filter',
  serviceConfig: { name: 'unseen', filterExpression: EXPRESSION, tags: TAGS },
};
const inputs = { datasetGroup: DATASET_GROUP_ARN, 'dataset:interactions': arnOf('dataset', 'shop/INTERACTIONS') };
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeFilterCommand).resolves({
    filter: { filterArn: FILTER_ARN, datasetGroupArn: DATASET_GROUP_ARN, filterExpression: EXPRESSION, ...fields },
  });

describe('filter driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeFilterCommand).rejects(notFound());
    personalize.on(CreateFilterCommand).resolves({ filterArn: FILTER_ARN });
  });

  it('creates a missing filter in the dataset group it was given', async () => {
    const serviceConfig = { name: 'unseen', filterExpression: EXPRESSION, tags: TAGS, futureOption: 'on' };
    expect(await ensureStep({ kind: 'filter', serviceConfig }, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: FILTER_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeFilterCommand, { filterArn: FILTER_ARN });
    expect(sent(CreateFilterCommand)).toEqual([
      {
        name: 'unseen',
        filterExpression: EXPRESSION,
        tags: TAGS,
        futureOption: 'on',
        datasetGroupArn: DATASET_GROUP_ARN,
      },
    ]);
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE PENDING' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: FILTER_ARN,
    });
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: FILTER_ARN });
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'Invalid filter expression: unknown field GENRE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: FILTER_ARN,
      reason: `filter ${FILTER_ARN} is CREATE FAILED: Invalid filter expression: unknown field GENRE`,
    });
  });

  it('fails on a changed expression, naming the expected and the actual one', async () => {
    existing({ status: 'ACTIVE', filterExpression: 'EXCLUDE ItemID WHERE Items.GENRE IN ("horror")' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: FILTER_ARN,
      reason: `filter ${FILTER_ARN} differs from the parameter file: filterExpression: expected ${JSON.stringify(EXPRESSION)}, found "EXCLUDE ItemID WHERE Items.GENRE IN (\\"horror\\")"`,
    });
  });

  it('refuses a same-named filter of another dataset group', async () => {
    existing({ status: 'ACTIVE', datasetGroupArn: arnOf('dataset-group', 'other') });
    expect(await ensureStep(desired, ensureContext(inputs))).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining(`already exists in another dataset group (${arnOf('dataset-group', 'other')})`),
    });
  });

  it('waits when throttled', async () => {
    personalize.on(CreateFilterCommand).rejects(throttling('TooManyRequestsException'));
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
