import { CreateSchemaCommand, DescribeSchemaCommand } from '@aws-sdk/client-personalize';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResourceDesired } from '../../../shared/resources/desired.js';
import { ensureStep } from '../../../shared/resources/ensure.js';
import { arnOf, ensureContext, invalidInput, notFound, personalize, sent, throttling } from './factories.js';

const SCHEMA_ARN = arnOf('schema', 'shop-interactions');
const avro = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
  ],
  version: '1.0',
};
const schemaStep = (schema: unknown, domain?: string): ResourceDesired => ({
  kind: 'schema',
  serviceConfig: { name: 'shop-interactions', schema, ...(domain ? { domain } : {}) },
});
const existing = (schema: string, domain?: 'ECOMMERCE') =>
  personalize.on(DescribeSchemaCommand).resolves({ schema: { schemaArn: SCHEMA_ARN, schema, domain } });

describe('schema driver', () => {
  beforeEach(() => {
    personalize.reset();
    personalize.on(DescribeSchemaCommand).rejects(notFound());
    personalize.on(CreateSchemaCommand).resolves({ schemaArn: SCHEMA_ARN });
  });

  it('creates a missing schema, sending an Avro object as the JSON text the API takes', async () => {
    expect(await ensureStep(schemaStep(avro, 'ECOMMERCE'), ensureContext())).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      created: true,
      arn: SCHEMA_ARN,
    });
    expect(personalize).toHaveReceivedCommandWith(DescribeSchemaCommand, { schemaArn: SCHEMA_ARN });
    expect(sent(CreateSchemaCommand)).toEqual([
      { name: 'shop-interactions', schema: JSON.stringify(avro), domain: 'ECOMMERCE' },
    ]);
  });

  it('sends a schema given as JSON text unchanged, with any other field of the file', async () => {
    const text = JSON.stringify(avro, null, 2);
    const serviceConfig = { name: 'shop-interactions', schema: text, futureOption: 'on' };
    await ensureStep({ kind: 'schema', serviceConfig }, ensureContext());
    expect(sent(CreateSchemaCommand)).toEqual([{ name: 'shop-interactions', schema: text, futureOption: 'on' }]);
  });

  it('is done as soon as it exists (schemas have no status)', async () => {
    existing(JSON.stringify(avro));
    expect(await ensureStep(schemaStep(avro), ensureContext())).toEqual({ type: 'done', arn: SCHEMA_ARN });
    expect(personalize).not.toHaveReceivedCommand(CreateSchemaCommand);
  });

  it('compares the schema as JSON, ignoring whitespace and key order', async () => {
    const reordered = {
      version: '1.0',
      fields: avro.fields,
      namespace: avro.namespace,
      name: avro.name,
      type: 'record',
    };
    existing(JSON.stringify(reordered, null, 4));
    expect(await ensureStep(schemaStep(JSON.stringify(avro)), ensureContext())).toEqual({
      type: 'done',
      arn: SCHEMA_ARN,
    });
  });

  it('fails on a changed schema, naming the expected and the actual one', async () => {
    const actual = { ...avro, fields: avro.fields.slice(0, 2) };
    existing(JSON.stringify(actual));
    expect(await ensureStep(schemaStep(avro), ensureContext())).toEqual({
      type: 'failed',
      arn: SCHEMA_ARN,
      reason: `schema ${SCHEMA_ARN} differs from the parameter file: schema: expected ${JSON.stringify(avro)}, found ${JSON.stringify(actual)}`,
    });
  });

  it('fails on a changed domain', async () => {
    existing(JSON.stringify(avro));
    expect(await ensureStep(schemaStep(avro, 'ECOMMERCE'), ensureContext())).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining('domain: expected "ECOMMERCE", found undefined'),
    });
  });

  it('fails with Personalize’s message when the schema is rejected as invalid', async () => {
    personalize.on(CreateSchemaCommand).rejects(invalidInput('Invalid schema: TIMESTAMP must be a long'));
    expect(await ensureStep(schemaStep(avro), ensureContext())).toEqual({
      type: 'failed',
      reason: 'schema shop-interactions: Invalid schema: TIMESTAMP must be a long',
    });
  });

  it('waits when throttled', async () => {
    personalize.on(DescribeSchemaCommand).rejects(throttling());
    expect(await ensureStep(schemaStep(avro), ensureContext())).toEqual({ type: 'pending', status: 'THROTTLED' });
  });
});
