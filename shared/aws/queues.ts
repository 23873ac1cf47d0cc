import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Sending typed messages to mpx's queues. Bodies are JSON of a contract from
 * shared/workflow/messages.ts; SQS caps a delay at 900 s and a batch at 10.
 */

export async function sendJson(sqs: SQSClient, queueUrl: string, body: unknown, delaySeconds = 0): Promise<void> {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(body),
      DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
    }),
  );
}

/** Sends every body, 10 per request. @throws when SQS refuses any of them (the caller's message is retried). */
export async function sendJsonBatch(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly unknown[],
  delaySeconds = 0,
): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const { Failed } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(body),
          DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
        })),
      }),
    );
    if (Failed && Failed.length > 0) {
      throw new Error(`SQS refused ${Failed.length} message(s): ${Failed.map((f) => f.Message ?? f.Code).join('; ')}`);
    }
  }
}
