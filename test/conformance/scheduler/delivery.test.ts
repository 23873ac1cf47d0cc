import { CreateScheduleCommand, type RetryPolicy } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../../local/scheduler/delivery.js';
import {
  DLQ_ARN,
  HOUR,
  QUEUE_ARN,
  ROLE_ARN,
  type SchedulerHarness,
  scheduleInput,
  startScheduler,
  T0,
} from './harness.js';

/**
 * When `deliver` fails: retries with exponential back-off (1 s, 2 s, 4 s…)
 * within the target's RetryPolicy, then the DeadLetterConfig queue, or the
 * event is dropped when there is none.
 */

let h: SchedulerHarness;

beforeEach(async () => {
  h = await startScheduler();
});

afterEach(async () => {
  await h.dispose();
});

const NOON = T0 + 12 * HOUR;
const SECOND = 1000;

class QueueDoesNotExist extends Error {
  override readonly name = 'QueueDoesNotExist';
}

const queueMissing = new QueueDoesNotExist('The specified queue does not exist.');

async function scheduleWith(retryPolicy: RetryPolicy | undefined, deadLetterQueue: string | undefined) {
  await h.client.send(
    new CreateScheduleCommand(
      scheduleInput({
        Target: {
          Arn: QUEUE_ARN,
          RoleArn: ROLE_ARN,
          Input: '{"attempt":<aws.scheduler.attempt-number>}',
          ...(retryPolicy ? { RetryPolicy: retryPolicy } : {}),
          ...(deadLetterQueue ? { DeadLetterConfig: { Arn: deadLetterQueue } } : {}),
        },
      }),
    ),
  );
}

/** Runs to noon (the first occurrence) and through the next minute in one-second steps, so retries happen. */
async function runThroughNoon(): Promise<void> {
  await h.advance(12 * HOUR);
  await h.advance(2 * 60 * SECOND, SECOND);
}

const summary = (d: Delivery, at: number | undefined) =>
  d.deadLetter
    ? { to: d.destinationArn, at: (at ?? 0) - NOON, deadLetter: d.failure, input: d.input }
    : { to: d.destinationArn, at: (at ?? 0) - NOON, attempt: d.attempt, input: d.input };

const deliveries = () => h.deliveries.map((d, i) => summary(d, h.deliveredAt[i]));

describe('a failing target', () => {
  it('is retried with exponential back-off until it takes the event', async () => {
    await scheduleWith(undefined, DLQ_ARN);
    let failures = 2;
    h.failWhen = () => (failures-- > 0 ? queueMissing : undefined);

    await runThroughNoon();

    expect(deliveries()).toEqual([
      { to: QUEUE_ARN, at: 0, attempt: 1, input: '{"attempt":1}' },
      { to: QUEUE_ARN, at: 1 * SECOND, attempt: 2, input: '{"attempt":2}' },
      { to: QUEUE_ARN, at: 3 * SECOND, attempt: 3, input: '{"attempt":3}' },
    ]);
    expect(h.dropped).toEqual([]);
  });

  it('goes to the dead-letter queue once MaximumRetryAttempts are spent', async () => {
    await scheduleWith({ MaximumRetryAttempts: 3 }, DLQ_ARN);
    h.failWhen = (d) => (d.deadLetter ? undefined : queueMissing);

    await runThroughNoon();

    expect(deliveries()).toEqual([
      { to: QUEUE_ARN, at: 0, attempt: 1, input: '{"attempt":1}' },
      { to: QUEUE_ARN, at: 1 * SECOND, attempt: 2, input: '{"attempt":2}' },
      { to: QUEUE_ARN, at: 3 * SECOND, attempt: 3, input: '{"attempt":3}' },
      { to: QUEUE_ARN, at: 7 * SECOND, attempt: 4, input: '{"attempt":4}' },
      {
        to: DLQ_ARN,
        at: 7 * SECOND,
        input: '{"attempt":4}',
        deadLetter: {
          condition: 'MaximumRetryAttemptsExhausted',
          retryAttempts: 3,
          errorCode: 'QueueDoesNotExist',
          errorMessage: 'The specified queue does not exist.',
        },
      },
    ]);
    const executionIds = new Set(h.deliveries.map((d) => d.executionId));
    expect(executionIds.size).toBe(1);
  });

  it('goes to the dead-letter queue at once with MaximumRetryAttempts 0', async () => {
    await scheduleWith({ MaximumRetryAttempts: 0 }, DLQ_ARN);
    h.failWhen = (d) => (d.deadLetter ? undefined : queueMissing);

    await runThroughNoon();

    expect(deliveries().map((d) => [d.to, d.at])).toEqual([
      [QUEUE_ARN, 0],
      [DLQ_ARN, 0],
    ]);
  });

  it('stops retrying when the next try would be older than MaximumEventAgeInSeconds', async () => {
    await scheduleWith({ MaximumEventAgeInSeconds: 60 }, DLQ_ARN);
    h.failWhen = (d) => (d.deadLetter ? undefined : queueMissing);

    await runThroughNoon();

    // Tries at 0, 1, 3, 7, 15 and 31 s; the next would be at 63 s, past the 60 s age limit.
    expect(deliveries().map((d) => d.at / SECOND)).toEqual([0, 1, 3, 7, 15, 31, 31]);
    expect(h.deliveries.at(-1)).toMatchObject({
      deadLetter: true,
      failure: { condition: 'MaximumEventAgeExhausted', retryAttempts: 5 },
    });
  });

  it('is dropped, and reported, when there is no dead-letter queue', async () => {
    await scheduleWith({ MaximumRetryAttempts: 1 }, undefined);
    h.failWhen = () => queueMissing;

    await runThroughNoon();

    expect(deliveries().map((d) => [d.to, d.at])).toEqual([
      [QUEUE_ARN, 0],
      [QUEUE_ARN, SECOND],
    ]);
    expect(h.dropped).toEqual([{ delivery: h.deliveries[1], error: queueMissing }]);
  });

  it('is dropped, and reported, when the dead-letter queue refuses it too', async () => {
    await scheduleWith({ MaximumRetryAttempts: 0 }, DLQ_ARN);
    h.failWhen = () => queueMissing;

    await runThroughNoon();

    expect(h.dropped).toEqual([{ delivery: h.deliveries[1], error: queueMissing }]);
    expect(h.dropped[0]?.delivery.deadLetter).toBe(true);
  });

  it('does not hold up the next occurrence', async () => {
    await scheduleWith({ MaximumRetryAttempts: 0 }, undefined);
    h.failWhen = () => queueMissing;

    await h.advance(36 * HOUR);

    expect(h.deliveries.map((d) => d.scheduledTime.toISOString())).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-02T12:00:00.000Z',
    ]);
  });
});
