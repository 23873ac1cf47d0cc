import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { ManualClock } from '../../../local/clock.js';
import type { RunningServer } from '../../../local/personalize/http.js';
import type { Delivery } from '../../../local/scheduler/delivery.js';
import { SchedulerEmulator, type SchedulerEmulatorOptions } from '../../../local/scheduler/emulator.js';
import { startSchedulerServer } from '../../../local/scheduler/http.js';
import { TEST_CREDENTIALS } from '../../support/personalize.js';

/** 2026-01-01T00:00:00Z, a Thursday: every test starts here. */
export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const ACCOUNT = '123456789012';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/mpx-scheduler`;
export const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:mpx-runs`;
export const DLQ_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:mpx-runs-dlq`;
export const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:mpx-onSchedule`;

export interface SchedulerHarness {
  emulator: SchedulerEmulator;
  server: RunningServer;
  client: SchedulerClient;
  readonly clock: ManualClock;
  readonly dataDir: string;
  /** Every call of `deliver`, successful or not, in order. */
  readonly deliveries: Delivery[];
  /** The clock's time at each call of `deliver` (same order as `deliveries`). */
  readonly deliveredAt: number[];
  /** Events reported lost (no DLQ, or the DLQ failed). */
  readonly dropped: { delivery: Delivery; error: unknown }[];
  /** Decides whether `deliver` fails: return an Error to make that delivery fail. Default: every delivery succeeds. */
  failWhen: (delivery: Delivery) => Error | undefined;
  /** Moves the clock by `ms` in steps of `stepMs`, letting deliveries and retries settle after each step. */
  advance(ms: number, stepMs?: number): Promise<void>;
  /** Stops the server and the emulator, lets `downForMs` pass, and starts both again on the same data directory. */
  restart(downForMs?: number): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** A Scheduler emulator on a random port, a ManualClock at T0, and a real SDK client pointed at it. */
export async function startScheduler(options: Partial<SchedulerEmulatorOptions> = {}): Promise<SchedulerHarness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mpx-scheduler-')));
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(T0);
  const deliveries: Delivery[] = [];
  const deliveredAt: number[] = [];
  const dropped: { delivery: Delivery; error: unknown }[] = [];

  const launch = async () => {
    const emulator = await SchedulerEmulator.start({
      account: ACCOUNT,
      ...options,
      dataDir,
      clock,
      deliver: async (delivery) => {
        deliveries.push(delivery);
        deliveredAt.push(clock.now());
        const error = h.failWhen(delivery);
        if (error) throw error;
      },
      onDropped: (delivery, error) => dropped.push({ delivery, error }),
    });
    const server = await startSchedulerServer(emulator);
    const client = new SchedulerClient({
      endpoint: server.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
    });
    return { emulator, server, client };
  };

  let running = true;
  const stop = async () => {
    if (!running) return;
    running = false;
    h.client.destroy();
    await h.server.close();
    await h.emulator.close();
  };

  const h: SchedulerHarness = {
    ...(await launch()),
    clock,
    dataDir,
    deliveries,
    deliveredAt,
    dropped,
    failWhen: () => undefined,
    async advance(ms, stepMs = ms) {
      await h.emulator.idle();
      for (let moved = 0; moved < ms; moved += stepMs) {
        clock.advance(Math.min(stepMs, ms - moved));
        await h.emulator.idle();
      }
      if (ms === 0) {
        clock.advance(0);
        await h.emulator.idle();
      }
    },
    async restart(downForMs = 0) {
      await stop();
      clock.advance(downForMs);
      Object.assign(h, await launch());
      running = true;
    },
    stop,
    dispose: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A valid CreateSchedule input: a daily cron at 12:00 UTC sending to an SQS queue. Override what a test is about. */
export function scheduleInput(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'nightly-import',
    ScheduleExpression: 'cron(0 12 * * ? *)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: QUEUE_ARN, RoleArn: ROLE_ARN, Input: '{"task":"import"}' },
    ...overrides,
  };
}

/** The scheduled times of the target deliveries (first attempts only), as ISO strings. */
export function firedAt(deliveries: readonly Delivery[], name?: string): string[] {
  return deliveries
    .filter((d) => !d.deadLetter && d.attempt === 1 && (name === undefined || d.scheduleName === name))
    .map((d) => d.scheduledTime.toISOString());
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** Awaits a call that must fail, and returns its error for assertions. Throws when the call succeeds. */
export async function failure(call: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  const outcome = await call.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  if (outcome.ok) throw new Error('expected the call to fail, it succeeded');
  return outcome.error as Error;
}

/** An SDK output without its `$metadata` (request id, attempts), to compare outputs of two calls. */
export function withoutMetadata<T extends { $metadata: unknown }>(output: T): Omit<T, '$metadata'> {
  const { $metadata, ...rest } = output;
  return rest;
}
