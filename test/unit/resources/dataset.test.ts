import { CreateDatasetCommand, DescribeDatasetCommand, ListDatasetsCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import {
  alreadyExists,
  arnOf,
  DATASET_GROUP_ARN,
  ensureContext,
  invalidInput,
  personalize,
  sent,
  TAGS,
  throttling,
} from './factories.js';

const DATASET_ARN = arnOf('dataset', 'shop/INTERACTIONS');
const SCHEMA_ARN = arnOf('schema', 'shop-interactions');
const inputs = { datasetGroup: DATASET_GROUP_ARN, 'schema:interactions': SCHEMA_ARN };
const desired: ResourceDesired = {
  kind: 'dataset',
  datasetType: 'interactions',
  serviceConfig: { name: 'shop-interactions', tags: TAGS },
};
const listed = (datasetType: string, datasetArn: string) => ({ datasetType, datasetArn });
const existing = (fields: Record<string, unknown>) => {
  personalize.on(ListDatasetsCommand).resolves({ datasets: [listed('INTERACTIONS', DATASET_ARN)] });
  personalize.on(DescribeDatasetCommand, { datasetArn: DATASET_ARN }).resolves({
    dataset: { datasetArn: DATASET_ARN, name: 'shop-interactions', schemaArn: SCHEMA_ARN, ...fields },
  });
};

describe('dataset driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(ListDatasetsCommand).resolves({ datasets: [] });
    personalize.on(CreateDatasetCommand).resolves({ datasetArn: DATASET_ARN });
  });

  it('creates the group’s missing dataset of its type with the schema it was given', async () => {
    const serviceConfig = { name: 'shop-interactions', tags: TAGS, futureOption: 'on' };
    const step: ResourceDesired = { kind: 'dataset', datasetType: 'interactions', serviceConfig };
    expect(await ensureStep(step, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: DATASET_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(ListDatasetsCommand, { datasetGroupArn: DATASET_GROUP_ARN });
    expect(sent(CreateDatasetCommand)).toEqual([
      {
        name: 'shop-interactions',
        tags: TAGS,
        futureOption: 'on',
        datasetType: 'interactions',
        datasetGroupArn: DATASET_GROUP_ARN,
        schemaArn: SCHEMA_ARN,
      },
    ]);
  });

  it('finds the dataset by type in any case, on any page of the listing', async () => {
    personalize
      .on(ListDatasetsCommand)
      .resolvesOnce({ datasets: [listed('ITEMS', arnOf('dataset', 'shop/ITEMS'))], nextToken: 'page-2' })
      .resolvesOnce({ datasets: [listed('Interactions', DATASET_ARN)] });
    personalize.on(DescribeDatasetCommand, { datasetArn: DATASET_ARN }).resolves({
      dataset: { name: 'shop-interactions', schemaArn: SCHEMA_ARN, status: 'ACTIVE' },
    });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: DATASET_ARN });
    expect(personalize).not.toHaveReceivedCommand(CreateDatasetCommand);
  });

  it('waits while Personalize creates it', async () => {
    existing({ status: 'CREATE IN_PROGRESS' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'pending',
      status: 'CREATE IN_PROGRESS',
      arn: DATASET_ARN,
    });
  });

  it('is done when ACTIVE', async () => {
    existing({ status: 'ACTIVE' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'done', arn: DATASET_ARN });
  });

  it('fails when Personalize could not create it (datasets carry no failureReason)', async () => {
    existing({ status: 'CREATE FAILED' });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: DATASET_ARN,
      reason: `dataset ${DATASET_ARN} is CREATE FAILED: Personalize gave no reason`,
    });
  });

  it('fails when the group’s dataset of that type has another name or schema', async () => {
    existing({ status: 'ACTIVE', name: 'legacy', schemaArn: arnOf('schema', 'legacy') });
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      arn: DATASET_ARN,
      reason: `dataset ${DATASET_ARN} differs from the parameter file: name: expected "shop-interactions", found "legacy"; schemaArn: expected "${SCHEMA_ARN}", found "${arnOf('schema', 'legacy')}"`,
    });
  });

  it('waits for the dataset another delivery created', async () => {
    personalize.on(CreateDatasetCommand).rejects(alreadyExists());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'CREATE PENDING' });
  });

  it('fails with Personalize’s message when the schema does not fit the type', async () => {
    personalize.on(CreateDatasetCommand).rejects(invalidInput('The schema cannot be used for an Interactions dataset'));
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({
      type: 'failed',
      reason: 'dataset shop-interactions: The schema cannot be used for an Interactions dataset',
    });
  });

  it('waits when throttled', async () => {
    personalize.on(ListDatasetsCommand).rejects(throttling());
    expect(await ensureStep(desired, ensureContext(inputs))).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
