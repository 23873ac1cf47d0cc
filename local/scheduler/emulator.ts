import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Clock, systemClock } from '../clock.js';
import { type Deliver, DeliveryRunner, type OnDropped } from './delivery.js';
import { SchedulerApiError } from './errors.js';
import { createSchedulerHttpHandler } from './http.js';
import { DEFAULT_GROUP, groupArn, type Scope, scheduleKey } from './model.js';
import {
  DEFAULT_QUOTAS,
  isSchedulerOperation,
  OPERATIONS,
  type OperationContext,
  type SchedulerQuotas,
} from './operations.js';
import { SchedulerStore } from './store.js';
import { flexibleDelayMs, nextScheduledTime } from './timing.js';

export interface SchedulerEmulatorOptions {
  /** Where groups, tags and schedules are kept; a restart on the same directory keeps them and re-arms every schedule. */
  readonly dataDir: string;
  /** Sends a fired target (or a dead letter) to SQS or Lambda; the local cloud provides it. Rejecting triggers retries. */
  readonly deliver: Deliver;
  /** Default: the system clock. Tests pass a ManualClock. */
  readonly clock?: Clock;
  /** Default us-east-1. The emulator serves one region: request signatures for another region are not told apart. */
  readonly region?: string;
  /** Default 000000000000. */
  readonly account?: string;
  readonly quotas?: Partial<SchedulerQuotas>;
  /** Told about events lost after their retries (no DLQ, or the DLQ failed too). */
  readonly onDropped?: OnDropped;
}

/** Timers are re-checked at least this often: a Node timer longer than ~24.8 days fires at once instead. */
const MAX_TIMER_MS = 6 * 3_600_000;

interface ArmedTimer {
  readonly cancel: () => void;
  readonly scheduledTime: number;
  readonly fireAt: number;
}

/**
 * Amazon EventBridge Scheduler, emulated: the control plane of schedule
 * groups, schedules and tags with AWS's validation and errors, and the data
 * plane that fires each enabled schedule on time (one timer per schedule on
 * the clock) and delivers its target through `deliver` with the target's
 * RetryPolicy and DeadLetterConfig. State survives restarts; occurrences
 * missed while the emulator was down are not backfilled, except one-time
 * at() schedules, which fire once when their time passed meanwhile.
 */
export class SchedulerEmulator {
  readonly clock: Clock;
  readonly scope: Scope;
  readonly quotas: SchedulerQuotas;
  private readonly timers = new Map<string, ArmedTimer>();
  private readonly commits = new Set<Promise<void>>();
  private readonly runner: DeliveryRunner;
  private readonly httpHandler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  private closed = false;
  /** A write after a fire that failed; reported by `idle()` and `close()` (the next commit writes the state again). */
  private failedWrite: unknown;

  private constructor(
    private readonly options: SchedulerEmulatorOptions,
    private readonly store: SchedulerStore,
  ) {
    this.clock = options.clock ?? systemClock;
    this.scope = { region: options.region ?? 'us-east-1', account: options.account ?? '000000000000' };
    this.quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
    this.runner = new DeliveryRunner(this.clock, options.deliver, options.onDropped);
    this.httpHandler = createSchedulerHttpHandler(this);
  }

  /**
   * Loads the data directory (creating the built-in `default` group on first
   * use) and arms every enabled schedule from now on. Throws when the state
   * file exists but cannot be read.
   */
  static async start(options: SchedulerEmulatorOptions): Promise<SchedulerEmulator> {
    const store = new SchedulerStore(options.dataDir);
    await store.load();
    const emulator = new SchedulerEmulator(options, store);
    const now = emulator.clock.now();
    if (!store.groups.has(DEFAULT_GROUP)) {
      store.groups.set(DEFAULT_GROUP, {
        name: DEFAULT_GROUP,
        arn: groupArn(emulator.scope, DEFAULT_GROUP),
        creationDate: now,
        lastModificationDate: now,
        tags: [],
      });
      await store.commit();
    }
    for (const key of store.schedules.keys()) emulator.arm(key, now - 1);
    return emulator;
  }

  get dataDir(): string {
    return this.options.dataDir;
  }

