import { conflict, groupNotFound, quotaExceeded, scheduleNotFound, validationError } from './errors.js';
import {
  DEFAULT_GROUP,
  type GroupRecord,
  groupArn,
  type ScheduleRecord,
  type Scope,
  scheduleArn,
  scheduleKey,
  type Tag,
} from './model.js';
import { checkScheduleRules } from './rules.js';
import type { SchedulerStore } from './store.js';
import {
  readGroupRequest,
  readListGroups,
  readListSchedules,
  readScheduleId,
  readScheduleRequest,
  readTagRequest,
  type ScheduleRequest,
} from './validation.js';

/**
 * The Scheduler API operations on the emulator's state. Each takes the
 * operation's input as the SDK's input shape (labels, query and body members
 * merged, e.g. `{ Name, GroupName, Target, ... }`) and returns its output shape
 * as JSON (times in epoch seconds). They throw SchedulerApiError for every
 * error the API defines.
 */

export interface SchedulerQuotas {
  /** Schedules per account and region (AWS: 1,000,000). */
  readonly schedules: number;
  /** Schedule groups per account and region, the default group included (AWS: 500). */
  readonly scheduleGroups: number;
}

export const DEFAULT_QUOTAS: SchedulerQuotas = { schedules: 1_000_000, scheduleGroups: 500 };

export interface OperationContext {
  readonly store: SchedulerStore;
  readonly scope: Scope;
  readonly now: number;
  readonly quotas: SchedulerQuotas;
  /** Set by operations that change the state, so the caller commits it. */
  mutated: boolean;
  /** Re-arms (or disarms, when it is gone or disabled) the timer of the schedule at this key. */
  scheduleChanged(key: string): void;
}

export type Operation = (input: unknown, ctx: OperationContext) => unknown;

export type SchedulerOperationName =
  | 'CreateSchedule'
  | 'GetSchedule'
  | 'UpdateSchedule'
  | 'DeleteSchedule'
  | 'ListSchedules'
  | 'CreateScheduleGroup'
  | 'GetScheduleGroup'
  | 'DeleteScheduleGroup'
  | 'ListScheduleGroups'
  | 'TagResource'
  | 'UntagResource'
  | 'ListTagsForResource';

const DEFAULT_PAGE_SIZE = 100;

const seconds = (ms: number) => ms / 1000;

function requireGroup(ctx: OperationContext, name: string): GroupRecord {
  const group = ctx.store.groups.get(name);
  if (!group) throw groupNotFound(name);
  return group;
}

function requireSchedule(ctx: OperationContext, group: string, name: string): ScheduleRecord {
  requireGroup(ctx, group);
  const schedule = ctx.store.schedules.get(scheduleKey(group, name));
  if (!schedule) throw scheduleNotFound(name);
  return schedule;
}

function toRecord(
  request: ScheduleRequest,
  ctx: OperationContext,
  previous: ScheduleRecord | undefined,
): ScheduleRecord {
  const sameTiming =
    previous !== undefined &&
    previous.scheduleExpression === request.ScheduleExpression &&
    previous.timezone === request.ScheduleExpressionTimezone;
  return {
    name: request.Name,
    groupName: request.GroupName,
    arn: scheduleArn(ctx.scope, request.GroupName, request.Name),
    scheduleExpression: request.ScheduleExpression,
    ...(request.ScheduleExpressionTimezone !== undefined ? { timezone: request.ScheduleExpressionTimezone } : {}),
    ...(request.StartDate !== undefined ? { startDate: request.StartDate } : {}),
    ...(request.EndDate !== undefined ? { endDate: request.EndDate } : {}),
    ...(request.Description !== undefined ? { description: request.Description } : {}),
    state: request.State,
    ...(request.KmsKeyArn !== undefined ? { kmsKeyArn: request.KmsKeyArn } : {}),
    target: request.Target,
    flexibleTimeWindow: request.FlexibleTimeWindow,
    actionAfterCompletion: request.ActionAfterCompletion,
    creationDate: previous?.creationDate ?? ctx.now,
    lastModificationDate: ctx.now,
    ...(request.ClientToken !== undefined ? { clientToken: request.ClientToken } : {}),
    // An update that keeps the expression keeps the record of what already fired (an at() stays done).
    ...(sameTiming && previous.lastScheduledTime !== undefined
      ? { lastScheduledTime: previous.lastScheduledTime }
      : {}),
  };
}

