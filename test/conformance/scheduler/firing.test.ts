import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../local/clock.js';
import { flexibleDelayMs } from '../../../local/scheduler/timing.js';
import {
  ACCOUNT,
  DAY,
  FUNCTION_ARN,
  failure,
  firedAt,
  HOUR,
  iso,
  MINUTE,
  QUEUE_ARN,
  ROLE_ARN,
  type SchedulerHarness,
  scheduleInput,
  startScheduler,
  T0,
} from './harness.js';

let h: SchedulerHarness;

afterEach(async () => {
  await h.dispose();
});

describe('a cron schedule', () => {
  it('fires at each occurrence, not a millisecond before, with its target and Input', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput()));

    await h.advance(12 * HOUR - 1);
    expect(h.deliveries).toEqual([]);
    await h.advance(1);

    expect(h.deliveries).toEqual([
      {
        deadLetter: false,
        destinationArn: QUEUE_ARN,
        attempt: 1,
        input: '{"task":"import"}',
        scheduleArn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly-import`,
        scheduleName: 'nightly-import',
        groupName: 'default',
        target: {
          Arn: QUEUE_ARN,
          RoleArn: ROLE_ARN,
          Input: '{"task":"import"}',
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
        scheduledTime: new Date(T0 + 12 * HOUR),
        invokedAt: new Date(T0 + 12 * HOUR),
        executionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    ]);
    await h.advance(2 * DAY);
    expect(firedAt(h.deliveries)).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2026-01-02T12:00:00.000Z',
      '2026-01-03T12:00:00.000Z',
    ]);
    expect(new Set(h.deliveries.map((d) => d.executionId)).size).toBe(3);
  });

  it('substitutes context attributes in the Input', async () => {
    h = await startScheduler();
    const Input =
      '{"arn":"<aws.scheduler.schedule-arn>","at":"<aws.scheduler.scheduled-time>","id":"<aws.scheduler.execution-id>","attempt":<aws.scheduler.attempt-number>}';
    await h.client.send(
      new CreateScheduleCommand(scheduleInput({ Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input } })),
    );

    await h.advance(DAY);

    const [delivery] = h.deliveries;
    expect(JSON.parse(delivery?.input ?? 'null')).toEqual({
      arn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly-import`,
      at: '2026-01-01T12:00:00Z',
      id: delivery?.executionId,
      attempt: 1,
    });
    expect(delivery?.target.Input).toBe(Input);
  });

  it('is read in its time zone, daylight saving time included', async () => {
    h = await startScheduler({ clock: new ManualClock(Date.UTC(2026, 2, 7)) });
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'cron(0 9 * * ? *)', ScheduleExpressionTimezone: 'America/New_York' }),
      ),
    );

    await h.advance(3 * DAY);

    // New York moves from EST (UTC-5) to EDT (UTC-4) on Sunday 8 March 2026.
    expect(firedAt(h.deliveries)).toEqual([
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
  });

  it('fires from StartDate to EndDate, both included', async () => {
    h = await startScheduler();
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          ScheduleExpression: 'cron(0 * * * ? *)',
          StartDate: new Date(T0 + 3 * HOUR),
          EndDate: new Date(T0 + 6 * HOUR),
        }),
      ),
    );

    await h.advance(DAY);

    expect(firedAt(h.deliveries)).toEqual([3, 4, 5, 6].map((n) => iso(T0 + n * HOUR)));
  });

  it('with ActionAfterCompletion DELETE is deleted after its last occurrence before EndDate', async () => {
    h = await startScheduler();
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({
          ScheduleExpression: 'cron(0 12 * * ? *)',
          EndDate: new Date(T0 + 2 * DAY),
          ActionAfterCompletion: 'DELETE',
        }),
      ),
    );

    await h.advance(36 * HOUR - 1);
    await expect(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }))).resolves.toBeDefined();
    await h.advance(1);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T12:00:00.000Z', '2026-01-02T12:00:00.000Z']);
    const error = await failure(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('a rate schedule', () => {
  it('starts at once when it has no StartDate, then fires every period', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'rate(6 hours)' })));

    await h.advance(13 * HOUR);

    expect(firedAt(h.deliveries)).toEqual([0, 6, 12].map((n) => iso(T0 + n * HOUR)));
  });

  it('starts at its StartDate', async () => {
    h = await startScheduler();
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'rate(30 minutes)', StartDate: new Date(T0 + HOUR + 10 * MINUTE) }),
      ),
    );

    await h.advance(2 * HOUR);

    expect(firedAt(h.deliveries)).toEqual([70, 100].map((m) => iso(T0 + m * MINUTE)));
  });
});

