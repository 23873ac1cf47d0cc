import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  DLQ_ARN,
  FUNCTION_ARN,
  HOUR,
  MINUTE,
  QUEUE_ARN,
  ROLE_ARN,
  type SchedulerHarness,
  scheduleInput,
  startScheduler,
  T0,
} from './harness.js';

let h: SchedulerHarness;

beforeEach(async () => {
  h = await startScheduler();
});

afterEach(async () => {
  await h.dispose();
});

const FULL_TARGET = {
  Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:mpx-runs.fifo`,
  RoleArn: ROLE_ARN,
  Input: '{"task":"full","solution":"sims"}',
  RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 5 },
  DeadLetterConfig: { Arn: DLQ_ARN },
  SqsParameters: { MessageGroupId: 'sims' },
};

describe('CreateSchedule and GetSchedule', () => {
  it('round-trips every field of the request', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));
    const start = new Date(T0 + HOUR);
    const end = new Date(T0 + 90 * 24 * HOUR);

    const { ScheduleArn } = await h.client.send(
      new CreateScheduleCommand({
        Name: 'retrain-sims',
        GroupName: 'shop',
        ScheduleExpression: 'cron(30 2 ? * MON *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        StartDate: start,
        EndDate: end,
        Description: 'Full retraining of the sims solution',
        State: 'DISABLED',
        KmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        Target: FULL_TARGET,
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
        ActionAfterCompletion: 'DELETE',
      }),
    );

    expect(ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/shop/retrain-sims`);
    const { $metadata, ...schedule } = await h.client.send(
      new GetScheduleCommand({ Name: 'retrain-sims', GroupName: 'shop' }),
    );
    expect(schedule).toEqual({
      Arn: ScheduleArn,
      GroupName: 'shop',
      Name: 'retrain-sims',
      ScheduleExpression: 'cron(30 2 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartDate: start,
      EndDate: end,
      Description: 'Full retraining of the sims solution',
      State: 'DISABLED',
      CreationDate: new Date(T0),
      LastModificationDate: new Date(T0),
      KmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      Target: FULL_TARGET,
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('fills in what AWS fills in: default group, UTC, ENABLED, NONE and the default RetryPolicy', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN } })));

    const { $metadata, ...schedule } = await h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }));

    expect(schedule).toEqual({
      Arn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly-import`,
      GroupName: 'default',
      Name: 'nightly-import',
      ScheduleExpression: 'cron(0 12 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      CreationDate: new Date(T0),
      LastModificationDate: new Date(T0),
      Target: {
        Arn: FUNCTION_ARN,
        RoleArn: ROLE_ARN,
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'NONE',
    });
  });

  it('refuses a second schedule of the same name in the same group, not in another group', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'other' }));
    await h.client.send(new CreateScheduleCommand(scheduleInput()));

    const again = h.client.send(new CreateScheduleCommand(scheduleInput()));

    await expect(again).rejects.toThrow(ConflictException);
    await expect(again).rejects.toThrow('Schedule nightly-import already exists.');
    await expect(
      h.client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'other' }))),
    ).resolves.toMatchObject({ ScheduleArn: expect.stringContaining(':schedule/other/nightly-import') });
  });

  it('answers a retried request (same ClientToken) with the schedule it created', async () => {
    const first = await h.client.send(new CreateScheduleCommand(scheduleInput({ ClientToken: 'token-1' })));

    const retried = await h.client.send(new CreateScheduleCommand(scheduleInput({ ClientToken: 'token-1' })));

    expect(retried.ScheduleArn).toBe(first.ScheduleArn);
    await expect(h.client.send(new CreateScheduleCommand(scheduleInput({ ClientToken: 'token-2' })))).rejects.toThrow(
      ConflictException,
    );
  });

  it('needs the group to exist', async () => {
    const create = h.client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'nope' })));

    await expect(create).rejects.toThrow(ResourceNotFoundException);
    await expect(create).rejects.toThrow('Schedule group nope does not exist.');
  });

  it('answers ResourceNotFoundException for an unknown schedule', async () => {
    const get = h.client.send(new GetScheduleCommand({ Name: 'ghost' }));

    await expect(get).rejects.toThrow(ResourceNotFoundException);
    await expect(get).rejects.toThrow('Schedule ghost does not exist.');
  });

  it('enforces the schedule quota with ServiceQuotaExceededException', async () => {
    await h.dispose();
    h = await startScheduler({ quotas: { schedules: 2 } });
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'a' })));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'b' })));

    const third = h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'c' })));

    await expect(third).rejects.toThrow(ServiceQuotaExceededException);
    await expect(third).rejects.toThrow('You have reached the quota of 2 schedules.');
  });
});

describe('UpdateSchedule', () => {
  it('replaces the whole schedule: members left out go back to their defaults', async () => {
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          Description: 'old',
          State: 'DISABLED',
          ScheduleExpressionTimezone: 'Europe/Paris',
          Target: FULL_TARGET,
          ActionAfterCompletion: 'DELETE',
        }),
      ),
    );
    h.clock.advance(MINUTE);

    const { ScheduleArn } = await h.client.send(
      new UpdateScheduleCommand({
        Name: 'nightly-import',
        ScheduleExpression: 'rate(2 hours)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: QUEUE_ARN, RoleArn: ROLE_ARN },
      }),
    );

    const { $metadata, ...schedule } = await h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }));
    expect(ScheduleArn).toBe(schedule.Arn);
    expect(schedule).toEqual({
      Arn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly-import`,
      GroupName: 'default',
      Name: 'nightly-import',
      ScheduleExpression: 'rate(2 hours)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      CreationDate: new Date(T0),
      LastModificationDate: new Date(T0 + MINUTE),
      Target: {
        Arn: QUEUE_ARN,
        RoleArn: ROLE_ARN,
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'NONE',
    });
  });

  it('answers ResourceNotFoundException for a schedule that does not exist', async () => {
    const update = h.client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'ghost' })));

    await expect(update).rejects.toThrow(ResourceNotFoundException);
    await expect(update).rejects.toThrow('Schedule ghost does not exist.');
  });
});

