import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  failure,
  MINUTE,
  QUEUE_ARN,
  ROLE_ARN,
  type SchedulerHarness,
  scheduleInput,
  startScheduler,
  T0,
} from './harness.js';

/**
 * Every way a request can break Scheduler's rules, with the message AWS
 * answers: shape constraints in the front end's "N validation errors detected"
 * form, then the service's own rules.
 */

let h: SchedulerHarness;

beforeAll(async () => {
  h = await startScheduler();
});

afterAll(async () => {
  await h.dispose();
});

const NAME_PATTERN = '^[0-9a-zA-Z-_.]+$';
const constraint = (value: string, path: string, rule: string) =>
  `Value ${value} at '${path}' failed to satisfy constraint: ${rule}`;
const one = (problem: string) => `1 validation error detected: ${problem}`;

const target = { Arn: QUEUE_ARN, RoleArn: ROLE_ARN };

describe('CreateSchedule refuses', () => {
  it.each<[string, Partial<CreateScheduleCommandInput>, string]>([
    [
      'a name with a space',
      { Name: 'nightly import' },
      one(constraint("'nightly import'", 'name', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`)),
    ],
    [
      'a name longer than 64 characters',
      { Name: 'n'.repeat(65) },
      one(constraint(`'${'n'.repeat(65)}'`, 'name', 'Member must have length less than or equal to 64')),
    ],
    [
      'a group name with a slash',
      { GroupName: 'shop/eu' },
      one(constraint("'shop/eu'", 'groupName', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`)),
    ],
    ['no target', { Target: undefined }, one(constraint('null', 'target', 'Member must not be null'))],
    [
      'a target without a role',
      { Target: { Arn: QUEUE_ARN } as never },
      one(constraint('null', 'target.roleArn', 'Member must not be null')),
    ],
    [
      'a role that is not an IAM role ARN',
      { Target: { ...target, RoleArn: 'mpx-scheduler' } },
      one(
        constraint(
          "'mpx-scheduler'",
          'target.roleArn',
          'Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$',
        ),
      ),
    ],
    [
      'an empty Input',
      { Target: { ...target, Input: '' } },
      one(constraint("''", 'target.input', 'Member must have length greater than or equal to 1')),
    ],
    [
      'a dead-letter queue that is not an SQS queue',
      { Target: { ...target, DeadLetterConfig: { Arn: 'arn:aws:sns:us-east-1:123456789012:topic' } } },
      one(
        constraint(
          "'arn:aws:sns:us-east-1:123456789012:topic'",
          'target.deadLetterConfig.arn',
          'Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:sqs:[a-z0-9\\-]+:\\d{12}:[a-zA-Z0-9\\-_]+$',
        ),
      ),
    ],
    [
      'a retry policy out of range',
      { Target: { ...target, RetryPolicy: { MaximumEventAgeInSeconds: 59, MaximumRetryAttempts: 186 } } },
      `2 validation errors detected: ${constraint(
        "'59'",
        'target.retryPolicy.maximumEventAgeInSeconds',
        'Member must have value greater than or equal to 60',
      )}; ${constraint("'186'", 'target.retryPolicy.maximumRetryAttempts', 'Member must have value less than or equal to 185')}`,
    ],
    [
      'no flexible time window',
      { FlexibleTimeWindow: undefined },
      one(constraint('null', 'flexibleTimeWindow', 'Member must not be null')),
    ],
    [
      'an unknown window mode',
      { FlexibleTimeWindow: { Mode: 'SOMETIMES' as never } },
      one(constraint("'SOMETIMES'", 'flexibleTimeWindow.mode', 'Member must satisfy enum value set: [OFF, FLEXIBLE]')),
    ],
    [
      'a window longer than a day',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } },
      one(
        constraint(
          "'1441'",
          'flexibleTimeWindow.maximumWindowInMinutes',
          'Member must have value less than or equal to 1440',
        ),
      ),
    ],
    [
      'an unknown state',
      { State: 'PAUSED' as never },
      one(constraint("'PAUSED'", 'state', 'Member must satisfy enum value set: [ENABLED, DISABLED]')),
    ],
    [
      'an unknown action after completion',
      { ActionAfterCompletion: 'ARCHIVE' as never },
      one(constraint("'ARCHIVE'", 'actionAfterCompletion', 'Member must satisfy enum value set: [NONE, DELETE]')),
    ],
    [
      'a description longer than 512 characters',
      { Description: 'd'.repeat(513) },
      one(constraint(`'${'d'.repeat(513)}'`, 'description', 'Member must have length less than or equal to 512')),
    ],
    [
      'a client token with a dot',
      { ClientToken: 'token.1' },
      one(constraint("'token.1'", 'clientToken', 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$')),
    ],
    [
      'several broken members at once, reporting each',
      { Name: 'a b', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 0 }, Target: undefined },
      `3 validation errors detected: ${[
        constraint("'a b'", 'name', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`),
        constraint(
          "'0'",
          'flexibleTimeWindow.maximumWindowInMinutes',
          'Member must have value greater than or equal to 1',
        ),
        constraint('null', 'target', 'Member must not be null'),
      ].join('; ')}`,
    ],
    [
      'a cron with both day-of-month and day-of-week',
      { ScheduleExpression: 'cron(0 12 * * MON *)' },
      'Invalid Schedule Expression cron(0 12 * * MON *). cron expression "cron(0 12 * * MON *)": exactly one of day-of-month and day-of-week must be "?" (AWS does not allow both day fields)',
    ],
    [
      'a cron with five fields',
      { ScheduleExpression: 'cron(0 12 * * ?)' },
      'Invalid Schedule Expression cron(0 12 * * ?). cron expression "cron(0 12 * * ?)" has 5 field(s); AWS cron needs 6: minutes hours day-of-month month day-of-week year',
    ],
    [
      'a cron the engine cannot evaluate',
      { ScheduleExpression: 'cron(5-1 * * * ? *)' },
      'Invalid Schedule Expression cron(5-1 * * * ? *). cron expression "cron(5-1 * * * ? *)": minutes field "5-1" has a range "5-1" that ends before it starts',
    ],
    [
      'a rate with the wrong plural',
      { ScheduleExpression: 'rate(1 minutes)' },
      'Invalid Schedule Expression rate(1 minutes). rate expression "rate(1 minutes)" must use "minute" for the value 1',
    ],
    [
      'an at() that is not a real date',
      { ScheduleExpression: 'at(2026-02-30T00:00:00)' },
      'Invalid Schedule Expression at(2026-02-30T00:00:00). at expression "at(2026-02-30T00:00:00)" is not a real date and time',
    ],
    [
      'something that is no expression at all',
      { ScheduleExpression: 'every day' },
      'Invalid Schedule Expression every day. "every day" is not a schedule expression: expected cron(...), rate(...) or at(...)',
    ],
    [
      'a time zone that does not exist',
      { ScheduleExpressionTimezone: 'Mars/Olympus_Mons' },
      'Invalid ScheduleExpressionTimezone Mars/Olympus_Mons: expected an IANA time zone name.',
    ],
    [
      'a flexible window without its length',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } },
      'MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.',
    ],
    [
      'a recurring schedule starting more than 5 minutes ago',
      { StartDate: new Date(T0 - 5 * MINUTE - 1000) },
      'The StartDate you specify cannot be earlier than 5 minutes ago.',
    ],
    [
      'an end before the start',
      { StartDate: new Date(T0 + 2 * MINUTE), EndDate: new Date(T0 + MINUTE) },
      'The EndDate you specify must be later than the StartDate.',
    ],
    [
      'an end in the past',
      { EndDate: new Date(T0 - MINUTE) },
      'The EndDate you specify cannot be earlier than the current time.',
    ],
  ])('%s', async (_, overrides, message) => {
    const error = await failure(h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'x', ...overrides }))));

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(message);
  });
});

describe('CreateSchedule accepts', () => {
  it.each<[string, Partial<CreateScheduleCommandInput>]>([
    ['a StartDate less than 5 minutes ago', { StartDate: new Date(T0 - 4 * MINUTE) }],
    [
      'an at() in the past, with dates in the past (one-time schedules ignore them)',
      {
        ScheduleExpression: 'at(2025-12-31T23:00:00)',
        StartDate: new Date(T0 - 60 * MINUTE),
        EndDate: new Date(T0 - 30 * MINUTE),
        State: 'DISABLED',
      },
    ],
    ['every AWS cron form', { ScheduleExpression: 'cron(0/15 8-18 ? * MON-FRI,SUN 2026-2030)' }],
  ])('%s', async (label, overrides) => {
    const Name = `ok-${label.length}`;

    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name, ...overrides })));

    await expect(h.client.send(new GetScheduleCommand({ Name }))).resolves.toMatchObject({ Name });
  });
});

describe('the same rules apply to', () => {
  it('UpdateSchedule', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'to-update' })));

    const error = await failure(
      h.client.send(
        new UpdateScheduleCommand(scheduleInput({ Name: 'to-update', ScheduleExpression: 'cron(0 12 1 * MON *)' })),
      ),
    );

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toMatch(/^Invalid Schedule Expression cron\(0 12 1 \* MON \*\)\. /);
  });

  it('group names', async () => {
    const error = await failure(h.client.send(new CreateScheduleGroupCommand({ Name: 'shop eu' })));

    expect(error.message).toBe(
      one(constraint("'shop eu'", 'name', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`)),
    );
  });

  it.each([
    [0, 'Member must have value greater than or equal to 1'],
    [101, 'Member must have value less than or equal to 100'],
  ])('list page sizes (%i)', async (MaxResults, rule) => {
    for (const command of [new ListSchedulesCommand({ MaxResults }), new ListScheduleGroupsCommand({ MaxResults })]) {
      const error = await failure(h.client.send(command as never));
      expect(error.message).toBe(one(constraint(`'${MaxResults}'`, 'maxResults', rule)));
    }
  });

  it('name prefixes', async () => {
    const error = await failure(h.client.send(new ListSchedulesCommand({ NamePrefix: 'a*' })));

    expect(error.message).toBe(
      one(constraint("'a*'", 'namePrefix', `Member must satisfy regular expression pattern: ${NAME_PATTERN}`)),
    );
  });
});
