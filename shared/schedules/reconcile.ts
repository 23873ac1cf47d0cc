import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
  type SchedulerClient,
  type ScheduleState,
  type Target,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { errorName, isNotFound } from '../resources/sdk-errors.js';
import { type ScheduledRunRequest, scheduledRunRequest } from '../workflow/messages.js';
import { parseScheduleExpression } from './aws-schedule.js';
import type { ConfiguredSchedule, ScheduledTask } from './from-config.js';

/**
 * Keeping a dataset group's EventBridge Scheduler schedules equal to its
 * parameter file. The deprecated solution stored the word "delete" as an
 * expression and left schedules removed from the file running (REFERENCE.md
 * defect 10); here the file is the whole truth for its dataset group: one
 * schedule per configured schedule, nothing else, and never a schedule of
 * another dataset group.
 *
 * Pure core: `scheduleName`, `desiredSchedules`, `planSchedules`,
 * `scheduleChanges`. Thin shell: `reconcileSchedules` (Scheduler I/O).
 */

/** EventBridge Scheduler's limit on schedule names (pattern `[0-9a-zA-Z-_.]+`). */
export const MAX_SCHEDULE_NAME_LENGTH = 64;
/** How much of the dataset group name a shortened schedule name keeps before its first `.`. */
export const SHORT_NAME_DATASET_GROUP_LENGTH = 32;
const HASH_LENGTH = 10;
const SAFE_PART = /^[0-9A-Za-z_-]+$/;

/** The last part of a schedule name, per task kind. */
const KIND_WORD: Readonly<Record<ScheduledTask['kind'], string>> = {
  import: 'import',
  full: 'full',
  update: 'update',
  batchInference: 'batch-inference',
  batchSegment: 'batch-segment',
};
const KIND_WORDS = new Set(Object.values(KIND_WORD));

/** The literal Scheduler replaces with the occurrence's time (`2026-03-22T18:00:00Z`) on every delivery. */
export const SCHEDULED_TIME_ATTRIBUTE = '<aws.scheduler.scheduled-time>';

/**
 * How long and how often Scheduler retries sending a run request. A run is
 * named by its occurrence, so a late or repeated delivery starts it at most
 * once; after six hours the request is more likely to overlap the next
 * occurrence than to help, so it goes to the runs DLQ for an operator to redrive.
 */
export const RUN_REQUEST_RETRY_POLICY = { MaximumEventAgeInSeconds: 21_600, MaximumRetryAttempts: 185 } as const;

/** Scheduler's own RetryPolicy when a target has none. */
const DEFAULT_RETRY_POLICY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 } as const;

/** Where a schedule sends its run request. */
export interface RunsQueueTarget {
  /** The runs queue's ARN (SQS target). */
  readonly queueArn: string;
  /** The role Scheduler assumes to send (stack output SchedulerRoleArn). */
  readonly roleArn: string;
  /** The runs DLQ's ARN: where Scheduler puts a request it could not deliver. */
  readonly deadLetterArn: string;
}

export interface ReconcileDeps {
  readonly scheduler: SchedulerClient;
  /** The stack's schedule group (stack output ScheduleGroupName). */
  readonly groupName: string;
}

export interface ReconcileResult {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
  readonly unchanged: readonly string[];
}

/** A schedule the parameter file wants (its expression is never `delete`). */
export interface DesiredSchedule {
  readonly name: string;
  readonly task: ScheduledTask;
  readonly expression: string;
  /** The run request it sends, with `scheduledTime` = {@link SCHEDULED_TIME_ATTRIBUTE}. */
  readonly request: ScheduledRunRequest;
}

/** A complete CreateSchedule (and UpdateSchedule) request. */
export type ScheduleRequest = ReturnType<typeof scheduleRequest>;

export interface ScheduleUpdate {
  /** The desired schedule with the existing one's State, Description and KmsKeyArn. */
  readonly request: Omit<ScheduleRequest, 'State'> & {
    readonly State: ScheduleState;
    readonly Description?: string;
    readonly KmsKeyArn?: string;
  };
  /** Which members differed (`ScheduleExpression`, `Target.Input`…). */
  readonly changes: readonly string[];
}

