import { done, failed, pending, type StepOutcome } from '../workflow/outcome.js';

/**
 * Personalize statuses mapped to step outcomes, matched EXACTLY (the deprecated
 * solution matched substrings, so INACTIVE counted as ACTIVE — REFERENCE.md
 * defect 13). Every failure keeps Personalize's failureReason (defect 1).
 */

const READY = new Set(['ACTIVE']);
const IN_FLIGHT = new Set([
  'CREATE PENDING',
  'CREATE IN_PROGRESS',
  'PENDING',
  'IN PROGRESS',
  'UPDATE PENDING',
  'UPDATE IN_PROGRESS',
  'START PENDING',
  'START IN_PROGRESS',
]);
const FAILED = new Set(['CREATE FAILED', 'CREATE STOPPED', 'CREATE STOPPING']);

/** What a described resource's status means for the step that ensures it. */
export function outcomeOfStatus(
  label: string,
  arn: string,
  status: string | undefined,
  failureReason: string | undefined,
): StepOutcome {
  if (status !== undefined && READY.has(status)) return done(arn);
  if (status !== undefined && IN_FLIGHT.has(status)) return pending(status, arn);
  if (status !== undefined && FAILED.has(status)) {
    return failed(`${label} ${arn} is ${status}: ${failureReason ?? 'Personalize gave no reason'}`, arn);
  }
  if (status === 'INACTIVE' || status?.startsWith('STOP '))
    return failed(`${label} ${arn} is ${status}: start it again`, arn);
  if (status?.startsWith('DELETE ')) return failed(`${label} ${arn} is being deleted (${status})`, arn);
  return failed(`${label} ${arn} has an unknown status ${String(status)}`, arn);
}
