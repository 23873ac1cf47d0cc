import { z } from 'zod';

/**
 * Environment variables of the functions: names in one place (serverless.yml
 * sets exactly these), validated once at cold start. A missing variable fails
 * loudly with its name.
 */
export const ENV = {
  /** The SNS topic notifications go to. */
  topicArn: 'MPX_TOPIC_ARN',
  /** The data bucket (train/, batch/). */
  bucketName: 'MPX_BUCKET_NAME',
  /** The deployment stage, for logs and names. */
  stage: 'MPX_STAGE',
  /** The run-state table. */
  tableName: 'MPX_TABLE_NAME',
  /** Run requests (uploads, schedules, resumes). */
  runsQueueUrl: 'MPX_RUNS_QUEUE_URL',
  /** Step messages and their delayed re-polls. */
  stepsQueueUrl: 'MPX_STEPS_QUEUE_URL',
  /** Runs whose steps have all ended. */
  finishQueueUrl: 'MPX_FINISH_QUEUE_URL',
  /** The EventBridge bus for state-change events. */
  eventBusName: 'MPX_EVENT_BUS_NAME',
  /** The role Personalize assumes for imports and batch jobs. */
  personalizeRoleArn: 'MPX_PERSONALIZE_ROLE_ARN',
  /** The account the stack runs in (Personalize ARNs, console links). */
  accountId: 'MPX_ACCOUNT_ID',
  /** How long (seconds) a parameter file uploaded before its data waits for it. */
  dataWaitSeconds: 'MPX_DATA_WAIT_SECONDS',
  /** Which runs notify: `all`, or `failures` (scheduled successes stay quiet). */
  notifyOn: 'MPX_NOTIFY_ON',
  /** The schedule group the parameter files' schedules live in. */
  scheduleGroupName: 'MPX_SCHEDULE_GROUP_NAME',
  /** The runs queue's ARN (the target of schedules) and its DLQ's. */
  runsQueueArn: 'MPX_RUNS_QUEUE_ARN',
  runsDeadLetterQueueArn: 'MPX_RUNS_DLQ_ARN',
  /** The role EventBridge Scheduler assumes to send scheduled run requests. */
  schedulerRoleArn: 'MPX_SCHEDULER_ROLE_ARN',
  /** `mpx` (default) or `reference`: the deprecated solution's ordering and polling, for benchmarks only. */
  policy: 'MPX_POLICY',
  /** Multiplies every poll delay: 1 on AWS; a time-scaled local cloud sets its speed-up's inverse. */
  pollScale: 'MPX_POLL_SCALE',
} as const;

export type EnvKey = keyof typeof ENV;

/** Reads and validates the named variables from `source` (default `process.env`). */
export function readEnv<K extends EnvKey>(
  keys: readonly K[],
  source: NodeJS.ProcessEnv = process.env,
): Record<K, string> {
  const shape = Object.fromEntries(keys.map((key) => [ENV[key], z.string().min(1)]));
  const parsed = z.object(shape).safeParse(source);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((issue) => String(issue.path[0]));
    throw new Error(`missing or empty environment variable(s): ${missing.join(', ')}`);
  }
  return Object.fromEntries(keys.map((key) => [key, parsed.data[ENV[key]] as string])) as Record<K, string>;
}

/** An optional variable's value (undefined when unset or empty). */
export function optionalEnv(key: EnvKey, source: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = source[ENV[key]];
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number of seconds ≥ 1 from `name`'s value. @throws naming the variable when it is not one. */
export function secondsOf(name: string, value: string): number {
  const seconds = Number(value);
  if (!(Number.isInteger(seconds) && seconds >= 1))
    throw new Error(`${name} must be a whole number of seconds ≥ 1, got ${value}`);
  return seconds;
}

/** MPX_POLL_SCALE as a number in (0, 1]. @throws when it is not one. */
export function pollScaleOf(value: string): number {
  const scale = Number(value);
  if (!(scale > 0 && scale <= 1)) throw new Error(`MPX_POLL_SCALE must be a number in (0, 1], got ${value}`);
  return scale;
}