export interface SchedulePlan {
  readonly create: readonly ScheduleRequest[];
  readonly update: readonly ScheduleUpdate[];
  /** Names of the dataset group's schedules the file no longer wants. */
  readonly delete: readonly string[];
  readonly unchanged: readonly string[];
}

/** The file's schedules cannot be reconciled, and retrying the same file cannot help (a step fails with this message). */
export class ScheduleReconcileError extends Error {
  override readonly name: string = 'ScheduleReconcileError';
}

/** The parameter file's schedules cannot be turned into schedules (invalid expression, two with one name). */
export class InvalidSchedulesError extends ScheduleReconcileError {
  override readonly name = 'InvalidSchedulesError';
}

/** The name a schedule of this dataset group needs is taken by another dataset group's schedule. */
export class ScheduleNameTakenError extends ScheduleReconcileError {
  override readonly name = 'ScheduleNameTakenError';
}

/**
 * Scheduler refused a create or update as invalid (ValidationException: a role
 * or queue ARN it rejects, a quota): the same request cannot succeed on retry,
 * so this names the schedule and Scheduler's reason instead of ending in a DLQ.
 */
export class ScheduleRejectedError extends ScheduleReconcileError {
  override readonly name = 'ScheduleRejectedError';
}

const toSafe = (part: string) => part.replace(/[^0-9A-Za-z_-]/g, '-');

function taskParts(task: ScheduledTask): string[] {
  switch (task.kind) {
    case 'import':
      return [KIND_WORD.import];
    case 'full':
    case 'update':
      return [task.solution, KIND_WORD[task.kind]];
    case 'batchInference':
    case 'batchSegment':
      return [task.solution, task.job, KIND_WORD[task.kind]];
  }
}

/**
 * The schedule's name for a task of a dataset group: `<dsg>.import`,
 * `<dsg>.<solution>.full|update`, `<dsg>.<solution>.<job>.batch-inference|batch-segment`.
 * Personalize names never contain `.`, so the parts cannot run into each
 * other. A name longer than Scheduler's 64 characters (or with a character
 * Scheduler refuses) is shortened to
 * `<first 32 of dsg>.<as much of the rest as fits>.<kind>.<10 hex of sha256>`:
 * it ends in a hash where a full name ends in a kind word, so the two forms
 * never collide. Two dataset groups sharing their first 32 characters share
 * the start of their shortened names: ownership is decided by the schedule's
 * Input (see {@link scheduleOwner}), never by the name alone.
 */
export function scheduleName(datasetGroup: string, task: ScheduledTask): string {
  const parts = [datasetGroup, ...taskParts(task)];
  const full = parts.join('.');
  if (full.length <= MAX_SCHEDULE_NAME_LENGTH && parts.every((part) => SAFE_PART.test(part))) return full;
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, HASH_LENGTH);
  const head = toSafe(datasetGroup).slice(0, SHORT_NAME_DATASET_GROUP_LENGTH);
  const kind = KIND_WORD[task.kind];
  const room = MAX_SCHEDULE_NAME_LENGTH - head.length - kind.length - HASH_LENGTH - 3;
  const middle = parts
    .slice(1, -1)
    .map(toSafe)
    .join('.')
    .slice(0, Math.max(0, room))
    .replace(/[-_.]+$/, '');
  return [head, ...(middle ? [middle] : []), kind, hash].join('.');
}

/**
 * A prefix every schedule name of the dataset group starts with, for
 * ListSchedules' NamePrefix. It can match schedules of other dataset groups
 * too (a longer name sharing the first 32 characters): filter by {@link scheduleOwner}.
 */
export function scheduleNamePrefix(datasetGroup: string): string {
  const head = toSafe(datasetGroup).slice(0, SHORT_NAME_DATASET_GROUP_LENGTH);
  return SAFE_PART.test(datasetGroup) && datasetGroup.length > SHORT_NAME_DATASET_GROUP_LENGTH ? head : `${head}.`;
}

/**
 * The dataset group a schedule belongs to: its Input's `datasetGroup`;
 * without a readable Input, the first part of a full-form name (one ending in
 * a kind word); otherwise undefined (not provably anyone's: left alone).
 */