  /**
   * Runs one API operation on its input shape (`{ Name, GroupName, Target, … }`)
   * and resolves with its output shape, times in epoch seconds. Throws
   * SchedulerApiError: UnknownOperationException for a name outside the
   * Scheduler API, and ValidationException, ResourceNotFoundException,
   * ConflictException or ServiceQuotaExceededException as AWS would.
   */
  async call(operation: string, input: unknown): Promise<unknown> {
    if (this.closed) throw new SchedulerApiError('InternalServerException', 'The emulator is shutting down.');
    if (!isSchedulerOperation(operation)) {
      throw new SchedulerApiError('UnknownOperationException', `Unknown operation ${operation}.`);
    }
    const now = this.clock.now();
    const changed = new Set<string>();
    const ctx: OperationContext = {
      store: this.store,
      scope: this.scope,
      now,
      quotas: this.quotas,
      mutated: false,
      scheduleChanged: (key) => changed.add(key),
    };
    const output = OPERATIONS[operation](input, ctx);
    for (const key of changed) this.arm(key, now - 1);
    if (ctx.mutated) await this.store.commit();
    return output;
  }

  /** Serves one HTTP request as the Scheduler endpoint does (REST JSON, as `@aws-sdk/client-scheduler` speaks it). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return this.httpHandler(req, res);
  }

  /** The occurrence a schedule is armed for, and when it fires (later than scheduled in a flexible window). */
  nextInvocation(groupName: string, name: string): { scheduledTime: Date; fireAt: Date } | undefined {
    const timer = this.timers.get(scheduleKey(groupName, name));
    return timer && { scheduledTime: new Date(timer.scheduledTime), fireAt: new Date(timer.fireAt) };
  }

  /** Arms the schedule at `key` for its next occurrence after `after`, replacing any timer it had. */
  private arm(key: string, after: number): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    const schedule = this.store.schedules.get(key);
    if (!schedule || this.closed || schedule.state === 'DISABLED') return;
    const scheduledTime = nextScheduledTime(schedule, after);
    if (scheduledTime === undefined) return;
    const fireAt = scheduledTime + flexibleDelayMs(schedule.name, scheduledTime, schedule.flexibleTimeWindow);
    this.setTimer(key, scheduledTime, fireAt);
  }

  private setTimer(key: string, scheduledTime: number, fireAt: number): void {
    const schedule = this.store.schedules.get(key);
    const delay = fireAt - this.clock.now();
    const cancel =
      delay > MAX_TIMER_MS
        ? this.clock.schedule(MAX_TIMER_MS, () => this.setTimer(key, scheduledTime, fireAt))
        : this.clock.schedule(delay, () => {
            this.timers.delete(key);
            if (schedule && this.store.schedules.get(key) === schedule) this.fire(key, scheduledTime);
          });
    this.timers.set(key, { cancel, scheduledTime, fireAt });
  }

  private fire(key: string, scheduledTime: number): void {
    const schedule = this.store.schedules.get(key);
    if (!schedule || this.closed) return;
    const now = this.clock.now();
    schedule.lastScheduledTime = scheduledTime;
    this.runner.dispatch({
      scheduleArn: schedule.arn,
      scheduleName: schedule.name,
      groupName: schedule.groupName,
      target: schedule.target,
      scheduledTime: new Date(scheduledTime),
      invokedAt: new Date(now),
      executionId: randomUUID(),
    });
    // Next occurrence after this one; after a late wake-up (a sleeping laptop) occurrences older
    // than the flexible window are skipped rather than fired in a burst.
    const windowMs = (schedule.flexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000;
    this.arm(key, Math.max(scheduledTime, now - 1 - windowMs));
    if (schedule.actionAfterCompletion === 'DELETE' && !this.timers.has(key)) {
      // ActionAfterCompletion DELETE: the schedule is gone once it has invoked its target for the last time.
      this.store.schedules.delete(key);
    }
    const commit: Promise<void> = this.store
      .commit()
      .catch((error: unknown) => {
        this.failedWrite = error;
      })
      .finally(() => this.commits.delete(commit));
    this.commits.add(commit);
  }

  /**
   * Resolves when no delivery attempt is running and every fire is on disk
   * (retries waiting on the clock do not count). Throws the error of a failed write.
   */
  async idle(): Promise<void> {
    for (;;) {
      await this.runner.idle();
      if (this.commits.size === 0) break;
      await Promise.allSettled([...this.commits]);
    }
    this.throwFailedWrite();
  }

  private throwFailedWrite(): void {
    const error = this.failedWrite;
    this.failedWrite = undefined;
    if (error !== undefined) throw error;
  }

  /**
   * Disarms every schedule, cancels pending retries and waits for running
   * deliveries and writes; state on disk stays. Throws the error of a failed write.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    await this.runner.close();
    await Promise.allSettled([...this.commits]);
    this.throwFailedWrite();
  }
}
