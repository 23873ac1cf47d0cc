import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startBackingServices, UnsupportedAccountError } from '../../../local/services/index.js';
import { startServices } from './harness.js';

describe('starting the services', () => {
  it('writes the configured region into queue, topic and table ARNs, leaving the environment as it was', async () => {
    const environment = { region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID };
    const h = await startServices({ region: 'eu-west-1' });
    try {
      const { arn, url } = await h.services.createQueue('regional');
      const topic = await h.services.createTopic('regional');
      const { TableDescription } = await h.dynamodb.send(
        new CreateTableCommand({
          TableName: 'regional',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        }),
      );

      expect(arn).toBe('arn:aws:sqs:eu-west-1:000000000000:regional');
      expect(url).toBe(`${h.edge.endpoint}/000000000000/regional`);
      expect(topic).toBe('arn:aws:sns:eu-west-1:000000000000:regional');
      expect(TableDescription?.TableArn).toBe('arn:aws:dynamodb:eu-west-1:000000000000:table/regional');
      expect({ region: process.env.AWS_REGION, account: process.env.AWS_ACCOUNT_ID }).toEqual(environment);
    } finally {
      await h.dispose();
    }
  });

  it('refuses an account fauxqs cannot serve', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'mpx-services-account-'));
    try {
      await expect(startBackingServices({ dataDir, account: '123456789012' })).rejects.toBeInstanceOf(
        UnsupportedAccountError,
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
