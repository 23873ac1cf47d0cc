import { nextFireTimes, parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import { validationError } from './errors.js';
import type { ScheduleRequest } from './validation.js';

/**
 * The rules of CreateSchedule and UpdateSchedule beyond the shape of the
 * request, each answered with the ValidationException AWS sends.
 */

const START_DATE_GRACE_MS = 5 * 60_000;

/** Whether `timezone` is an IANA time zone both Node and the cron engine can evaluate in. */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    const probe = parseScheduleExpression('cron(0 0 * * ? *)');
    if (probe.ok) nextFireTimes(probe.schedule, new Date(0), 1, { timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a schedule request at time `now` (epoch ms):
 * - the expression is a valid AWS `cron()`, `rate()` or `at()` for the shared
 *   engine, which can also evaluate it (e.g. a cron with both day-of-month and
 *   day-of-week set is refused, and so is a range like `5-1`);
 * - ScheduleExpressionTimezone is a real IANA zone;
 * - a FLEXIBLE window says how long it is;
 * - for recurring schedules, StartDate is no more than 5 minutes in the past
 *   and EndDate is in the future and after StartDate (one-time schedules
 *   ignore both dates, as on AWS).
 * Throws ValidationException on the first rule broken.
 */
export function checkScheduleRules(request: ScheduleRequest, now: number): void {
  const parsed = parseScheduleExpression(request.ScheduleExpression);
  if (!parsed.ok) {
    throw validationError(`Invalid Schedule Expression ${request.ScheduleExpression}. ${parsed.message}`);
  }
  const timezone = request.ScheduleExpressionTimezone;
  if (timezone !== undefined && !isKnownTimezone(timezone)) {
    throw validationError(`Invalid ScheduleExpressionTimezone ${timezone}: expected an IANA time zone name.`);
  }
  if (
    request.FlexibleTimeWindow.Mode === 'FLEXIBLE' &&
    request.FlexibleTimeWindow.MaximumWindowInMinutes === undefined
  ) {
    throw validationError('MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.');
  }
  if (parsed.schedule.kind === 'at') return;
  const { StartDate: start, EndDate: end } = request;
  if (start !== undefined && start < now - START_DATE_GRACE_MS) {
    throw validationError('The StartDate you specify cannot be earlier than 5 minutes ago.');
  }
  if (end !== undefined && start !== undefined && end <= start) {
    throw validationError('The EndDate you specify must be later than the StartDate.');
  }
  if (end !== undefined && end <= now) {
    throw validationError('The EndDate you specify cannot be earlier than the current time.');
  }
}
