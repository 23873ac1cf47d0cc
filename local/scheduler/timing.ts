import { createHash } from 'node:crypto';
import { nextFireTimes, parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import type { FlexibleTimeWindow, ScheduleRecord } from './model.js';

/**
 * When a schedule fires, as pure functions of the schedule and a time: the
 * next scheduled (nominal) time, the flexible-window delay on top of it, and
 * the back-off between delivery retries. Fire times come from the one AWS
 * schedule engine (`shared/schedules/aws-schedule.ts`).
 */

const EARLIEST = new Date(-8.64e15);

/**
 * The next scheduled time of `schedule` strictly after `after` (epoch ms), or
 * undefined when it has none. Reproduces Scheduler's rules:
 * - at(): fires once at its wall-clock time in ScheduleExpressionTimezone,
 *   even when that time has passed (a one-time schedule in the past fires
 *   right away); StartDate and EndDate are ignored, as AWS documents.
 * - rate(): the first occurrence is StartDate, or the moment the schedule was
 *   created or last updated when there is none ("starts invoking immediately");
 *   later ones follow at the period.
 * - cron(): read in ScheduleExpressionTimezone (default UTC).
 * - recurring schedules fire on or after StartDate and on or before EndDate,
 *   and never twice for the same scheduled time (`lastScheduledTime`).
 * Disabled schedules are the caller's business.
 */
export function nextScheduledTime(schedule: ScheduleRecord, after: number): number | undefined {
  try {
    return nextOccurrence(schedule, after);
  } catch {
    // Only a state file written by hand can hold an expression the engine cannot evaluate
    // (CreateSchedule refuses them): such a schedule never fires rather than stopping the emulator.
    return undefined;
  }
}

function nextOccurrence(schedule: ScheduleRecord, after: number): number | undefined {
  const parsed = parseScheduleExpression(schedule.scheduleExpression);
  if (!parsed.ok) return undefined;
  const expression = parsed.schedule;
  const timezone = schedule.timezone ?? 'UTC';
  if (expression.kind === 'at') {
    if (schedule.lastScheduledTime !== undefined) return undefined;
    return nextFireTimes(expression, EARLIEST, 1, { timezone })[0]?.getTime();
  }
  const from = Math.max(
    after,
    schedule.lastScheduledTime ?? Number.NEGATIVE_INFINITY,
    schedule.startDate !== undefined ? schedule.startDate - 1 : Number.NEGATIVE_INFINITY,
  );
  let next: Date | undefined;
  if (expression.kind === 'rate') {
    const anchor = new Date(schedule.startDate ?? schedule.lastModificationDate);
    next = nextFireTimes(expression, new Date(from), 1, { anchor })[0];
  } else {
    next = nextFireTimes(expression, new Date(from), 1, { timezone })[0];
  }
  if (!next) return undefined;
  return schedule.endDate !== undefined && next.getTime() > schedule.endDate ? undefined : next.getTime();
}

/**
 * How long after its scheduled time a schedule with a flexible time window
 * fires: a pseudo-random moment within [0, MaximumWindowInMinutes), the same
 * for the same schedule name and scheduled time (so restarts and tests agree).
 * Zero when Mode is OFF.
 */
export function flexibleDelayMs(name: string, scheduledTime: number, window: FlexibleTimeWindow): number {
  if (window.Mode !== 'FLEXIBLE' || !window.MaximumWindowInMinutes) return 0;
  const digest = createHash('sha256')
    .update(`${name}@${new Date(scheduledTime).toISOString()}`)
    .digest();
  return Math.floor((digest.readUInt32BE(0) / 2 ** 32) * window.MaximumWindowInMinutes * 60_000);
}

export const RETRY_BASE_DELAY_MS = 1_000;
export const RETRY_MAX_DELAY_MS = 5 * 60_000;

/**
 * Exponential back-off before retry number `retry` (1 for the first retry):
 * 1 s, 2 s, 4 s… capped at 5 minutes. AWS does not publish its schedule; this
 * one lets 185 retries span about 15 hours, inside the default 24-hour event age.
 */
export function retryDelayMs(retry: number): number {
  return Math.min(RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retry - 1), RETRY_MAX_DELAY_MS);
}
