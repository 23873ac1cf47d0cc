import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  DAY,
  failure,
  firedAt,
  HOUR,
  iso,
  MINUTE,
  type SchedulerHarness,
  scheduleInput,
  startScheduler,
  T0,
  withoutMetadata,
} from './harness.js';

/**
 * A restart on the same data directory keeps every group, tag and schedule
 * and re-arms the schedules; what was missed while down is not backfilled,
 * except a one-time at() schedule, which fires once.
 */

let h: SchedulerHarness;

beforeEach(async () => {
  h = await startScheduler();
});

afterEach(async () => {
  await h.dispose();
});

describe('a restart', () => {
  it('keeps groups, tags and schedules, and fires them again', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop', Tags: [{ Key: 'team', Value: 'recs' }] }));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ GroupName: 'shop', Description: 'kept' })));
    await h.advance(DAY);
    const schedule = withoutMetadata(
      await h.client.send(new GetScheduleCommand({ Name: 'nightly-import', GroupName: 'shop' })),
    );
    const group = withoutMetadata(await h.client.send(new GetScheduleGroupCommand({ Name: 'shop' })));

    await h.restart();
    await h.advance(DAY);

    const scheduleAfter = withoutMetadata(
      await h.client.send(new GetScheduleCommand({ Name: 'nightly-import', GroupName: 'shop' })),
    );
    const groupAfter = withoutMetadata(await h.client.send(new GetScheduleGroupCommand({ Name: 'shop' })));
    expect(scheduleAfter).toEqual(schedule);
    expect(scheduleAfter.Description).toBe('kept');
    expect(groupAfter).toEqual(group);
    const { Tags } = await h.client.send(
      new ListTagsForResourceCommand({ ResourceArn: `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/shop` }),
    );
    expect(Tags).toEqual([{ Key: 'team', Value: 'recs' }]);
    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T12:00:00.000Z', '2026-01-02T12:00:00.000Z']);
  });

  it('does not backfill the occurrences missed while it was down', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'cron(0 * * * ? *)' })));
    await h.advance(HOUR + MINUTE);

    await h.restart(4 * HOUR);
    await h.advance(2 * HOUR);

    // Created exactly on the hour, it fires at once; down from 01:01 to 05:01, it resumes at 06:00.
    expect(firedAt(h.deliveries)).toEqual([0, 1, 6, 7].map((n) => iso(T0 + n * HOUR)));
  });

  it('keeps a rate schedule on the grid it started on', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'rate(2 hours)' })));
    await h.advance(HOUR);

    await h.restart(4 * HOUR);
    await h.advance(3 * HOUR);

    // Every 2 hours from 00:00: down from 01:00 to 05:00, it resumes at 06:00, not at 05:00 or 07:00.
    expect(firedAt(h.deliveries)).toEqual([0, 6, 8].map((n) => iso(T0 + n * HOUR)));
  });

  it('fires an at() schedule whose time passed while it was down, once, and applies DELETE', async () => {
    await h.client.send(
      new CreateScheduleCommand(
        scheduleInput({ ScheduleExpression: 'at(2026-01-01T03:00:00)', ActionAfterCompletion: 'DELETE' }),
      ),
    );

    await h.restart(5 * HOUR);
    await h.advance(0);
    await h.restart(HOUR);
    await h.advance(DAY);

    expect(h.deliveries.map((d) => [d.scheduledTime.toISOString(), d.invokedAt.toISOString()])).toEqual([
      ['2026-01-01T03:00:00.000Z', iso(T0 + 5 * HOUR)],
    ]);
    const error = await failure(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
  });

  it('does not fire again an at() schedule that fired before it', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2026-01-01T03:00:00)' })));
    await h.advance(4 * HOUR);

    await h.restart(HOUR);
    await h.advance(DAY);

    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T03:00:00.000Z']);
  });
});

describe('the data directory', () => {
  it('holds one complete JSON document and no temporary file after each change', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput()));

    const files = await readdir(h.dataDir);
    const state = JSON.parse(await readFile(join(h.dataDir, 'scheduler-state.json'), 'utf8')) as {
      version: number;
      groups: { name: string }[];
      schedules: { name: string }[];
    };

    expect(files).toEqual(['scheduler-state.json']);
    expect(state.version).toBe(1);
    expect(state.groups.map((g) => g.name)).toEqual(['default']);
    expect(state.schedules.map((s) => s.name)).toEqual(['nightly-import']);
  });

  it('survives a crash in the middle of a write (a torn temporary file is ignored)', async () => {
    await h.client.send(new CreateScheduleCommand(scheduleInput()));
    await h.stop();
    await writeFile(join(h.dataDir, 'scheduler-state.json.tmp'), '{"version":1,"groups":[{"na');

    await h.restart();

    await expect(h.client.send(new GetScheduleCommand({ Name: 'nightly-import' }))).resolves.toMatchObject({
      Name: 'nightly-import',
    });
  });
});
