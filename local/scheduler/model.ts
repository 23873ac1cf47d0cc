/**
 * What the Scheduler emulator keeps: schedule groups (with their tags) and
 * schedules, in the shapes GetSchedule and GetScheduleGroup answer with.
 * Times are epoch milliseconds here and epoch seconds on the wire.
 */

export const DEFAULT_GROUP = 'default';

/** Scheduler's defaults for a target without a RetryPolicy (or with half of one). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

export type ScheduleState = 'ENABLED' | 'DISABLED';
export type FlexibleTimeWindowMode = 'OFF' | 'FLEXIBLE';
export type ActionAfterCompletion = 'NONE' | 'DELETE';

export type JsonValue = string | number | boolean | null | JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export interface RetryPolicy {
  readonly MaximumEventAgeInSeconds: number;
  readonly MaximumRetryAttempts: number;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

/** A schedule's target as stored and returned by GetSchedule: the request's Target with RetryPolicy filled in. */
export interface Target {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly RetryPolicy: RetryPolicy;
  readonly DeadLetterConfig?: { readonly Arn?: string };
  readonly Input?: string;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly EventBridgeParameters?: { readonly DetailType: string; readonly Source: string };
  readonly KinesisParameters?: { readonly PartitionKey: string };
  /** Kept as sent: the emulator hands them to `deliver` and does not interpret them. */
  readonly EcsParameters?: JsonObject;
  readonly SageMakerPipelineParameters?: JsonObject;
}

export interface FlexibleTimeWindow {
  readonly Mode: FlexibleTimeWindowMode;
  readonly MaximumWindowInMinutes?: number;
}

export interface ScheduleRecord {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly scheduleExpression: string;
  /** As sent; GetSchedule answers `UTC` when it was omitted. */
  readonly timezone?: string;
  readonly startDate?: number;
  readonly endDate?: number;
  readonly description?: string;
  readonly state: ScheduleState;
  readonly kmsKeyArn?: string;
  readonly target: Target;
  readonly flexibleTimeWindow: FlexibleTimeWindow;
  readonly actionAfterCompletion: ActionAfterCompletion;
  readonly creationDate: number;
  readonly lastModificationDate: number;
  readonly clientToken?: string;
  /**
   * The scheduled (nominal) time of the last invocation. It keeps an at()
   * schedule from firing twice and a recurring one from firing the same
   * occurrence again after a restart.
   */
  lastScheduledTime?: number;
}

export interface GroupRecord {
  readonly name: string;
  readonly arn: string;
  readonly creationDate: number;
  readonly lastModificationDate: number;
  readonly tags: readonly Tag[];
  readonly clientToken?: string;
}

export interface Scope {
  readonly region: string;
  readonly account: string;
}

/** `arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>`, as AWS names schedules. */
export const scheduleArn = (scope: Scope, group: string, name: string) =>
  `arn:aws:scheduler:${scope.region}:${scope.account}:schedule/${group}/${name}`;

/** `arn:aws:scheduler:<region>:<account>:schedule-group/<name>`. */
export const groupArn = (scope: Scope, name: string) =>
  `arn:aws:scheduler:${scope.region}:${scope.account}:schedule-group/${name}`;

/** Key of a schedule in the emulator's maps: names are unique within a group only. */
export const scheduleKey = (group: string, name: string) => `${group}/${name}`;