/** GetSchedule's output: every member, defaults included (UTC, RetryPolicy, NONE). */
export function scheduleOutput(schedule: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: schedule.arn,
    GroupName: schedule.groupName,
    Name: schedule.name,
    ScheduleExpression: schedule.scheduleExpression,
    ...(schedule.startDate !== undefined ? { StartDate: seconds(schedule.startDate) } : {}),
    ...(schedule.endDate !== undefined ? { EndDate: seconds(schedule.endDate) } : {}),
    ...(schedule.description !== undefined ? { Description: schedule.description } : {}),
    ScheduleExpressionTimezone: schedule.timezone ?? 'UTC',
    State: schedule.state,
    CreationDate: seconds(schedule.creationDate),
    LastModificationDate: seconds(schedule.lastModificationDate),
    ...(schedule.kmsKeyArn !== undefined ? { KmsKeyArn: schedule.kmsKeyArn } : {}),
    Target: schedule.target,
    FlexibleTimeWindow: schedule.flexibleTimeWindow,
    ActionAfterCompletion: schedule.actionAfterCompletion,
  };
}

function groupOutput(group: GroupRecord): Record<string, unknown> {
  return {
    Arn: group.arn,
    Name: group.name,
    State: 'ACTIVE',
    CreationDate: seconds(group.creationDate),
    LastModificationDate: seconds(group.lastModificationDate),
  };
}

/** One page of `items` (sorted by `key`) after the item named by `token`. Throws ValidationException for a bad token. */
function page<T>(
  items: readonly T[],
  key: (item: T) => string,
  token: string | undefined,
  size = DEFAULT_PAGE_SIZE,
): { items: T[]; nextToken?: string } {
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  let start = 0;
  if (token !== undefined) {
    let after: unknown;
    try {
      after = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      after = undefined;
    }
    if (typeof after !== 'object' || after === null || typeof (after as { after?: unknown }).after !== 'string') {
      throw validationError('The NextToken is not valid.');
    }
    const last = (after as { after: string }).after;
    start = sorted.findIndex((item) => key(item) > last);
    if (start < 0) start = sorted.length;
  }
  const slice = sorted.slice(start, start + size);
  const lastItem = slice.at(-1);
  const more = start + size < sorted.length && lastItem !== undefined;
  return {
    items: slice,
    ...(more ? { nextToken: Buffer.from(JSON.stringify({ after: key(lastItem) })).toString('base64url') } : {}),
  };
}

const createSchedule: Operation = (input, ctx) => {
  const request = readScheduleRequest(input);
  requireGroup(ctx, request.GroupName);
  const key = scheduleKey(request.GroupName, request.Name);
  const existing = ctx.store.schedules.get(key);
  if (existing) {
    // A retried request (same ClientToken) gets the schedule it already created.
    if (request.ClientToken !== undefined && existing.clientToken === request.ClientToken) {
      return { ScheduleArn: existing.arn };
    }
    throw conflict(`Schedule ${request.Name} already exists.`);
  }
  checkScheduleRules(request, ctx.now);
  if (ctx.store.schedules.size >= ctx.quotas.schedules) {
    throw quotaExceeded(`You have reached the quota of ${ctx.quotas.schedules} schedules.`);
  }
  const record = toRecord(request, ctx, undefined);
  ctx.store.schedules.set(key, record);
  ctx.mutated = true;
  ctx.scheduleChanged(key);
  return { ScheduleArn: record.arn };
};

const updateSchedule: Operation = (input, ctx) => {
  const request = readScheduleRequest(input);
  const previous = requireSchedule(ctx, request.GroupName, request.Name);
  checkScheduleRules(request, ctx.now);
  const key = scheduleKey(request.GroupName, request.Name);
  // UpdateSchedule replaces the whole schedule: members left out go back to their defaults.
  const record = toRecord(request, ctx, previous);
  ctx.store.schedules.set(key, record);
  ctx.mutated = true;
  ctx.scheduleChanged(key);
  return { ScheduleArn: record.arn };
};

const getSchedule: Operation = (input, ctx) => {
  const { Name, GroupName } = readScheduleId(input);
  return scheduleOutput(requireSchedule(ctx, GroupName, Name));
};

const deleteSchedule: Operation = (input, ctx) => {
  const { Name, GroupName } = readScheduleId(input);
  requireSchedule(ctx, GroupName, Name);
  const key = scheduleKey(GroupName, Name);
  ctx.store.schedules.delete(key);
  ctx.mutated = true;
  ctx.scheduleChanged(key);
  return {};
};

