import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateTopicCommand,
  ListSubscriptionsByTopicCommand,
  PublishCommand,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServicesHarness, startServices, testBytes } from './harness.js';

/**
 * Everything written before a clean stop is there after a start on the same
 * data directory.
 */

let h: ServicesHarness;
let queueUrl: string;
let dlqArn: string;
let topicArn: string;
let deletedId: string;
let inFlightId: string;
let journalAfterRestart: ReturnType<ServicesHarness['services']['journalStats']>;
const content = testBytes(200_000, 3);
const redrivePolicy = () => JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 });

async function bodies(QueueUrl: string, wait = 0) {
  const { Messages } = await h.sqs.send(
    new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, VisibilityTimeout: 30 }),
  );
  return Messages ?? [];
}

beforeAll(async () => {
  const first = await startServices();
  h = first;
  await h.s3.send(new CreateBucketCommand({ Bucket: 'data' }));
  await h.s3.send(
    new PutObjectCommand({
      Bucket: 'data',
      Key: 'train/dsg/interactions.csv',
      Body: content,
      ContentType: 'text/csv',
      Metadata: { source: 'restart-test' },
    }),
  );
  await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'train/dsg/params.json', Body: '{}' }));

  const dlq = await h.sqs.send(new CreateQueueCommand({ QueueName: 'uploads-dlq' }));
  const dlqAttributes = await h.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  dlqArn = dlqAttributes.Attributes?.QueueArn as string;
  queueUrl = (
    await h.sqs.send(
      new CreateQueueCommand({
        QueueName: 'uploads',
        Attributes: { VisibilityTimeout: '30', RedrivePolicy: redrivePolicy() },
      }),
    )
  ).QueueUrl as string;
  await h.sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '45' } }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'one' }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'to delete' }));
  await h.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'in flight' }));
  await h.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: [
        { Id: 'a', MessageBody: 'batch a', MessageAttributes: { kind: { DataType: 'String', StringValue: 'a' } } },
        { Id: 'b', MessageBody: 'batch b' },
      ],
    }),
  );
  const received = await bodies(queueUrl);
  for (const message of received) {
    if (message.Body === 'to delete') {
      deletedId = message.MessageId as string;
      await h.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
    if (message.Body === 'in flight') inFlightId = message.MessageId as string;
  }
  await h.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'delayed', DelaySeconds: 2 }));

  topicArn = (await h.sns.send(new CreateTopicCommand({ Name: 'notifications' }))).TopicArn as string;
  const notified = await h.sqs.send(new CreateQueueCommand({ QueueName: 'notified' }));
  const notifiedArn = (
    await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl: notified.QueueUrl, AttributeNames: ['QueueArn'] }))
  ).Attributes?.QueueArn;
  await h.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: notifiedArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  await h.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'before restart' }));

  await h.dynamodb.send(
    new CreateTableCommand({
      TableName: 'state',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'kind', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byKind',
          KeySchema: [{ AttributeName: 'kind', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await h.dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: 'state',
      TimeToLiveSpecification: { Enabled: true, AttributeName: 'ttl' },
    }),
  );
  await h.documents.send(new PutCommand({ TableName: 'state', Item: { pk: 'run#1', kind: 'run', steps: [1, 2] } }));

  await first.stop();
  h = await startServices({ dataDir: first.dataDir });
  journalAfterRestart = h.services.journalStats();
});

afterAll(async () => {
  await h.dispose();
});

describe('after a clean restart', () => {
  it('keeps objects with their bytes, content type and metadata', async () => {
    const object = await h.s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'train/dsg/interactions.csv' }));
    const listed = await h.s3.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'train/' }));

    expect(Buffer.from((await object.Body?.transformToByteArray()) ?? []).equals(content)).toBe(true);
    expect(object.ContentType).toBe('text/csv');
    expect(object.Metadata).toEqual({ source: 'restart-test' });
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['train/dsg/interactions.csv', 'train/dsg/params.json']);
  });

  it('keeps queues at the same URL with their attributes, as last set, RedrivePolicy included', async () => {
    const { QueueUrl } = await h.sqs.send(new GetQueueUrlCommand({ QueueName: 'uploads' }));
    const { Attributes } = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));

    expect(QueueUrl).toBe(queueUrl);
    expect(Attributes?.VisibilityTimeout).toBe('45');
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual(JSON.parse(redrivePolicy()));
  });

  it('keeps every message not deleted (a received one becomes visible again), and not the deleted one', async () => {
    const messages = await bodies(queueUrl);

    expect(messages.map((m) => m.Body).sort()).toEqual(['batch a', 'batch b', 'in flight', 'one']);
    expect(messages.map((m) => m.MessageId)).toContain(inFlightId);
    expect(messages.map((m) => m.MessageId)).not.toContain(deletedId);
  });

  it('keeps a delayed message delayed until its time', async () => {
    expect((await bodies(queueUrl)).map((m) => m.Body)).not.toContain('delayed');

    expect((await bodies(queueUrl, 5)).map((m) => m.Body)).toEqual(['delayed']);
  });

  it('keeps topics and subscriptions: messages fanned out before, and new publishes, reach the queue', async () => {
    const { QueueUrl } = await h.sqs.send(new GetQueueUrlCommand({ QueueName: 'notified' }));
    const { Subscriptions } = await h.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    await h.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'after restart' }));

    expect(Subscriptions).toHaveLength(1);
    expect((await bodies(QueueUrl as string)).map((m) => m.Body).sort()).toEqual(['after restart', 'before restart']);
  });

  it('keeps tables, items, indexes and the TTL setting', async () => {
    const { Table } = await h.dynamodb.send(new DescribeTableCommand({ TableName: 'state' }));
    const ttl = await h.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'state' }));
    const item = await h.documents.send(new GetCommand({ TableName: 'state', Key: { pk: 'run#1' } }));
    const byKind = await h.documents.send(
      new QueryCommand({
        TableName: 'state',
        IndexName: 'byKind',
        KeyConditionExpression: 'kind = :k',
        ExpressionAttributeValues: { ':k': 'run' },
      }),
    );

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' });
    expect(item.Item).toEqual({ pk: 'run#1', kind: 'run', steps: [1, 2] });
    expect(byKind.Items?.map((i) => i.pk)).toEqual(['run#1']);
  });

  it('restores without writing anything back to the journal', () => {
    expect(journalAfterRestart).toEqual({ entries: 0, flushes: 0, bytes: 0, compactions: 0 });
  });
});
