import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServicesHarness, startServices } from './harness.js';

let h: ServicesHarness;

beforeAll(async () => {
  h = await startServices();
});

afterAll(async () => {
  await h.dispose();
});

let queues = 0;
async function newQueue(attributes: Record<string, string> = {}): Promise<string> {
  queues += 1;
  const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: `q${queues}`, Attributes: attributes }));
  return QueueUrl as string;
}

async function receive(
  QueueUrl: string,
  options: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) {
  const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl, ...options }));
  return Messages ?? [];
}

async function counts(QueueUrl: string) {
  const { Attributes } = await h.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
  return {
    visible: Number(Attributes?.ApproximateNumberOfMessages),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** MD5OfMessageAttributes per the SQS developer guide, written independently of the implementation. */
function expectedAttributesMd5(attributes: Record<string, MessageAttributeValue>): string {
  const chunks: Buffer[] = [];
  const withLength = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length, 0);
    chunks.push(length, data);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name] as MessageAttributeValue;
    withLength(Buffer.from(name));
    withLength(Buffer.from(value.DataType as string));
    if (value.BinaryValue) {
      chunks.push(Buffer.of(2));
      withLength(Buffer.from(value.BinaryValue));
    } else {
      chunks.push(Buffer.of(1));
      withLength(Buffer.from(value.StringValue as string));
    }
  }
  return createHash('md5').update(Buffer.concat(chunks)).digest('hex');
}

/** These wait on SQS' one-second timers, so they run side by side. */
describe.concurrent('timers', () => {
  it('DelaySeconds keeps a message invisible until its delay has passed', async () => {
    const QueueUrl = await newQueue();
    const sent = Date.now();
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'later', DelaySeconds: 1 }));

    expect(await receive(QueueUrl)).toEqual([]);
    expect((await counts(QueueUrl)).delayed).toBe(1);
    const [message] = await receive(QueueUrl, { WaitTimeSeconds: 3 });

    expect(message?.Body).toBe('later');
    expect(Date.now() - sent).toBeGreaterThanOrEqual(950);
  });

  it('VisibilityTimeout hides a received message, then it is delivered again', async () => {
    const QueueUrl = await newQueue();
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'job' }));

    const [first] = await receive(QueueUrl, { VisibilityTimeout: 1 });
    expect(first?.Body).toBe('job');
    expect(await receive(QueueUrl)).toEqual([]);
    const [again] = await receive(QueueUrl, { WaitTimeSeconds: 3, MessageSystemAttributeNames: ['All'] });

    expect(again?.MessageId).toBe(first?.MessageId);
    expect(again?.Attributes?.ApproximateReceiveCount).toBe('2');
  });

  it('ChangeMessageVisibility 0 makes a message visible at once', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '60' });
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'retry me' }));
    const [first] = await receive(QueueUrl);
    expect(await receive(QueueUrl)).toEqual([]);

    await h.sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: first?.ReceiptHandle, VisibilityTimeout: 0 }),
    );

    expect((await receive(QueueUrl)).map((m) => m.MessageId)).toEqual([first?.MessageId]);
  });

  it('long polling returns as soon as a message arrives, not at the end of WaitTimeSeconds', async () => {
    const QueueUrl = await newQueue();
    const started = Date.now();
    const polling = receive(QueueUrl, { WaitTimeSeconds: 10 });
    await sleep(300);
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'wake up' }));

    const [message] = await polling;

    expect(message?.Body).toBe('wake up');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('redrive to a dead-letter queue', () => {
  it('moves a message to the DLQ once it has been received maxReceiveCount times', async () => {
    const dlqUrl = await newQueue();
    const { Attributes } = await h.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const QueueUrl = await newQueue({
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: 2 }),
    });
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'poison' }));

    expect(await receive(QueueUrl, { VisibilityTimeout: 0 })).toHaveLength(1);
    expect(await receive(QueueUrl, { VisibilityTimeout: 0 })).toHaveLength(1);
    expect(await receive(QueueUrl, { VisibilityTimeout: 0 })).toEqual([]);

    expect((await receive(dlqUrl)).map((m) => m.Body)).toEqual(['poison']);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('message bodies', () => {
  it('accept every character SQS accepts, including those outside the BMP', async () => {
    const QueueUrl = await newQueue();

    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'emoji 🎉 and 𝄞' }));

    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['emoji 🎉 and 𝄞']);
  });

  it('reject characters SQS rejects', async () => {
    const QueueUrl = await newQueue();

    await expect(h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bell \u0007' }))).rejects.toMatchObject({
      name: 'InvalidMessageContents',
    });
  });
});

