import { CreateTopicCommand, PublishBatchCommand, PublishCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServicesHarness, startServices } from './harness.js';

let h: ServicesHarness;
let topicArn: string;
let enveloped: string;
let raw: string;

async function queueArn(QueueUrl: string): Promise<string> {
  const { Attributes } = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return Attributes?.QueueArn as string;
}

/** Fan-out is done (and durable) when Publish is answered, so no waiting is needed. */
async function receiveBodies(QueueUrl: string): Promise<string[]> {
  const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
  return (Messages ?? []).map((m) => m.Body as string);
}

beforeAll(async () => {
  h = await startServices();
  ({ TopicArn: topicArn = '' } = await h.sns.send(new CreateTopicCommand({ Name: 'notifications' })));
  enveloped = (await h.sqs.send(new CreateQueueCommand({ QueueName: 'enveloped' }))).QueueUrl as string;
  raw = (await h.sqs.send(new CreateQueueCommand({ QueueName: 'raw' }))).QueueUrl as string;
  await h.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: await queueArn(enveloped) }));
  await h.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: await queueArn(raw),
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
});

afterAll(async () => {
  await h.dispose();
});

describe('Publish with MessageStructure=json', () => {
  it('delivers the sqs member, in the SNS envelope or raw', async () => {
    const message = JSON.stringify({ default: 'for everyone', sqs: '{"for":"queues"}', email: 'for people' });

    const { MessageId } = await h.sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: message, MessageStructure: 'json', Subject: 'Run finished' }),
    );

    const [envelope] = (await receiveBodies(enveloped)).map((body) => JSON.parse(body) as Record<string, unknown>);
    expect(envelope).toMatchObject({
      Type: 'Notification',
      MessageId,
      TopicArn: topicArn,
      Subject: 'Run finished',
      Message: '{"for":"queues"}',
    });
    expect(await receiveBodies(raw)).toEqual(['{"for":"queues"}']);
  });

  it('delivers the default member when there is no sqs member', async () => {
    await h.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: JSON.stringify({ default: 'plain text', email: 'x' }),
        MessageStructure: 'json',
      }),
    );

    expect((await receiveBodies(enveloped)).map((b) => JSON.parse(b).Message)).toEqual(['plain text']);
    expect(await receiveBodies(raw)).toEqual(['plain text']);
  });

  it.each([
    ['without a default member', JSON.stringify({ sqs: 'x' }), 'No default entry in JSON message body'],
    ['that is not JSON', '{not json', 'JSON message body failed to parse'],
  ])('rejects a message %s, as SNS does', async (_, message, reason) => {
    await expect(
      h.sns.send(new PublishCommand({ TopicArn: topicArn, Message: message, MessageStructure: 'json' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException', message: expect.stringContaining(reason) });
    expect(await receiveBodies(raw)).toEqual([]);
  });

  it('applies per entry in PublishBatch', async () => {
    await h.sns.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'a', Message: JSON.stringify({ default: 'd', sqs: 'structured' }), MessageStructure: 'json' },
          { Id: 'b', Message: 'plain' },
        ],
      }),
    );

    expect((await receiveBodies(raw)).sort()).toEqual(['plain', 'structured']);
    expect((await receiveBodies(enveloped)).map((b) => JSON.parse(b).Message).sort()).toEqual(['plain', 'structured']);
  });
});

describe('Publish without MessageStructure', () => {
  it('delivers the message as is, with its attributes on raw delivery', async () => {
    await h.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: '{"default":"not a structure"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'run' } },
      }),
    );

    const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl: raw, MessageAttributeNames: ['All'] }));
    expect(Messages?.map((m) => [m.Body, m.MessageAttributes?.kind?.StringValue])).toEqual([
      ['{"default":"not a structure"}', 'run'],
    ]);
    expect((await receiveBodies(enveloped)).map((b) => JSON.parse(b).Message)).toEqual([
      '{"default":"not a structure"}',
    ]);
  });
});

describe('programmatic subscriptions', () => {
  it('are idempotent and can switch raw delivery on', async () => {
    const topic = await h.services.createTopic('deployed');
    const { url, arn } = await h.services.createQueue('deployed-subscriber');

    const first = await h.services.subscribe(topic, arn);
    const second = await h.services.subscribe(topic, arn, { rawMessageDelivery: true });
    await h.sns.send(new PublishCommand({ TopicArn: topic, Message: 'hello' }));

    expect(second).toBe(first);
    expect(await receiveBodies(url)).toEqual(['hello']);
    expect(await h.services.createQueue('deployed-subscriber')).toEqual({ url, arn });
    expect(await h.services.createTopic('deployed')).toBe(topic);
  });
});
