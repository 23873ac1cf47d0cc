import {
  DeleteMessageBatchCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { LocalFunction } from '../runner/function.js';

/**
 * An SQS event source mapping, as Lambda runs one: long-poll the queue, hand
 * batches to the function, delete what succeeded. With ReportBatchItemFailures
 * only the reported records stay; any error (or timeout) leaves the whole batch
 * to reappear after the visibility timeout, and SQS's redrive policy moves
 * messages to the DLQ after maxReceiveCount — never the poller.
 */

export interface SqsMappingSpec {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly maximumConcurrency: number;
  /** Fault injection: hand every batch to the function twice, concurrently (SQS's at-least-once delivery, at its worst). */
  readonly duplicateDelivery?: boolean;
}

export interface MappingEvents {
  onError?(error: unknown): void;
}

function lambdaAttributes(attributes: Record<string, MessageAttributeValue> | undefined) {
  return Object.fromEntries(
    Object.entries(attributes ?? {}).map(([name, value]) => [
      name,
      {
        stringValue: value.StringValue,
        binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
        dataType: value.DataType,
      },
    ]),
  );
}

/** The Lambda event for a batch of SQS messages, field for field as Lambda sends it. */
export function sqsEvent(messages: readonly Message[], spec: Pick<SqsMappingSpec, 'queueArn' | 'region'>) {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId,
      receiptHandle: m.ReceiptHandle,
      body: m.Body,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'LOCAL',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        ...(m.Attributes?.MessageGroupId ? { MessageGroupId: m.Attributes.MessageGroupId } : {}),
      },
      messageAttributes: lambdaAttributes(m.MessageAttributes),
      md5OfBody: m.MD5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: spec.queueArn,
      awsRegion: spec.region,
    })),
  };
}

export class SqsMapping {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  /** Batches handed to the function, for tests and the CLI. */
  batches = 0;
  /** ReceiveMessage calls made, and how many of them returned nothing (request statistics). */
  receives = 0;
  emptyReceives = 0;

  constructor(
    readonly spec: SqsMappingSpec,
    private readonly sqs: SQSClient,
    private readonly fn: LocalFunction,
    private readonly events: MappingEvents = {},
  ) {}

  start(): void {
    for (let i = 0; i < Math.max(1, this.spec.maximumConcurrency); i += 1) this.loops.push(this.loop());
  }

  private async receiveBatch(): Promise<Message[]> {
    const batch: Message[] = [];
    const deadline = Date.now() + this.spec.batchingWindowSeconds * 1000;
    do {
      const wait = batch.length === 0 ? 2 : Math.max(0, Math.min(2, Math.ceil((deadline - Date.now()) / 1000)));
      const { Messages } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.spec.queueUrl,
          MaxNumberOfMessages: Math.min(10, this.spec.batchSize - batch.length),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      this.receives += 1;
      if (!Messages?.length) this.emptyReceives += 1;
      batch.push(...(Messages ?? []));
      if (!Messages?.length && batch.length > 0) break;
    } while (!this.stopped && batch.length > 0 && batch.length < this.spec.batchSize && Date.now() < deadline);
    return batch;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const batch = await this.receiveBatch();
        if (batch.length === 0 || this.stopped) continue;
        this.batches += 1;
        const failed = new Set<string>();
        try {
          const event = sqsEvent(batch, this.spec);
          const results = (await Promise.all(
            Array.from({ length: this.spec.duplicateDelivery ? 2 : 1 }, () => this.fn.invoke(event)),
          )) as ({ batchItemFailures?: { itemIdentifier?: string }[] } | undefined)[];
          for (const result of results) {
            if (this.spec.reportBatchItemFailures && Array.isArray(result?.batchItemFailures)) {
              for (const failure of result.batchItemFailures) failed.add(String(failure.itemIdentifier));
            }
          }
        } catch (error) {
          this.events.onError?.(error);
          continue;
        }
        const done = batch.filter((m) => !failed.has(m.MessageId as string));
        for (let i = 0; i < done.length; i += 10) {
          await this.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: this.spec.queueUrl,
              Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      } catch (error) {
        if (this.stopped) return;
        this.events.onError?.(error);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  /** Stops after the long polls in flight end (at most 2 s): aborting them would cut requests the services still serve. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.loops);
  }
}