describe('MD5 digests', () => {
  const attributes: Record<string, MessageAttributeValue> = {
    kind: { DataType: 'String', StringValue: 'upload' },
    size: { DataType: 'Number', StringValue: '42' },
    blob: { DataType: 'Binary', BinaryValue: Buffer.from([0, 1, 2, 250]) },
    'note.ü': { DataType: 'String.custom', StringValue: 'héllo ✓' },
  };
  const body = 'body with ünïcödé 🎉';

  it('answers SendMessage with the digests of the body and the attributes (the SDK checks the body one)', async () => {
    const QueueUrl = await newQueue();

    const sent = await h.sqs.send(
      new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: attributes }),
    );

    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update(body).digest('hex'));
    expect(sent.MD5OfMessageAttributes).toBe(expectedAttributesMd5(attributes));
  });

  it('returns attributes only when asked, with the digest of those returned', async () => {
    const QueueUrl = await newQueue();
    await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageAttributes: attributes }));

    const [unasked] = await receive(QueueUrl, { VisibilityTimeout: 0 });
    const [all] = await receive(QueueUrl, { VisibilityTimeout: 0, MessageAttributeNames: ['All'] });
    const [some] = await receive(QueueUrl, { VisibilityTimeout: 0, MessageAttributeNames: ['kind', 'size'] });

    expect(unasked?.Body).toBe(body);
    expect(unasked?.MessageAttributes).toBeUndefined();
    expect(unasked?.MD5OfMessageAttributes).toBeUndefined();
    expect(all?.MD5OfMessageAttributes).toBe(expectedAttributesMd5(attributes));
    expect(Object.keys(some?.MessageAttributes ?? {}).sort()).toEqual(['kind', 'size']);
    expect(some?.MD5OfMessageAttributes).toBe(
      expectedAttributesMd5({
        kind: attributes.kind as MessageAttributeValue,
        size: attributes.size as MessageAttributeValue,
      }),
    );
  });
});

describe('batches', () => {
  it('sends ten messages in one batch and deletes them in one batch', async () => {
    const QueueUrl = await newQueue();
    const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `message ${i}` }));

    const sent = await h.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }));
    expect(sent.Successful).toHaveLength(10);
    const received = [];
    while (received.length < 10) {
      const batch = await receive(QueueUrl, { MaxNumberOfMessages: 10 });
      if (batch.length === 0) break;
      received.push(...batch);
    }
    const deleted = await h.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: received.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }),
    );

    expect(received.map((m) => m.Body).sort()).toEqual(entries.map((e) => e.MessageBody).sort());
    expect(deleted.Successful).toHaveLength(10);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});

describe('errors', () => {
  it('carry the names the SDK models them with', async () => {
    const QueueUrl = await newQueue({ VisibilityTimeout: '30' });
    const name = QueueUrl.split('/').at(-1);

    await expect(
      h.sqs.send(new SendMessageCommand({ QueueUrl: `${h.edge.endpoint}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await expect(
      h.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '31' } })),
    ).rejects.toMatchObject({ name: 'QueueNameExists' });
    await expect(h.sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: [] }))).rejects.toMatchObject({
      name: 'EmptyBatchRequest',
    });
  });
});

describe('queue URLs', () => {
  it('point at the edge', async () => {
    const QueueUrl = await newQueue();

    expect(QueueUrl.startsWith(`${h.edge.endpoint}/000000000000/`)).toBe(true);
  });

  it('are accepted in any form that names the queue, as SQS accepts them', async () => {
    const QueueUrl = await newQueue();
    const name = QueueUrl.split('/').at(-1);
    await h.sqs.send(
      new SendMessageCommand({
        QueueUrl: `https://sqs.us-east-1.amazonaws.com/000000000000/${name}`,
        MessageBody: 'hi',
      }),
    );

    const [message] = await receive(`http://localhost:4566/000000000000/${name}`);
    await h.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));

    expect(message?.Body).toBe('hi');
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
