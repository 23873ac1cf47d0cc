import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { PutCommand, paginateScan, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Clients, clientsFor, type ServicesHarness, startServices } from './harness.js';

/**
 * The services run in a child process that is SIGKILLed in the middle of a
 * write load. Whatever was acknowledged before the kill is there after a
 * restart on the same data directory; what was deleted stays deleted.
 */

const script = fileURLToPath(new URL('./services-process.ts', import.meta.url));
let dataDir: string;

async function startProcess(): Promise<{ child: ChildProcess; clients: Clients }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`services process exited with ${code}`)));
  });
  return { child, clients: clientsFor(endpoint) };
}

interface Acknowledged {
  readonly messages: Set<string>;
  readonly deleted: Set<string>;
  readonly objects: Map<string, string>;
  readonly items: Set<string>;
  readonly pairs: Set<string>;
  readonly attemptedPairs: Set<string>;
}

/** Writes of every kind, as fast as possible, until `stop()` — records only what was acknowledged. */
function writeLoad(c: Clients, queueUrl: string, topicArn: string, workers: number) {
  const ack: Acknowledged = {
    messages: new Set(),
    deleted: new Set(),
    objects: new Map(),
    items: new Set(),
    pairs: new Set(),
    attemptedPairs: new Set(),
  };
  let running = true;
  const worker = async (w: number) => {
    for (let i = 0; running; i += 1) {
      const id = `w${w}-${i}`;
      try {
        switch (i % 6) {
          case 0:
            await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `send ${id}` }));
            ack.messages.add(`send ${id}`);
            break;
          case 1: {
            const entries = [0, 1, 2].map((n) => ({ Id: `e${n}`, MessageBody: `batch ${id}-${n}` }));
            await c.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
            for (const e of entries) ack.messages.add(e.MessageBody);
            break;
          }
          case 2:
            await c.sns.send(new PublishCommand({ TopicArn: topicArn, Message: `fanout ${id}` }));
            ack.messages.add(`fanout ${id}`);
            break;
          case 3:
            await c.s3.send(new PutObjectCommand({ Bucket: 'data', Key: `load/${id}`, Body: `content of ${id}` }));
            ack.objects.set(`load/${id}`, `content of ${id}`);
            break;
          case 4:
            await c.documents.send(new PutCommand({ TableName: 'state', Item: { pk: id, n: i } }));
            ack.items.add(id);
            break;
          case 5:
            ack.attemptedPairs.add(id);
            await c.documents.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: { TableName: 'state', Item: { pk: `${id}-left` } } },
                  { Put: { TableName: 'state', Item: { pk: `${id}-right` } } },
                ],
              }),
            );
            ack.pairs.add(id);
            break;
        }
      } catch {
        // In flight when the process died: not acknowledged, may or may not be there.
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    ack,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** A bucket, a queue subscribed (raw delivery) to a topic, and a table. */
async function createResources(c: Clients): Promise<{ queueUrl: string; topicArn: string }> {
  await c.s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  const queueUrl = (await c.sqs.send(new CreateQueueCommand({ QueueName: 'work' }))).QueueUrl as string;
  const queueArn = (
    await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: 'events' }))).TopicArn as string;
  await c.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  await c.dynamodb.send(
    new CreateTableCommand({
      TableName: 'state',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  return { queueUrl, topicArn };
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}

async function tableKeys(h: ServicesHarness): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const page of paginateScan({ client: h.documents }, { TableName: 'state' })) {
    for (const item of page.Items ?? []) keys.add(item.pk as string);
  }
  return keys;
}

async function objectText(h: ServicesHarness, key: string): Promise<string | undefined> {
  const object = await h.s3.send(new GetObjectCommand({ Bucket: 'data', Key: key }));
  return object.Body?.transformToString();
}

async function drain(h: ServicesHarness, QueueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const { Messages } = await h.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    if (!Messages?.length) return bodies;
    bodies.push(...Messages.map((m) => m.Body as string));
  }
}

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-services-kill-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('kill -9 in the middle of a write load', () => {
  it('loses nothing acknowledged and brings back nothing deleted', { timeout: 20_000 }, async () => {
    const { child, clients: c } = await startProcess();
    const { queueUrl, topicArn } = await createResources(c);
    const doomed = ['delete me 1', 'delete me 2', 'delete me 3'];
    for (const body of doomed) await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const { Messages = [] } = await c.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    for (const m of Messages)
      await c.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    expect(Messages.map((m) => m.Body).sort()).toEqual(doomed);

    const load = writeLoad(c, queueUrl, topicArn, 12);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await kill(child);
    await load.stop();
    c.destroy();
    const { ack } = load;
    expect(ack.messages.size).toBeGreaterThan(50);

    const h = await startServices({ dataDir });
    try {
      const bodies = new Set(await drain(h, queueUrl));
      expect([...ack.messages].filter((body) => !bodies.has(body))).toEqual([]);
      for (const body of doomed) expect(bodies.has(body)).toBe(false);

      const missing: string[] = [];
      for (const [key, text] of ack.objects) if ((await objectText(h, key)) !== text) missing.push(key);
      expect(missing).toEqual([]);

      const keys = await tableKeys(h);
      expect([...ack.items].filter((pk) => !keys.has(pk))).toEqual([]);
      expect([...ack.pairs].filter((id) => !keys.has(`${id}-left`) || !keys.has(`${id}-right`))).toEqual([]);
      // A transaction cut by the kill is undone at start: never half applied.
      expect([...ack.attemptedPairs].filter((id) => keys.has(`${id}-left`) !== keys.has(`${id}-right`))).toEqual([]);
    } finally {
      await h.dispose();
    }
  });

  it('keeps each kind of write acknowledged just before the kill', { timeout: 20_000 }, async () => {
    const { child, clients: c } = await startProcess();
    const { queueUrl, topicArn } = await createResources(c);
    await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'consumed' }));
    const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl }));

    await c.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'last/object.json', Body: '{"last":true}' }));
    await c.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'last sent' }));
    await c.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'last published' }));
    await c.documents.send(new PutCommand({ TableName: 'state', Item: { pk: 'last-item' } }));
    await c.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 'state', Item: { pk: 'last-left' } } },
          { Put: { TableName: 'state', Item: { pk: 'last-right' } } },
        ],
      }),
    );
    await c.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: Messages[0]?.ReceiptHandle }));
    await kill(child);
    c.destroy();

    const h = await startServices({ dataDir });
    try {
      expect((await drain(h, queueUrl)).sort()).toEqual(['last published', 'last sent']);
      expect(await objectText(h, 'last/object.json')).toBe('{"last":true}');
      const keys = await tableKeys(h);
      expect(['last-item', 'last-left', 'last-right'].filter((pk) => !keys.has(pk))).toEqual([]);
    } finally {
      await h.dispose();
    }
  });
});
