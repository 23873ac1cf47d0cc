import { CreateDatasetGroupCommand, DescribeDatasetGroupCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  DATASET_GROUP_ARN,
  ensureContext,
  invalidInput,
  notFound,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const KMS_KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd';
const serviceConfig = { name: 'shop', domain: 'ECOMMERCE' as const, tags: TAGS, futureOption: 'on' };
const desired: ResourceDesired = { kind: 'datasetGroup', serviceConfig };
const existing = (fields: Record<string, unknown>) =>
  personalize.on(DescribeDatasetGroupCommand).resolves({ datasetGroup: { domain: 'ECOMMERCE', ...fields } });

describe('datasetGroup driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeDatasetGroupCommand).rejects(notFound());
    personalize.on(CreateDatasetGroupCommand).resolves({ datasetGroupArn: DATASET_GROUP_ARN });
  });

  it('creates a missing dataset group with every field of the file, tags included', async () => {
    const withKey: ResourceDesired = { kind: 'datasetGroup', serviceConfig: { ...serviceConfig, kmsKeyArn: KMS_KEY } };
    expect(await ensureStep(withKey, ensureContext())).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: DATASET_GROUP_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeDatasetGroupCommand, { datasetGroupArn: DATASET_GROUP_ARN });
    expect(sent(CreateDatasetGroupCommand)).toEqual([
      { name: 'shop', domain: 'ECOMMERCE', kmsKeyArn: KMS_KEY, tags: TAGS, futureOption: 'on' },
    ]);
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext())).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: DATASET_GROUP_ARN,
    });
    expect(personalize).not.toHaveReceivedCommand(CreateDatasetGroupCommand);
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext())).toEqual({ type: 'done', arn: DATASET_GROUP_ARN });
  });

  it('fails with Personalize’s failureReason', async () => {
    existing({ status: 'CREATE FAILED', failureReason: 'KMS key is not accessible' });
    expect(await ensureStep(desired, ensureContext())).toEqual({
      type: 'failed',
      arn: DATASET_GROUP_ARN,
      reason: `dataset group ${DATASET_GROUP_ARN} is CREATE FAILED: KMS key is not accessible`,
    });
  });

  it('fails on drift, naming the field, the expected and the actual value', async () => {
    existing({ status: 'ACTIVE', domain: 'VIDEO_ON_DEMAND' });
    expect(await ensureStep(desired, ensureContext())).toEqual({
      type: 'failed',
      arn: DATASET_GROUP_ARN,
      reason: `dataset group ${DATASET_GROUP_ARN} differs from the parameter file: domain: expected "ECOMMERCE", found "VIDEO_ON_DEMAND"`,
    });
  });

  it('fails with Personalize’s message when the create is rejected as invalid', async () => {
    personalize.on(CreateDatasetGroupCommand).rejects(invalidInput('roleArn is required with kmsKeyArn'));
    expect(await ensureStep(desired, ensureContext())).toEqual({
      type: 'failed',
      reason: 'dataset group shop: roleArn is required with kmsKeyArn',
    });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeDatasetGroupCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext())).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