describe('a one-time at() schedule', () => {
  it('fires once at its time in its time zone and stays, done, with ActionAfterCompletion NONE', async () => {
    h = await startScheduler();
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'at(2026-01-02T09:00:00)', ScheduleExpressionTimezone: 'Asia/Tokyo' }),
      ),
    );

    await h.advance(5 * DAY);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-02T00:00:00.000Z']);
    await expect(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }))).resolves.toMatchObject({
      State: 'ENABLED',
    });
  });

  it('is deleted once it has fired, with ActionAfterCompletion DELETE', async () => {
    h = await startScheduler();
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'at(2026-01-01T08:30:00)', ActionAfterCompletion: 'DELETE' }),
      ),
    );

    await h.advance(8 * HOUR + 29 * MINUTE);
    await expect(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }))).resolves.toBeDefined();
    await h.advance(MINUTE);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T08:30:00.000Z']);
    const error = await failure(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('fires right away when its time has already passed', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2025-12-31T18:00:00)' })));

    await h.advance(0);

    expect(h.deliveries.map((d) => [d.scheduledTime.toISOString(), d.invokedAt.toISOString()])).toEqual([
      ['2025-12-31T18:00:00.000Z', iso(T0)],
    ]);
  });

  it('does not fire again when an update keeps its expression', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2026-01-01T01:00:00)' })));
    await h.advance(2 * HOUR);

    await h.client.send(
      new UpdateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2026-01-01T01:00:00)', Description: 'new' })),
    );
    await h.advance(HOUR);
    await h.client.send(new UpdateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2026-01-01T04:00:00)' })));
    await h.advance(2 * HOUR);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T01:00:00.000Z', '2026-01-01T04:00:00.000Z']);
  });
});

describe('state and changes', () => {
  it('a DISABLED schedule never fires until it is enabled', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ State: 'DISABLED' })));

    await h.advance(2 * DAY);
    expect(h.deliveries).toEqual([]);
    await h.client.send(new UpdateScheduleCommand(scheduleInput({ State: 'ENABLED' })));
    await h.advance(DAY);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-03T12:00:00.000Z']);
  });

  it('disabling, rescheduling and deleting disarm the old timer', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'disabled-later' })));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'moved' })));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'deleted' })));

    await h.client.send(new UpdateScheduleCommand(scheduleInput({ Name: 'disabled-later', State: 'DISABLED' })));
    await h.client.send(
      new UpdateScheduleCommand(scheduleInput({ Name: 'moved', ScheduleExpression: 'cron(0 18 * * ? *)' })),
    );
    await h.client.send(new DeleteScheduleCommand({ Name: 'deleted' }));
    await h.advance(DAY);

    expect(h.deliveries.map((d) => [d.scheduleName, d.scheduledTime.toISOString()])).toEqual([
      ['moved', '2026-01-01T18:00:00.000Z'],
    ]);
  });

  it('an update changes what the next firing delivers', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput()));
    await h.advance(DAY);

    await h.client.send(
      new UpdateScheduleCommand(scheduleInput({ Target: { Arn: FUNCTION_ARN, RoleArn: ROLE_ARN, Input: '{"v":2}' } })),
    );
    await h.advance(DAY);

    expect(h.deliveries.map((d) => [d.destinationArn, d.input])).toEqual([
      [QUEUE_ARN, '{"task":"import"}'],
      [FUNCTION_ARN, '{"v":2}'],
    ]);
  });
});

describe('a flexible time window', () => {
  const WINDOW = { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 30 };

  it('fires within the window after each scheduled time, at a moment fixed by name and time', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ FlexibleTimeWindow: WINDOW })));

    await h.advance(10 * DAY);

    expect(firedAt(h.deliveries)).toEqual(Array.from({ length: 10 }, (_, day) => iso(T0 + day * DAY + 12 * HOUR)));
    const delays = h.deliveries.map((d) => d.invokedAt.getTime() - d.scheduledTime.getTime());
    for (const [i, delay] of delays.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(30 * MINUTE);
      expect(delay).toBe(flexibleDelayMs('nightly-import', T0 + i * DAY + 12 * HOUR, WINDOW));
    }
    expect(new Set(delays).size).toBeGreaterThan(1);
  });

  it('is the same moment after a restart', async () => {
    h = await startScheduler();
    await h.client.send(new CreateScheduleCommand(scheduleInput({ FlexibleTimeWindow: WINDOW })));
    const before = h.emulator.nextInvocation('default', 'nightly-import');

    await h.restart();

    expect(before?.scheduledTime).toEqual(new Date(T0 + 12 * HOUR));
    expect(h.emulator.nextInvocation('default', 'nightly-import')).toEqual(before);
  });
});
