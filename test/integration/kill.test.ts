import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateDatasetGroupCommand, DescribeDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand, GetScheduleGroupCommand } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EdgeClients, edgeClients, LOCAL_CREDENTIALS } from '../../local/cloud/clients.js';

/** `mpx local up` killed with SIGKILL and started again on the same data directory loses nothing it acknowledged. */

const bin = fileURLToPath(new URL('../../bin/mpx.js', import.meta.url));
let dataDir: string;

async function up(): Promise<{ child: ChildProcess; endpoint: string; outputs: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    [bin, 'local', 'up', '--port', '0', '--data-dir', dataDir, '--stage', 'kill', '--profile', 'instant'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.resume();
  const outputs: Record<string, string> = {};
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      for (const line of text.split('\n')) {
        const [key, ...rest] = line.split('=');
        if (key && rest.length > 0 && /^[A-Za-z]+$/.test(key)) outputs[key] = rest.join('=');
      }
      const match = /AWS_ENDPOINT_URL=(\S+)/.exec(text);
      if (match && text.includes('UploadsQueueUrl=')) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`mpx local up exited with ${code}`)));
  });
  return { child, endpoint, outputs };
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-kill-cloud-'));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('kill -9 of the local cloud', () => {
  it('keeps objects, queued messages, items, Personalize resources and schedule groups', {
    timeout: 120_000,
  }, async () => {
    const first = await up();
    let c: EdgeClients = edgeClients(first.endpoint, 'us-east-1');
    let personalize = new PersonalizeClient({
      endpoint: first.endpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
    const bucket = first.outputs.PersonalizeBucketName as string;
    await c.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'batch/g/s/job_config.json', Body: '{"userId":"u1"}' }),
    );
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: 'survivor' }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'still here' }));
    await c.dynamodb.send(
      new CreateTableCommand({
        TableName: 'survivors',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await c.dynamodb.send(new PutItemCommand({ TableName: 'survivors', Item: { pk: { S: 'one' } } }));
    const { datasetGroupArn } = await personalize.send(new CreateDatasetGroupCommand({ name: 'survivor' }));
    await c.scheduler.send(new CreateScheduleGroupCommand({ Name: 'survivors' }));
    await kill(first.child);
    c.destroy();
    personalize.destroy();

    const second = await up();
    try {
      c = edgeClients(second.endpoint, 'us-east-1');
      personalize = new PersonalizeClient({
        endpoint: second.endpoint,
        region: 'us-east-1',
        credentials: LOCAL_CREDENTIALS,
      });
      const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'batch/g/s/job_config.json' }));
      expect(await object.Body?.transformToString()).toBe('{"userId":"u1"}');
      const { Messages } = await c.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: second.outputs.UploadsQueueUrl?.replace('mpx-kill-uploads', 'survivor'),
          WaitTimeSeconds: 2,
        }),
      );
      expect(Messages?.map((m) => m.Body)).toEqual(['still here']);
      expect(
        (await c.dynamodb.send(new GetItemCommand({ TableName: 'survivors', Key: { pk: { S: 'one' } } }))).Item,
      ).toBeDefined();
      expect((await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))).datasetGroup?.status).toBe(
        'ACTIVE',
      );
      expect((await c.scheduler.send(new GetScheduleGroupCommand({ Name: 'survivors' }))).State).toBe('ACTIVE');
    } finally {
      c.destroy();
      personalize.destroy();
      await kill(second.child);
    }
  });
});
