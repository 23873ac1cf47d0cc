import { validationError } from './errors.js';
import {
  type ActionAfterCompletion,
  DEFAULT_GROUP,
  DEFAULT_RETRY_POLICY,
  type FlexibleTimeWindow,
  type FlexibleTimeWindowMode,
  type JsonObject,
  type ScheduleState,
  type Tag,
  type Target,
} from './model.js';

/**
 * Shape validation of Scheduler requests with the constraints of the service
 * model (lengths, patterns, ranges, enums, required members), reported the way
 * AWS's front end reports them: every violation at once, in one
 * ValidationException such as
 * `2 validation errors detected: Value 'a b' at 'name' failed to satisfy constraint: ...; Value null at 'target' ...`.
 * Member paths are lower camel case, list members `tags.1.member.key`.
 * Unknown members are ignored, as AWS's REST JSON services do.
 */

export const NAME_PATTERN = '^[0-9a-zA-Z-_.]+$';
const CLIENT_TOKEN_PATTERN = '^[a-zA-Z0-9-_]+$';
const ROLE_ARN_PATTERN = '^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$';
const DLQ_ARN_PATTERN = '^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$';
const KMS_KEY_ARN_PATTERN = '^arn:aws(-[a-z]+)?:kms:[a-z0-9\\-]+:\\d{12}:(key|alias)\\/[0-9a-zA-Z-_]*$';
export const TAG_RESOURCE_ARN_PATTERN =
  '^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+$';

interface StringRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly values?: readonly string[];
}

interface IntegerRule {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
}

type Fields = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Collects constraint violations member by member, then throws them as one ValidationException. */
class Constraints {
  private readonly problems: string[] = [];

