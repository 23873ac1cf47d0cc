import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateDatasetGroupCommand, DescribeDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';
import { describedArn, errorTypeOf, operationOf, type RequestRecord } from '../../local/stats.js';

/**
 * The local cloud's request statistics (`collectStats`): requests by service
 * and operation with their error types, Personalize Describe calls by ARN,
 * DynamoDB capacity units, and the functions' invocations and billed time —
 * on the small fixture service, so it stays fast.
 */

const fixture = fileURLToPath(new URL('../fixtures/service/', import.meta.url));
let dataDir: string;
let cloud: LocalCloud;
let personalize: PersonalizeClient;
const records: RequestRecord[] = [];

async function until(done: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-stats-'));
  cloud = await startLocalCloud({ dataDir, projectDir: fixture, port: 0, profile: INSTANT, collectStats: true });
  personalize = new PersonalizeClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK retries LimitExceededException as throttling; one attempt keeps the counts exact.
    maxAttempts: 1,
  });
  cloud.onRequest((record) => records.push(record));
}, 120_000);

afterAll(async () => {
  personalize?.destroy();
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('request statistics', () => {
  it('count Personalize Describe calls by the ARN described, and errors by their type', async () => {
    cloud.resetStats();
    const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'stats-group' }));
    for (let i = 0; i < 2; i += 1) await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
    for (let i = 1; i <= 5; i += 1)
      await personalize.send(new CreateDatasetGroupCommand({ name: `stats-more-${i}` })).catch(() => undefined);

    const stats = cloud.stats();
    expect(stats.collecting).toBe(true);
    expect(stats.describes).toEqual({ [datasetGroupArn as string]: 2 });
    expect(stats.requests.personalize?.CreateDatasetGroup).toMatchObject({
      count: 6,
      errors: { LimitExceededException: 1 },
    });
    expect(records.some((r) => r.service === 'personalize' && r.operation === 'DescribeDatasetGroup')).toBe(true);
  });

  it('measure DynamoDB capacity units without changing what the client gets back', async () => {
    cloud.resetStats();
    const table = cloud.outputs.TableName as string;
    await cloud.clients.dynamodb.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'stats-1' }, pad: { S: 'x'.repeat(1500) } } }),
    );
    const plain = await cloud.clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'stats-1' } }, ConsistentRead: true }),
    );
    expect(plain.ConsumedCapacity).toBeUndefined();
    expect(plain.Item?.pk?.S).toBe('stats-1');
    const asked = await cloud.clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'stats-1' } }, ReturnConsumedCapacity: 'TOTAL' }),
    );
    expect(asked.ConsumedCapacity?.CapacityUnits).toBe(0.5);
    await expect(
      cloud.clients.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: { pk: { S: 'stats-1' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toThrow();

    const { dynamodbCapacity, requests } = cloud.stats();
    // A 1.5 KB item: 2 write units; a consistent read of it: 1 unit, an eventually consistent one 0.5; a refused write: 1.
    expect(dynamodbCapacity.PutItem).toEqual({ readUnits: 0, writeUnits: 3, requests: 2 });
    expect(dynamodbCapacity.GetItem).toEqual({ readUnits: 1.5, writeUnits: 0, requests: 2 });
    expect(requests.dynamodb?.PutItem?.errors).toEqual({ ConditionalCheckFailedException: 1 });
  });

  it('count function invocations, billed time and the pollers’ receives', async () => {
    cloud.resetStats();
    await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: cloud.outputs.WorkQueueUrl, MessageBody: JSON.stringify({ id: 'stats' }) }),
    );
    const worker = () => Object.entries(cloud.stats().functions).find(([name]) => name.includes('worker'))?.[1];
    await until(async () => (worker()?.invocations ?? 0) > 0);
    const stats = cloud.stats();
    expect(worker()).toMatchObject({ invocations: 1, memoryMb: expect.any(Number) });
    expect(worker()?.billedMs).toBeGreaterThan(0);
    const work = Object.entries(stats.pollers).find(([queue]) => queue.endsWith('-work'))?.[1];
    expect(work?.batches).toBe(1);
    expect(work?.receives).toBeGreaterThanOrEqual(1);
    expect(stats.requests.sqs?.SendMessage?.count).toBe(1);

    cloud.resetStats();
    expect(cloud.stats().requests).toEqual({});
    expect(worker()?.invocations).toBe(0);
  });
});

describe('without collectStats', () => {
  it('counts no requests, and reads nothing differently', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mpx-stats-off-'));
    const quiet = await startLocalCloud({ dataDir: dir, projectDir: false, port: 0, profile: INSTANT });
    try {
      const client = new PersonalizeClient({
        endpoint: quiet.endpoint,
        region: quiet.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await client.send(new CreateDatasetGroupCommand({ name: 'quiet' }));
      client.destroy();
      expect(quiet.stats()).toMatchObject({ collecting: false, requests: {}, describes: {} });
    } finally {
      await quiet.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the pieces', () => {
  const request = (headers: Record<string, string>, method = 'POST', url = '/') =>
    ({ headers, method, url }) as unknown as IncomingMessage;

  it('name operations by X-Amz-Target, S3 by bucket or object, other REST calls by their first path segment', () => {
    expect(operationOf(request({ 'x-amz-target': 'AmazonSQS.SendMessageBatch' }), 'sqs')).toBe('SendMessageBatch');
    expect(operationOf(request({}, 'PUT', '/bucket/train/g/config.json'), 's3')).toBe('PUT object');
    expect(operationOf(request({}, 'GET', '/bucket?list-type=2'), 's3')).toBe('GET bucket');
    expect(operationOf(request({}, 'POST', '/schedules/a-b'), 'scheduler')).toBe('POST /schedules');
  });

  it('tell an error answer’s type by its header, its JSON __type or its XML Code', () => {
    expect(errorTypeOf(400, 'LimitExceededException', '')).toBe('LimitExceededException');
    expect(
      errorTypeOf(400, undefined, '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"}'),
    ).toBe('ConditionalCheckFailedException');
    expect(errorTypeOf(404, undefined, '<Error><Code>NoSuchKey</Code></Error>')).toBe('NoSuchKey');
    expect(errorTypeOf(500, undefined, '')).toBe('HTTP 500');
    expect(errorTypeOf(200, 'X', '')).toBeUndefined();
  });

  it('find the ARN a Describe call names', () => {
    expect(describedArn('DescribeSolutionVersion', { solutionVersionArn: 'arn:x' })).toBe('arn:x');
    expect(describedArn('ListSolutionVersions', { solutionArn: 'arn:x' })).toBeUndefined();
    expect(describedArn('DescribeRecipe', {})).toBeUndefined();
  });
});