const listSchedules: Operation = (input, ctx) => {
  const request = readListSchedules(input);
  if (request.GroupName !== undefined) requireGroup(ctx, request.GroupName);
  const matching = [...ctx.store.schedules.values()].filter(
    (s) =>
      (request.GroupName === undefined || s.groupName === request.GroupName) &&
      (request.NamePrefix === undefined || s.name.startsWith(request.NamePrefix)) &&
      (request.State === undefined || s.state === request.State),
  );
  const result = page(matching, (s) => `${s.groupName}\u0000${s.name}`, request.NextToken, request.MaxResults);
  return {
    Schedules: result.items.map((s) => ({
      Arn: s.arn,
      Name: s.name,
      GroupName: s.groupName,
      State: s.state,
      CreationDate: seconds(s.creationDate),
      LastModificationDate: seconds(s.lastModificationDate),
      Target: { Arn: s.target.Arn },
    })),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
};

/** The default group is built in: it can be read and used, not created, deleted or tagged. */
function refuseDefaultGroup(name: string): void {
  if (name === DEFAULT_GROUP) {
    throw validationError(`This operation cannot be performed on schedule group ${DEFAULT_GROUP}.`);
  }
}

const createScheduleGroup: Operation = (input, ctx) => {
  const request = readGroupRequest(input);
  refuseDefaultGroup(request.Name);
  const existing = ctx.store.groups.get(request.Name);
  if (existing) {
    if (request.ClientToken !== undefined && existing.clientToken === request.ClientToken) {
      return { ScheduleGroupArn: existing.arn };
    }
    throw conflict(`Schedule group ${request.Name} already exists.`);
  }
  if (ctx.store.groups.size >= ctx.quotas.scheduleGroups) {
    throw quotaExceeded(`You have reached the quota of ${ctx.quotas.scheduleGroups} schedule groups.`);
  }
  const group: GroupRecord = {
    name: request.Name,
    arn: groupArn(ctx.scope, request.Name),
    creationDate: ctx.now,
    lastModificationDate: ctx.now,
    tags: mergeTags([], request.Tags),
    ...(request.ClientToken !== undefined ? { clientToken: request.ClientToken } : {}),
  };
  ctx.store.groups.set(group.name, group);
  ctx.mutated = true;
  return { ScheduleGroupArn: group.arn };
};

const getScheduleGroup: Operation = (input, ctx) => groupOutput(requireGroup(ctx, readGroupRequest(input).Name));

const deleteScheduleGroup: Operation = (input, ctx) => {
  const { Name } = readGroupRequest(input);
  refuseDefaultGroup(Name);
  requireGroup(ctx, Name);
  // AWS deletes the group's schedules with it (asynchronously, through a DELETING state; here at once).
  for (const [key, schedule] of [...ctx.store.schedules]) {
    if (schedule.groupName !== Name) continue;
    ctx.store.schedules.delete(key);
    ctx.scheduleChanged(key);
  }
  ctx.store.groups.delete(Name);
  ctx.mutated = true;
  return {};
};

const listScheduleGroups: Operation = (input, ctx) => {
  const request = readListGroups(input);
  const matching = [...ctx.store.groups.values()].filter(
    (g) => request.NamePrefix === undefined || g.name.startsWith(request.NamePrefix),
  );
  const result = page(matching, (g) => g.name, request.NextToken, request.MaxResults);
  return {
    ScheduleGroups: result.items.map(groupOutput),
    ...(result.nextToken !== undefined ? { NextToken: result.nextToken } : {}),
  };
};

/** The group a tagging ARN names, in this emulator's region and account. Throws ResourceNotFoundException. */
function taggedGroup(ctx: OperationContext, arn: string): GroupRecord {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const group = ctx.store.groups.get(name);
  if (!group || group.arn !== arn) throw groupNotFound(name);
  return group;
}

function mergeTags(current: readonly Tag[], added: readonly Tag[]): Tag[] {
  const byKey = new Map(current.map((t) => [t.Key, t.Value]));
  for (const tag of added) byKey.set(tag.Key, tag.Value);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

const tagResource: Operation = (input, ctx) => {
  const request = readTagRequest(input, 'tags');
  const group = taggedGroup(ctx, request.ResourceArn);
  refuseDefaultGroup(group.name);
  ctx.store.groups.set(group.name, { ...group, tags: mergeTags(group.tags, request.Tags) });
  ctx.mutated = true;
  return {};
};

const untagResource: Operation = (input, ctx) => {
  const request = readTagRequest(input, 'tagKeys');
  const group = taggedGroup(ctx, request.ResourceArn);
  refuseDefaultGroup(group.name);
  const removed = new Set(request.TagKeys);
  ctx.store.groups.set(group.name, { ...group, tags: group.tags.filter((t) => !removed.has(t.Key)) });
  ctx.mutated = true;
  return {};
};

const listTagsForResource: Operation = (input, ctx) => {
  const request = readTagRequest(input, 'none');
  return { Tags: taggedGroup(ctx, request.ResourceArn).tags };
};

/** Every operation of the Scheduler API (2021-06-30), by name. */
export const OPERATIONS: Readonly<Record<SchedulerOperationName, Operation>> = {
  CreateSchedule: createSchedule,
  GetSchedule: getSchedule,
  UpdateSchedule: updateSchedule,
  DeleteSchedule: deleteSchedule,
  ListSchedules: listSchedules,
  CreateScheduleGroup: createScheduleGroup,
  GetScheduleGroup: getScheduleGroup,
  DeleteScheduleGroup: deleteScheduleGroup,
  ListScheduleGroups: listScheduleGroups,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/** Whether `name` is an operation of the Scheduler API. */
export const isSchedulerOperation = (name: string): name is SchedulerOperationName => Object.hasOwn(OPERATIONS, name);