  private fail(value: unknown, path: string, constraint: string): undefined {
    const shown =
      value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
    this.problems.push(`Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
    return undefined;
  }

  string(value: unknown, path: string, rule: StringRule = {}): string | undefined {
    if (value === undefined || value === null) {
      return rule.required ? this.fail(value, path, 'Member must not be null') : undefined;
    }
    if (typeof value !== 'string') return this.fail(value, path, 'Member must be a string');
    const before = this.problems.length;
    if (rule.values && !rule.values.includes(value)) {
      this.fail(value, path, `Member must satisfy enum value set: [${rule.values.join(', ')}]`);
    }
    if (rule.min !== undefined && value.length < rule.min) {
      this.fail(value, path, `Member must have length greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value.length > rule.max) {
      this.fail(value, path, `Member must have length less than or equal to ${rule.max}`);
    }
    if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${rule.pattern}`);
    }
    return this.problems.length === before ? value : undefined;
  }

  integer(value: unknown, path: string, rule: IntegerRule = {}): number | undefined {
    if (value === undefined || value === null) {
      return rule.required ? this.fail(value, path, 'Member must not be null') : undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value))
      return this.fail(value, path, 'Member must be an integer');
    if (rule.min !== undefined && value < rule.min) {
      return this.fail(value, path, `Member must have value greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value > rule.max) {
      return this.fail(value, path, `Member must have value less than or equal to ${rule.max}`);
    }
    return value;
  }

  /** Epoch seconds as the SDK sends them (an ISO 8601 string is accepted too); returns epoch milliseconds. */
  timestamp(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) return this.fail(value, path, 'Member must be a timestamp');
    return Math.round(ms);
  }

  object(value: unknown, path: string, required = false): Fields | undefined {
    if (value === undefined || value === null) {
      return required ? this.fail(value, path, 'Member must not be null') : undefined;
    }
    return isObject(value) ? value : this.fail(value, path, 'Member must be a structure');
  }

  list(value: unknown, path: string, rule: { required?: boolean; min?: number; max?: number }): unknown[] | undefined {
    if (value === undefined || value === null) {
      return rule.required ? this.fail(value, path, 'Member must not be null') : undefined;
    }
    if (!Array.isArray(value)) return this.fail(value, path, 'Member must be a list');
    if (rule.min !== undefined && value.length < rule.min) {
      return this.fail(value, path, `Member must have length greater than or equal to ${rule.min}`);
    }
    if (rule.max !== undefined && value.length > rule.max) {
      return this.fail(value, path, `Member must have length less than or equal to ${rule.max}`);
    }
    return value;
  }

  /** Throws the ValidationException when any constraint failed. */
  done(): void {
    const count = this.problems.length;
    if (count === 0) return;
    throw validationError(`${count} validation error${count === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}

function root(input: unknown): Fields {
  if (!isObject(input)) throw validationError('The request must be a JSON object');
  return input;
}

export interface ScheduleRequest {
  readonly Name: string;
  readonly GroupName: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  readonly StartDate?: number;
  readonly EndDate?: number;
  readonly Description?: string;
  readonly State: ScheduleState;
  readonly KmsKeyArn?: string;
  readonly Target: Target;
  readonly FlexibleTimeWindow: FlexibleTimeWindow;
  readonly ActionAfterCompletion: ActionAfterCompletion;
  readonly ClientToken?: string;
}

/**
 * Reads a CreateSchedule or UpdateSchedule request (the two share one shape).
 * Applies Scheduler's defaults: group `default`, State ENABLED,
 * ActionAfterCompletion NONE, RetryPolicy 185 attempts / 86,400 s.
 * Throws ValidationException listing every violated constraint.
 */
export function readScheduleRequest(input: unknown): ScheduleRequest {
  const body = root(input);
  const c = new Constraints();
  const name = c.string(body.Name, 'name', { required: true, min: 1, max: 64, pattern: NAME_PATTERN });
  const group = c.string(body.GroupName, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
  const expression = c.string(body.ScheduleExpression, 'scheduleExpression', { required: true, min: 1, max: 256 });
  const timezone = c.string(body.ScheduleExpressionTimezone, 'scheduleExpressionTimezone', { min: 1, max: 50 });
  const startDate = c.timestamp(body.StartDate, 'startDate');
  const endDate = c.timestamp(body.EndDate, 'endDate');
  const description = c.string(body.Description, 'description', { min: 0, max: 512 });
  const state = c.string(body.State, 'state', { values: ['ENABLED', 'DISABLED'] }) as ScheduleState | undefined;
  const kmsKeyArn = c.string(body.KmsKeyArn, 'kmsKeyArn', { min: 1, max: 2048, pattern: KMS_KEY_ARN_PATTERN });
  const clientToken = c.string(body.ClientToken, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN_PATTERN });
  const action = c.string(body.ActionAfterCompletion, 'actionAfterCompletion', { values: ['NONE', 'DELETE'] }) as
    | ActionAfterCompletion
    | undefined;
  const window = readFlexibleTimeWindow(c, body.FlexibleTimeWindow);
  const target = readTarget(c, body.Target);
  c.done();
  return {
    Name: name as string,
    GroupName: group ?? DEFAULT_GROUP,
    ScheduleExpression: expression as string,
    ...(timezone !== undefined ? { ScheduleExpressionTimezone: timezone } : {}),
    ...(startDate !== undefined ? { StartDate: startDate } : {}),
    ...(endDate !== undefined ? { EndDate: endDate } : {}),
    ...(description !== undefined ? { Description: description } : {}),
    State: state ?? 'ENABLED',
    ...(kmsKeyArn !== undefined ? { KmsKeyArn: kmsKeyArn } : {}),
    Target: target as Target,
    FlexibleTimeWindow: window as FlexibleTimeWindow,
    ActionAfterCompletion: action ?? 'NONE',
    ...(clientToken !== undefined ? { ClientToken: clientToken } : {}),
  };
}

function readFlexibleTimeWindow(c: Constraints, value: unknown): FlexibleTimeWindow | undefined {
  const window = c.object(value, 'flexibleTimeWindow', true);
  if (!window) return undefined;
  const mode = c.string(window.Mode, 'flexibleTimeWindow.mode', { required: true, values: ['OFF', 'FLEXIBLE'] });
  const max = c.integer(window.MaximumWindowInMinutes, 'flexibleTimeWindow.maximumWindowInMinutes', {
    min: 1,
    max: 1440,
  });
  return { Mode: mode as FlexibleTimeWindowMode, ...(max !== undefined ? { MaximumWindowInMinutes: max } : {}) };
}

function readTarget(c: Constraints, value: unknown): Target | undefined {
  const target = c.object(value, 'target', true);
  if (!target) return undefined;
  const arn = c.string(target.Arn, 'target.arn', { required: true, min: 1, max: 1600 });
  const roleArn = c.string(target.RoleArn, 'target.roleArn', {
    required: true,
    min: 1,
    max: 1600,
    pattern: ROLE_ARN_PATTERN,
  });
  const input = c.string(target.Input, 'target.input', { min: 1 });
  const retry = c.object(target.RetryPolicy, 'target.retryPolicy');
  const maxAge = c.integer(retry?.MaximumEventAgeInSeconds, 'target.retryPolicy.maximumEventAgeInSeconds', {
    min: 60,
    max: 86_400,
  });
  const maxAttempts = c.integer(retry?.MaximumRetryAttempts, 'target.retryPolicy.maximumRetryAttempts', {
    min: 0,
    max: 185,
  });
  const dlq = c.object(target.DeadLetterConfig, 'target.deadLetterConfig');
  const dlqArn = c.string(dlq?.Arn, 'target.deadLetterConfig.arn', { min: 1, max: 1600, pattern: DLQ_ARN_PATTERN });
  const sqs = c.object(target.SqsParameters, 'target.sqsParameters');
  const groupId = c.string(sqs?.MessageGroupId, 'target.sqsParameters.messageGroupId', { min: 1, max: 128 });
  const eventBridge = c.object(target.EventBridgeParameters, 'target.eventBridgeParameters');
  const detailType = eventBridge
    ? c.string(eventBridge.DetailType, 'target.eventBridgeParameters.detailType', { required: true, min: 1, max: 128 })
    : undefined;
  const source = eventBridge
    ? c.string(eventBridge.Source, 'target.eventBridgeParameters.source', { required: true, min: 1, max: 256 })
    : undefined;
  const kinesis = c.object(target.KinesisParameters, 'target.kinesisParameters');
  const partitionKey = kinesis
    ? c.string(kinesis.PartitionKey, 'target.kinesisParameters.partitionKey', { required: true, min: 1, max: 256 })
    : undefined;
  const ecs = c.object(target.EcsParameters, 'target.ecsParameters');
  if (ecs) c.string(ecs.TaskDefinitionArn, 'target.ecsParameters.taskDefinitionArn', { required: true, min: 1 });
  const sageMaker = c.object(target.SageMakerPipelineParameters, 'target.sageMakerPipelineParameters');
  return {
    Arn: arn as string,
    RoleArn: roleArn as string,
    RetryPolicy: {
      MaximumEventAgeInSeconds: maxAge ?? DEFAULT_RETRY_POLICY.MaximumEventAgeInSeconds,
      MaximumRetryAttempts: maxAttempts ?? DEFAULT_RETRY_POLICY.MaximumRetryAttempts,
    },
    ...(dlq ? { DeadLetterConfig: dlqArn !== undefined ? { Arn: dlqArn } : {} } : {}),
    ...(input !== undefined ? { Input: input } : {}),
    ...(sqs ? { SqsParameters: groupId !== undefined ? { MessageGroupId: groupId } : {} } : {}),
    ...(eventBridge ? { EventBridgeParameters: { DetailType: detailType as string, Source: source as string } } : {}),
    ...(kinesis ? { KinesisParameters: { PartitionKey: partitionKey as string } } : {}),
    ...(ecs ? { EcsParameters: ecs as JsonObject } : {}),
    ...(sageMaker ? { SageMakerPipelineParameters: sageMaker as JsonObject } : {}),
  };
}

export interface ScheduleId {
  readonly Name: string;
  readonly GroupName: string;
  readonly ClientToken?: string;
}

/** Reads GetSchedule and DeleteSchedule requests. Throws ValidationException. */
export function readScheduleId(input: unknown): ScheduleId {
  const body = root(input);
  const c = new Constraints();
  const name = c.string(body.Name, 'name', { required: true, min: 1, max: 64, pattern: NAME_PATTERN });
  const group = c.string(body.GroupName, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
  const clientToken = c.string(body.ClientToken, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN_PATTERN });
  c.done();
  return {
    Name: name as string,
    GroupName: group ?? DEFAULT_GROUP,
    ...(clientToken !== undefined ? { ClientToken: clientToken } : {}),
  };
}

export interface ListSchedulesRequest {
  readonly GroupName?: string;
  readonly NamePrefix?: string;
  readonly State?: ScheduleState;
  readonly NextToken?: string;
  readonly MaxResults?: number;
}

/** Reads a ListSchedules request. Throws ValidationException. */
export function readListSchedules(input: unknown): ListSchedulesRequest {
  const body = root(input);
  const c = new Constraints();
  const group = c.string(body.GroupName, 'groupName', { min: 1, max: 64, pattern: NAME_PATTERN });
  const prefix = c.string(body.NamePrefix, 'namePrefix', { min: 1, max: 64, pattern: NAME_PATTERN });
  const state = c.string(body.State, 'state', { values: ['ENABLED', 'DISABLED'] }) as ScheduleState | undefined;
  const page = readPage(c, body);
  c.done();
  return {
    ...(group !== undefined ? { GroupName: group } : {}),
    ...(prefix !== undefined ? { NamePrefix: prefix } : {}),
    ...(state !== undefined ? { State: state } : {}),
    ...page,
  };
}

export interface ListGroupsRequest {
  readonly NamePrefix?: string;
  readonly NextToken?: string;
  readonly MaxResults?: number;
}

/** Reads a ListScheduleGroups request. Throws ValidationException. */
export function readListGroups(input: unknown): ListGroupsRequest {
  const body = root(input);
  const c = new Constraints();
  const prefix = c.string(body.NamePrefix, 'namePrefix', { min: 1, max: 64, pattern: NAME_PATTERN });
  const page = readPage(c, body);
  c.done();
  return { ...(prefix !== undefined ? { NamePrefix: prefix } : {}), ...page };
}

function readPage(c: Constraints, body: Fields): { NextToken?: string; MaxResults?: number } {
  const token = c.string(body.NextToken, 'nextToken', { min: 1, max: 2048 });
  const max = c.integer(body.MaxResults, 'maxResults', { min: 1, max: 100 });
  return { ...(token !== undefined ? { NextToken: token } : {}), ...(max !== undefined ? { MaxResults: max } : {}) };
}

export interface GroupRequest {
  readonly Name: string;
  readonly Tags: readonly Tag[];
  readonly ClientToken?: string;
}

/** Reads CreateScheduleGroup, GetScheduleGroup and DeleteScheduleGroup requests. Throws ValidationException. */
export function readGroupRequest(input: unknown): GroupRequest {
  const body = root(input);
  const c = new Constraints();
  const name = c.string(body.Name, 'name', { required: true, min: 1, max: 64, pattern: NAME_PATTERN });
  const tags = readTags(c, body.Tags, false);
  const clientToken = c.string(body.ClientToken, 'clientToken', { min: 1, max: 64, pattern: CLIENT_TOKEN_PATTERN });
  c.done();
  return {
    Name: name as string,
    Tags: tags ?? [],
    ...(clientToken !== undefined ? { ClientToken: clientToken } : {}),
  };
}

function readTags(c: Constraints, value: unknown, required: boolean): Tag[] | undefined {
  const list = c.list(value, 'tags', { required, min: 0, max: 200 });
  if (!list) return undefined;
  return list.map((item, i) => {
    const path = `tags.${i + 1}.member`;
    const tag = c.object(item, path, true);
    const key = c.string(tag?.Key, `${path}.key`, { required: true, min: 1, max: 128 });
    const tagValue = c.string(tag?.Value, `${path}.value`, { required: true, min: 1, max: 256 });
    return { Key: key ?? '', Value: tagValue ?? '' };
  });
}

export interface TagRequest {
  readonly ResourceArn: string;
  readonly Tags: readonly Tag[];
  readonly TagKeys: readonly string[];
}

/**
 * Reads TagResource (`tags`), UntagResource (`tagKeys`) and ListTagsForResource
 * requests; `required` names the list the operation must have. Only schedule
 * groups carry tags, so a schedule ARN fails the resource ARN pattern, as on AWS.
 * Throws ValidationException.
 */
export function readTagRequest(input: unknown, required: 'tags' | 'tagKeys' | 'none'): TagRequest {
  const body = root(input);
  const c = new Constraints();
  const arn = c.string(body.ResourceArn, 'resourceArn', {
    required: true,
    min: 1,
    max: 1011,
    pattern: TAG_RESOURCE_ARN_PATTERN,
  });
  const tags = required === 'tags' ? readTags(c, body.Tags, true) : undefined;
  const keyList = required === 'tagKeys' ? c.list(body.TagKeys, 'tagKeys', { required: true, min: 0, max: 200 }) : [];
  const keys = (keyList ?? []).map((key, i) => c.string(key, `tagKeys.${i + 1}.member`, { min: 1, max: 128 }) ?? '');
  c.done();
  return { ResourceArn: arn as string, Tags: tags ?? [], TagKeys: keys };
}