export function scheduleOwner(schedule: Pick<GetScheduleOutput, 'Name' | 'Target'>): string | undefined {
  const fromInput = runRequestOf(schedule.Target?.Input);
  if (fromInput) return fromInput.datasetGroup;
  const parts = (schedule.Name ?? '').split('.');
  return parts.length >= 2 && KIND_WORDS.has(parts.at(-1) ?? '') ? parts[0] : undefined;
}

/** The Input's datasetGroup and task when it looks like a run request mpx wrote, else undefined. */
export function runRequestOf(
  input: string | undefined,
): { datasetGroup: string; task?: ScheduledTask; scheduleName?: string } | undefined {
  if (input === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { datasetGroup } = json as { datasetGroup?: unknown };
  if (typeof datasetGroup !== 'string' || datasetGroup === '') return undefined;
  const parsed = scheduledRunRequest.safeParse(json);
  return parsed.success
    ? { datasetGroup, task: parsed.data.task, scheduleName: parsed.data.scheduleName }
    : { datasetGroup };
}

/**
 * The schedules a dataset group's parameter file wants, in file order;
 * `delete` ones are left out (so reconciling deletes them).
 * @throws InvalidSchedulesError, before anything is sent, when an expression is
 *   not a recurring AWS expression or two schedules would share a name.
 */
export function desiredSchedules(datasetGroup: string, configured: readonly ConfiguredSchedule[]): DesiredSchedule[] {
  const problems: string[] = [];
  const byName = new Map<string, ConfiguredSchedule>();
  const out: DesiredSchedule[] = [];
  for (const schedule of configured) {
    const name = scheduleName(datasetGroup, schedule.task);
    const first = byName.get(name);
    if (first) {
      problems.push(`${schedule.path}: same task as ${first.path} (schedule ${name})`);
      continue;
    }
    byName.set(name, schedule);
    if (schedule.expression === 'delete') continue;
    const parsed = parseScheduleExpression(schedule.expression);
    if (!parsed.ok) {
      problems.push(`${schedule.path}: ${parsed.message}`);
      continue;
    }
    if (parsed.schedule.kind === 'at') {
      problems.push(`${schedule.path}: "${schedule.expression}" fires once; use cron(...) or rate(...)`);
      continue;
    }
    const request = scheduledRunRequest.safeParse({
      version: 1,
      type: 'schedule',
      datasetGroup,
      scheduleName: name,
      task: schedule.task,
      scheduledTime: SCHEDULED_TIME_ATTRIBUTE,
    });
    if (!request.success) {
      const issue = request.error.issues[0];
      problems.push(`${schedule.path}: no valid run request: ${issue?.path.join('.')}: ${issue?.message}`);
      continue;
    }
    out.push({ name, task: schedule.task, expression: schedule.expression, request: request.data });
  }
  if (problems.length > 0) {
    throw new InvalidSchedulesError(`schedules of ${datasetGroup} cannot be reconciled: ${problems.join('; ')}`);
  }
  return out;
}

/** The full CreateSchedule request for a desired schedule (UTC, no flexible window, ENABLED). */
export function scheduleRequest(groupName: string, desired: DesiredSchedule, target: RunsQueueTarget) {
  return {
    Name: desired.name,
    GroupName: groupName,
    ScheduleExpression: desired.expression,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'NONE',
    State: 'ENABLED',
    Target: {
      Arn: target.queueArn,
      RoleArn: target.roleArn,
      Input: JSON.stringify(desired.request),
      RetryPolicy: { ...RUN_REQUEST_RETRY_POLICY },
      DeadLetterConfig: { Arn: target.deadLetterArn },
    },
  } satisfies CreateScheduleInput;
}

const MANAGED_TARGET_MEMBERS = new Set(['Arn', 'RoleArn', 'Input', 'RetryPolicy', 'DeadLetterConfig']);

function sameInput(actual: string | undefined, expected: string): boolean {
  if (actual === expected) return true;
  if (actual === undefined) return false;
  try {
    return isDeepStrictEqual(JSON.parse(actual), JSON.parse(expected));
  } catch {
    return false;
  }
}

/**
 * The members of `existing` that differ from what mpx would create: the
 * expression and its timing (time zone, window, start and end dates, action
 * after completion) and the whole target. State, Description and KmsKeyArn
 * are an operator's to set and are not compared. Absent members count as
 * Scheduler's defaults (UTC, NONE, its default RetryPolicy).
 */
export function scheduleChanges(expected: ScheduleRequest, existing: GetScheduleOutput): string[] {
  const changes: string[] = [];
  if (existing.ScheduleExpression !== expected.ScheduleExpression) changes.push('ScheduleExpression');
  if ((existing.ScheduleExpressionTimezone ?? 'UTC') !== expected.ScheduleExpressionTimezone) {
    changes.push('ScheduleExpressionTimezone');
  }
  if (existing.FlexibleTimeWindow?.Mode !== expected.FlexibleTimeWindow.Mode) changes.push('FlexibleTimeWindow');
  if (existing.StartDate !== undefined) changes.push('StartDate');
  if (existing.EndDate !== undefined) changes.push('EndDate');
  if ((existing.ActionAfterCompletion ?? 'NONE') !== expected.ActionAfterCompletion) {
    changes.push('ActionAfterCompletion');
  }
  const target: Target | undefined = existing.Target;
  const want = expected.Target;
  if (target?.Arn !== want.Arn) changes.push('Target.Arn');
  if (target?.RoleArn !== want.RoleArn) changes.push('Target.RoleArn');
  if (!sameInput(target?.Input, want.Input)) changes.push('Target.Input');
  const retry = { ...DEFAULT_RETRY_POLICY, ...target?.RetryPolicy };
  if (
    retry.MaximumEventAgeInSeconds !== want.RetryPolicy.MaximumEventAgeInSeconds ||
    retry.MaximumRetryAttempts !== want.RetryPolicy.MaximumRetryAttempts
  ) {
    changes.push('Target.RetryPolicy');
  }
  if (target?.DeadLetterConfig?.Arn !== want.DeadLetterConfig.Arn) changes.push('Target.DeadLetterConfig');
  for (const [member, value] of Object.entries(target ?? {})) {
    if (!MANAGED_TARGET_MEMBERS.has(member) && value !== undefined) changes.push(`Target.${member}`);
  }
  return changes;
}

/**
 * What to send so that the group holds exactly the desired schedules of
 * `datasetGroup`. `existing` are GetSchedule outputs of candidate schedules
 * (any dataset group's: those not owned by `datasetGroup` are left alone).
 * An update keeps the schedule's State (an operator's pause survives),
 * Description and KmsKeyArn: UpdateSchedule replaces the whole schedule, so
 * whatever is not sent back would be reset.
 * @throws ScheduleNameTakenError when a desired name belongs to another dataset group's schedule.
 */
export function planSchedules(
  datasetGroup: string,
  desired: readonly DesiredSchedule[],
  existing: readonly GetScheduleOutput[],
  groupName: string,
  target: RunsQueueTarget,
): SchedulePlan {
  const byName = new Map(existing.map((schedule) => [schedule.Name, schedule]));
  const wanted = new Set(desired.map((d) => d.name));
  const create: ScheduleRequest[] = [];
  const update: ScheduleUpdate[] = [];
  const unchanged: string[] = [];
  for (const schedule of desired) {
    const expected = scheduleRequest(groupName, schedule, target);
    const current = byName.get(schedule.name);
    if (!current) {
      create.push(expected);
      continue;
    }
    const owner = scheduleOwner(current);
    if (owner !== undefined && owner !== datasetGroup) {
      throw new ScheduleNameTakenError(
        `schedule ${schedule.name} in group ${groupName} belongs to dataset group ${owner}, not ${datasetGroup}`,
      );
    }
    const changes = scheduleChanges(expected, current);
    if (changes.length === 0) {
      unchanged.push(schedule.name);
      continue;
    }
    update.push({
      request: {
        ...expected,
        State: current.State ?? 'ENABLED',
        ...(current.Description !== undefined ? { Description: current.Description } : {}),
        ...(current.KmsKeyArn !== undefined ? { KmsKeyArn: current.KmsKeyArn } : {}),
      },
      changes,
    });
  }
  const deleted = existing
    .filter((s) => s.Name !== undefined && !wanted.has(s.Name) && scheduleOwner(s) === datasetGroup)
    .map((s) => s.Name as string)
    .sort();
  return { create, update, delete: deleted, unchanged };
}

/** GetSchedule of every schedule whose name starts with `prefix` (ListSchedules has no expression or Input). */
export async function readSchedules(deps: ReconcileDeps, prefix?: string): Promise<GetScheduleOutput[]> {
  const out: GetScheduleOutput[] = [];
  let NextToken: string | undefined;
  do {
    const page = await deps.scheduler.send(
      new ListSchedulesCommand({
        GroupName: deps.groupName,
        ...(prefix !== undefined ? { NamePrefix: prefix } : {}),
        MaxResults: 100,
        NextToken,
      }),
    );
    for (const summary of page.Schedules ?? []) {
      if (!summary.Name) continue;
      try {
        out.push(await deps.scheduler.send(new GetScheduleCommand({ Name: summary.Name, GroupName: deps.groupName })));
      } catch (error) {
        // Deleted between the list and the get: nothing to reconcile.
        if (!isNotFound(error)) throw error;
      }
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

const isConflict = (error: unknown) => errorName(error) === 'ConflictException';

/** Sends a create or update. @throws ScheduleRejectedError for ValidationException; other errors unchanged. */
async function rejectable<T>(scheduleName: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof Error && errorName(error) === 'ValidationException') {
      throw new ScheduleRejectedError(`Scheduler refused schedule ${scheduleName}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Makes the schedule group hold exactly one schedule per configured (non
 * `delete`) schedule of `datasetGroup`, sending run requests to the runs
 * queue; deletes that dataset group's other schedules; never touches another
 * dataset group's. Idempotent: a schedule that matches is left as is, so a
 * redelivered request changes nothing. Deletes first (room under the quota),
 * then updates, then creates; a create that meets a schedule made meanwhile
 * (ConflictException) becomes an update, a delete of one already gone counts.
 * @throws InvalidSchedulesError before any call when the file's schedules are unusable;
 *   ScheduleNameTakenError when a name is another dataset group's;
 *   ScheduleRejectedError when Scheduler refuses a create or update
 *   (ValidationException); Scheduler's other errors unchanged (retryable faults).
 */
export async function reconcileSchedules(
  deps: ReconcileDeps,
  datasetGroup: string,
  configured: readonly ConfiguredSchedule[],
  target: RunsQueueTarget,
): Promise<ReconcileResult> {
  const desired = desiredSchedules(datasetGroup, configured);
  const existing = await readSchedules(deps, scheduleNamePrefix(datasetGroup));
  const plan = planSchedules(datasetGroup, desired, existing, deps.groupName, target);
  const result = {
    created: [] as string[],
    updated: [] as string[],
    deleted: [] as string[],
    unchanged: [...plan.unchanged],
  };

  const create = (request: ScheduleRequest | ScheduleUpdate['request']) =>
    rejectable(request.Name, () => deps.scheduler.send(new CreateScheduleCommand(request)));
  const update = (request: ScheduleUpdate['request']) =>
    rejectable(request.Name, () => deps.scheduler.send(new UpdateScheduleCommand(request)));

  for (const name of plan.delete) {
    try {
      await deps.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: deps.groupName }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    result.deleted.push(name);
  }
  for (const { request } of plan.update) {
    try {
      await update(request);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // Deleted since it was read (e.g. `mpx schedules delete`): the file still wants it.
      await create(request);
    }
    result.updated.push(request.Name);
  }
  for (const request of plan.create) {
    try {
      await create(request);
      result.created.push(request.Name);
    } catch (error) {
      if (!isConflict(error)) throw error;
      // Created since it was listed (another delivery of the same run): compare with that one.
      const current = await deps.scheduler.send(
        new GetScheduleCommand({ Name: request.Name, GroupName: deps.groupName }),
      );
      const own = desired.filter((d) => d.name === request.Name);
      const again = planSchedules(datasetGroup, own, [current], deps.groupName, target);
      for (const change of again.update) await update(change.request);
      (again.update.length > 0 ? result.updated : result.unchanged).push(request.Name);
    }
  }
  return result;
}
