import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';

/**
 * The local cloud deploys a small fixture service from its packaged template
 * and runs it: upload → function; message → function → partial batch failure →
 * redelivery → DLQ; schedule → queue → function; and a restart keeps it all.
 */

const fixture = fileURLToPath(new URL('../fixtures/service/', import.meta.url));
let dataDir: string;
let cloud: LocalCloud;
const logs: string[] = [];

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const start = () =>
  startLocalCloud({ dataDir, projectDir: fixture, port: 0, profile: INSTANT, log: (line) => logs.push(line) });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-cloud-'));
  cloud = await start();
}, 120_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const item = (pk: string) =>
  cloud.clients.dynamodb
    .send(new GetItemCommand({ TableName: cloud.outputs.TableName, Key: { pk: { S: pk } } }))
    .then((r) => r.Item);

describe('a deployed fixture service', () => {
  it('resolves the stack outputs to local names and URLs', () => {
    expect(cloud.outputs).toMatchObject({
      TableName: expect.stringMatching(/^fixture-local-Table-[0-9a-f]{8}$/),
      BucketName: expect.stringMatching(/^fixture-local-bucket-[0-9a-f]{8}$/),
      WorkQueueUrl: expect.stringContaining('fixture-local-work'),
      ScheduleGroupName: 'fixture-local',
    });
    expect(cloud.stack?.functions.size).toBe(2);
    expect(cloud.stack?.skipped.map((s) => s.type)).toEqual(
      expect.arrayContaining(['AWS::IAM::Role', 'AWS::Logs::LogGroup']),
    );
  });

  it('runs a function for an upload that matches the bucket notification, with the key as S3 encodes it', async () => {
    const key = 'incoming/my file é.json';
    await cloud.clients.s3.send(
      new PutObjectCommand({ Bucket: cloud.outputs.BucketName, Key: key, Body: '{"hello": 1}' }),
    );
    await cloud.clients.s3.send(
      new PutObjectCommand({ Bucket: cloud.outputs.BucketName, Key: 'elsewhere/x.json', Body: '{}' }),
    );
    expect(await until(() => item(`upload#${key}`), Boolean)).toBeDefined();
    expect(await item('upload#elsewhere/x.json')).toBeUndefined();
  });

  it('deletes what succeeded, redelivers a reported failure, then dead-letters it', async () => {
    const queue = cloud.outputs.WorkQueueUrl as string;
    await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue, MessageBody: JSON.stringify({ id: 'ok-1' }) }),
    );
    const { MessageId } = await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: queue, MessageBody: JSON.stringify({ fail: true }) }),
    );
    expect(await until(() => item('work#ok-1'), Boolean)).toMatchObject({ receives: { N: '1' } });
    const dead = await until(
      () =>
        cloud.clients.sqs
          .send(
            new ReceiveMessageCommand({
              QueueUrl: cloud.outputs.WorkDeadLetterQueueUrl,
              WaitTimeSeconds: 1,
              MessageSystemAttributeNames: ['All'],
            }),
          )
          .then((r) => r.Messages ?? []),
      (messages) => messages.length > 0,
    );
    expect(dead.map((m) => m.MessageId)).toEqual([MessageId]);
    expect(Number(dead[0]?.Attributes?.ApproximateReceiveCount)).toBeGreaterThanOrEqual(2);
  });

  it('deploys the template schedule and fires a new one into the queue and the function', async () => {
    const heartbeat = await cloud.clients.scheduler.send(
      new GetScheduleCommand({ Name: 'fixture-heartbeat', GroupName: 'fixture-local' }),
    );
    expect(heartbeat).toMatchObject({ ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    const at = new Date(Date.now() + 2_000).toISOString().slice(0, 19);
    await cloud.clients.scheduler.send(
      new CreateScheduleCommand({
        Name: 'tick',
        ScheduleExpression: `at(${at})`,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: heartbeat.Target?.Arn, RoleArn: heartbeat.Target?.RoleArn, Input: '{"task":"tick"}' },
      }),
    );
    const rows = await until(
      () =>
        cloud.clients.dynamodb.send(new ScanCommand({ TableName: cloud.outputs.TableName })).then((r) => r.Items ?? []),
      (items) => items.some((i) => i.pk?.S?.startsWith('task#tick#')),
    );
    expect(rows.some((i) => i.pk?.S?.startsWith('task#tick#'))).toBe(true);
  });

  it('keeps objects, items, queued messages and schedules across a restart', async () => {
    await cloud.clients.sqs.send(
      new SendMessageCommand({ QueueUrl: cloud.outputs.WorkDeadLetterQueueUrl, MessageBody: 'kept' }),
    );
    await cloud.stop();
    cloud = await start();
    expect(cloud.packaging?.reused).toBe(true);
    const object = await cloud.clients.s3.send(
      new GetObjectCommand({ Bucket: cloud.outputs.BucketName, Key: 'incoming/my file é.json' }),
    );
    expect(await object.Body?.transformToString()).toBe('{"hello": 1}');
    expect(await item('work#ok-1')).toBeDefined();
    const kept = await until(
      () =>
        cloud.clients.sqs
          .send(
            new ReceiveMessageCommand({
              QueueUrl: cloud.outputs.WorkDeadLetterQueueUrl,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 1,
            }),
          )
          .then((r) => r.Messages ?? []),
      (messages) => messages.some((m) => m.Body === 'kept'),
    );
    expect(kept.map((m) => m.Body)).toContain('kept');
    expect(
      await cloud.clients.scheduler.send(
        new GetScheduleCommand({ Name: 'fixture-heartbeat', GroupName: 'fixture-local' }),
      ),
    ).toBeDefined();
  });
});