describe('DeleteSchedule', () => {
  it('removes the schedule; deleting it again is ResourceNotFoundException', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput()));

    await h.client.send(new DeleteScheduleCommand({ Name: 'nightly-import' }));

    await expect(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    await expect(h.client.send(new DeleteScheduleCommand({ Name: 'nightly-import' }))).rejects.toThrow(
      'Schedule nightly-import does not exist.',
    );
  });

  it('looks in the group it is told', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'shop' })));

    await expect(h.client.send(new DeleteScheduleCommand({ Name: 'nightly-import' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    await h.client.send(new DeleteScheduleCommand({ Name: 'nightly-import', GroupName: 'shop' }));
    expect((await h.client.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
  });
});

describe('ListSchedules', () => {
  beforeEach(async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));
    for (const [name, group, state] of [
      ['import-a', 'default', 'ENABLED'],
      ['import-b', 'default', 'DISABLED'],
      ['train-a', 'default', 'ENABLED'],
      ['import-c', 'shop', 'ENABLED'],
      ['train-b', 'shop', 'DISABLED'],
    ] as const) {
      await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: name, GroupName: group, State: state })));
    }
  });

  const names = (schedules: { Name?: string | undefined }[] | undefined) => (schedules ?? []).map((s) => s.Name);

  it('lists summaries of every schedule in every group', async () => {
    const { Schedules, NextToken } = await h.client.send(new ListSchedulesCommand({}));

    expect(NextToken).toBeUndefined();
    expect(Schedules).toHaveLength(5);
    expect(Schedules?.find((s) => s.Name === 'train-b')).toEqual({
      Arn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/shop/train-b`,
      Name: 'train-b',
      GroupName: 'shop',
      State: 'DISABLED',
      CreationDate: new Date(T0),
      LastModificationDate: new Date(T0),
      Target: { Arn: QUEUE_ARN },
    });
  });

  it.each([
    [{ GroupName: 'shop' }, ['import-c', 'train-b']],
    [{ NamePrefix: 'import' }, ['import-a', 'import-b', 'import-c']],
    [{ State: 'DISABLED' as const }, ['import-b', 'train-b']],
    [{ GroupName: 'default', NamePrefix: 'import', State: 'ENABLED' as const }, ['import-a']],
  ])('filters by %j', async (filter, expected) => {
    const { Schedules } = await h.client.send(new ListSchedulesCommand(filter));

    expect(names(Schedules)).toEqual(expected);
  });

  it('pages with MaxResults and NextToken, without repeating or losing a schedule', async () => {
    const first = await h.client.send(new ListSchedulesCommand({ MaxResults: 2 }));
    const second = await h.client.send(new ListSchedulesCommand({ MaxResults: 2, NextToken: first.NextToken }));
    const third = await h.client.send(new ListSchedulesCommand({ MaxResults: 2, NextToken: second.NextToken }));

    expect(names(first.Schedules)).toEqual(['import-a', 'import-b']);
    expect(names(second.Schedules)).toEqual(['train-a', 'import-c']);
    expect(names(third.Schedules)).toEqual(['train-b']);
    expect(third.NextToken).toBeUndefined();
  });

  it("works with the SDK's paginator", async () => {
    const seen: (string | undefined)[] = [];
    for await (const pageOut of paginateListSchedules({ client: h.client, pageSize: 2 }, { NamePrefix: 'import' })) {
      seen.push(...names(pageOut.Schedules));
    }

    expect(seen).toEqual(['import-a', 'import-b', 'import-c']);
  });

  it('answers ResourceNotFoundException for a group that does not exist', async () => {
    await expect(h.client.send(new ListSchedulesCommand({ GroupName: 'nope' }))).rejects.toThrow(
      'Schedule group nope does not exist.',
    );
  });

  it('refuses a NextToken it did not issue', async () => {
    await expect(h.client.send(new ListSchedulesCommand({ NextToken: 'garbage' }))).rejects.toThrow(
      'The NextToken is not valid.',
    );
  });
});
