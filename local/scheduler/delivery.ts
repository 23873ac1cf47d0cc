import type { Clock } from '../clock.js';
import type { Target } from './model.js';
import { retryDelayMs } from './timing.js';

/**
 * Getting a fired schedule to its target: the local cloud's `deliver`
 * callback does the sending (SQS SendMessage, Lambda Invoke); this module
 * applies the target's RetryPolicy with exponential back-off on the clock and,
 * once retries are exhausted, hands the event to the DeadLetterConfig queue,
 * or drops it when there is none, as EventBridge Scheduler does.
 */

/** One firing of a schedule: what every delivery attempt of it shares. */
export interface Invocation {
  readonly scheduleArn: string;
  readonly scheduleName: string;
  readonly groupName: string;
  /** The target as configured when the schedule fired (later updates do not change a pending retry). */
  readonly target: Target;
  /** The occurrence the schedule fired for (`<aws.scheduler.scheduled-time>`). */
  readonly scheduledTime: Date;
  /** When it actually fired: the scheduled time plus any flexible-window delay. Event age counts from here. */
  readonly invokedAt: Date;
  /** One id per firing, the same across retries (`<aws.scheduler.execution-id>`). */
  readonly executionId: string;
}

/** An attempt to invoke the schedule's target. */
export interface TargetDelivery extends Invocation {
  readonly deadLetter: false;
  /** Where to send: the target's Arn (an SQS queue or a Lambda function in mpx). */
  readonly destinationArn: string;
  /** 1 for the first attempt, 2 for the first retry… (`<aws.scheduler.attempt-number>`). */
  readonly attempt: number;
  /** The target's Input with Scheduler's context attributes substituted; undefined when it has none. */
  readonly input: string | undefined;
}

/** An event whose retries are exhausted, for the DeadLetterConfig queue. */
export interface DeadLetterDelivery extends Invocation {
  readonly deadLetter: true;
  /** The dead-letter queue's ARN. */
  readonly destinationArn: string;
  readonly input: string | undefined;
  readonly failure: DeliveryFailure;
}

/** Why an event went to the dead-letter queue (Scheduler puts these in the DLQ message's attributes). */
export interface DeliveryFailure {
  readonly condition: 'MaximumRetryAttemptsExhausted' | 'MaximumEventAgeExhausted';
  readonly retryAttempts: number;
  readonly errorCode: string;
  readonly errorMessage: string;
}

export type Delivery = TargetDelivery | DeadLetterDelivery;

/** Sends a delivery; rejecting means the target (or the DLQ) did not take it. */
export type Deliver = (delivery: Delivery) => Promise<void>;

/** Told about an event that is lost: retries exhausted without a DLQ, or the DLQ refused it too. */
export type OnDropped = (delivery: Delivery, error: unknown) => void;

/** Replaces Scheduler's context attributes in a target's Input. */
export function substituteContextAttributes(input: string, invocation: Invocation, attempt: number): string {
  const values: Readonly<Record<string, string>> = {
    'schedule-arn': invocation.scheduleArn,
    'scheduled-time': invocation.scheduledTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'execution-id': invocation.executionId,
    'attempt-number': String(attempt),
  };
  return input.replace(/<aws\.scheduler\.([a-z-]+)>/g, (match, key: string) => values[key] ?? match);
}

async function send(deliver: Deliver, delivery: Delivery): Promise<void> {
  // A callback that throws synchronously fails the attempt like one that rejects.
  await deliver(delivery);
}

const describe = (error: unknown) =>
  error instanceof Error
    ? { errorCode: error.name, errorMessage: error.message }
    : { errorCode: 'Error', errorMessage: String(error) };

/**
 * Runs the deliveries of fired schedules: each attempt calls `deliver`; a
 * rejected attempt is retried after `retryDelayMs` on the clock while the
 * RetryPolicy allows, then dead-lettered or dropped. Never throws: failures
 * end in the DLQ or in `onDropped`.
 */
export class DeliveryRunner {
  private readonly retries = new Map<number, () => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextRetryId = 0;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly deliver: Deliver,
    private readonly onDropped: OnDropped = () => {},
  ) {}

  /** Makes the first attempt now; failures are retried on the clock. */
  dispatch(invocation: Invocation): void {
    this.attempt(invocation, 1);
  }

  private attempt(invocation: Invocation, attempt: number): void {
    const promise: Promise<void> = this.runAttempt(invocation, attempt).finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
  }

  private async runAttempt(invocation: Invocation, attempt: number): Promise<void> {
    const input = invocation.target.Input;
    const delivery: TargetDelivery = {
      ...invocation,
      deadLetter: false,
      destinationArn: invocation.target.Arn,
      attempt,
      input: input === undefined ? undefined : substituteContextAttributes(input, invocation, attempt),
    };
    try {
      await send(this.deliver, delivery);
      return;
    } catch (error) {
      if (this.closed) return;
      const policy = invocation.target.RetryPolicy;
      if (attempt - 1 >= policy.MaximumRetryAttempts) {
        await this.deadLetter(delivery, error, 'MaximumRetryAttemptsExhausted');
        return;
      }
      const delay = retryDelayMs(attempt);
      if (this.clock.now() + delay - invocation.invokedAt.getTime() > policy.MaximumEventAgeInSeconds * 1000) {
        await this.deadLetter(delivery, error, 'MaximumEventAgeExhausted');
        return;
      }
      const id = this.nextRetryId++;
      const cancel = this.clock.schedule(delay, () => {
        this.retries.delete(id);
        this.attempt(invocation, attempt + 1);
      });
      this.retries.set(id, cancel);
    }
  }

  private async deadLetter(
    last: TargetDelivery,
    error: unknown,
    condition: DeliveryFailure['condition'],
  ): Promise<void> {
    const queue = last.target.DeadLetterConfig?.Arn;
    if (queue === undefined) {
      this.onDropped(last, error);
      return;
    }
    const { deadLetter: _, attempt, destinationArn: __, ...invocation } = last;
    const delivery: DeadLetterDelivery = {
      ...invocation,
      deadLetter: true,
      destinationArn: queue,
      failure: { condition, retryAttempts: attempt - 1, ...describe(error) },
    };
    try {
      await send(this.deliver, delivery);
    } catch (dlqError) {
      this.onDropped(delivery, dlqError);
    }
  }

  /** Resolves when no attempt is running (retries waiting on the clock do not count). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels pending retries and waits for running attempts; nothing is retried afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    for (const cancel of this.retries.values()) cancel();
    this.retries.clear();
    await this.idle();
  }
}
