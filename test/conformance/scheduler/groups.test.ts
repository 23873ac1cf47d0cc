import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  paginateListScheduleGroups,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  TagResourceCommand,
  UntagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  DAY,
  failure,
  firedAt,
  HOUR,
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

const groupArn = (name: string) => `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/${name}`;

describe('schedule groups', () => {
  it('has the built-in default group from the start', async () => {
    const { $metadata, ...group } = await h.client.send(new GetScheduleGroupCommand({ Name: 'default' }));

    expect(group).toEqual({
      Arn: groupArn('default'),
      Name: 'default',
      State: 'ACTIVE',
      CreationDate: new Date(T0),
      LastModificationDate: new Date(T0),
    });
  });

  it('creates, reads and lists a group', async () => {
    h.clock.advance(HOUR);

    const { ScheduleGroupArn } = await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));

    expect(ScheduleGroupArn).toBe(groupArn('shop'));
    const { $metadata, ...group } = await h.client.send(new GetScheduleGroupCommand({ Name: 'shop' }));
    expect(group).toEqual({
      Arn: groupArn('shop'),
      Name: 'shop',
      State: 'ACTIVE',
      CreationDate: new Date(T0 + HOUR),
      LastModificationDate: new Date(T0 + HOUR),
    });
    const { ScheduleGroups } = await h.client.send(new ListScheduleGroupsCommand({}));
    expect(ScheduleGroups).toEqual([
      {
        Arn: groupArn('default'),
        Name: 'default',
        State: 'ACTIVE',
        CreationDate: new Date(T0),
        LastModificationDate: new Date(T0),
      },
      group,
    ]);
  });

  it('refuses a group that exists, and creating or deleting the default group', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));

    const conflict = await failure(h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' })));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.message).toBe('Schedule group shop already exists.');
    for (const command of [
      new CreateScheduleGroupCommand({ Name: 'default' }),
      new DeleteScheduleGroupCommand({ Name: 'default' }),
    ]) {
      const sent = h.client.send(command as never);
      await expect(sent).rejects.toThrow(ValidationException);
      await expect(sent).rejects.toThrow('This operation cannot be performed on schedule group default.');
    }
  });

  it('answers ResourceNotFoundException for a group that does not exist', async () => {
    for (const command of [
      new GetScheduleGroupCommand({ Name: 'ghost' }),
      new DeleteScheduleGroupCommand({ Name: 'ghost' }),
    ]) {
      const sent = h.client.send(command as never);
      await expect(sent).rejects.toThrow(ResourceNotFoundException);
      await expect(sent).rejects.toThrow('Schedule group ghost does not exist.');
    }
  });

  it('pages groups and filters them by name prefix', async () => {
    for (const name of ['shop-eu', 'shop-us', 'media', 'shop-asia']) {
      await h.client.send(new CreateScheduleGroupCommand({ Name: name }));
    }

    const first = await h.client.send(new ListScheduleGroupsCommand({ NamePrefix: 'shop', MaxResults: 2 }));
    const rest = await h.client.send(
      new ListScheduleGroupsCommand({ NamePrefix: 'shop', MaxResults: 2, NextToken: first.NextToken }),
    );
    const all: (string | undefined)[] = [];
    for await (const pageOut of paginateListScheduleGroups({ client: h.client, pageSize: 1 }, {})) {
      all.push(...(pageOut.ScheduleGroups ?? []).map((g) => g.Name));
    }

    expect(first.ScheduleGroups?.map((g) => g.Name)).toEqual(['shop-asia', 'shop-eu']);
    expect(rest.ScheduleGroups?.map((g) => g.Name)).toEqual(['shop-us']);
    expect(rest.NextToken).toBeUndefined();
    expect(all).toEqual(['default', 'media', 'shop-asia', 'shop-eu', 'shop-us']);
  });

  it('enforces the group quota (the default group counts)', async () => {
    await h.dispose();
    h = await startScheduler({ quotas: { scheduleGroups: 2 } });
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));

    const third = h.client.send(new CreateScheduleGroupCommand({ Name: 'media' }));

    await expect(third).rejects.toThrow(ServiceQuotaExceededException);
    await expect(third).rejects.toThrow('You have reached the quota of 2 schedule groups.');
  });

  it('deletes its schedules with it, and they stop firing', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'in-shop', GroupName: 'shop' })));
    await h.client.send(new CreateScheduleCommand(scheduleInput({ Name: 'in-default' })));

    await h.client.send(new DeleteScheduleGroupCommand({ Name: 'shop' }));
    await h.advance(DAY);

    await expect(h.client.send(new GetScheduleCommand({ Name: 'in-shop', GroupName: 'shop' }))).rejects.toThrow(
      ResourceNotFoundException,
    );
    expect((await h.client.send(new ListSchedulesCommand({}))).Schedules?.map((s) => s.Name)).toEqual(['in-default']);
    expect(firedAt(h.deliveries)).toEqual(['2026-01-01T12:00:00.000Z']);
    expect(firedAt(h.deliveries, 'in-shop')).toEqual([]);
  });
});

describe('tags on schedule groups', () => {
  it('are set at creation, added, overwritten, removed and listed', async () => {
    await h.client.send(
      new CreateScheduleGroupCommand({
        Name: 'shop',
        Tags: [
          { Key: 'team', Value: 'recs' },
          { Key: 'env', Value: 'dev' },
        ],
      }),
    );
    const ResourceArn = groupArn('shop');

    await h.client.send(
      new TagResourceCommand({
        ResourceArn,
        Tags: [
          { Key: 'env', Value: 'prod' },
          { Key: 'cost-center', Value: '42' },
        ],
      }),
    );
    await h.client.send(new UntagResourceCommand({ ResourceArn, TagKeys: ['team', 'not-there'] }));

    const { Tags } = await h.client.send(new ListTagsForResourceCommand({ ResourceArn }));
    expect(Tags).toEqual([
      { Key: 'env', Value: 'prod' },
      { Key: 'cost-center', Value: '42' },
    ]);
  });

  it('answers ResourceNotFoundException for a group that does not exist or is in another account', async () => {
    for (const arn of [groupArn('ghost'), 'arn:aws:scheduler:us-east-1:999999999999:schedule-group/default']) {
      await expect(h.client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).rejects.toThrow(
        ResourceNotFoundException,
      );
    }
  });

  it('cannot tag a schedule: only schedule groups carry tags', async () => {
    const ResourceArn = `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule/default/nightly-import`;

    await expect(
      h.client.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: 'a', Value: 'b' }] })),
    ).rejects.toThrow(
      `1 validation error detected: Value '${ResourceArn}' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:scheduler:[a-z0-9\\-]+:\\d{12}:schedule-group\\/[0-9a-zA-Z-_.]+$`,
    );
  });

  it('cannot be put on the built-in default group', async () => {
    const error = await failure(
      h.client.send(new TagResourceCommand({ ResourceArn: groupArn('default'), Tags: [{ Key: 'a', Value: 'b' }] })),
    );

    expect(error).toBeInstanceOf(ValidationException);
    expect(error.message).toBe('This operation cannot be performed on schedule group default.');
    await expect(
      h.client.send(new ListTagsForResourceCommand({ ResourceArn: groupArn('default') })),
    ).resolves.toMatchObject({
      Tags: [],
    });
  });

  it('are gone with their group', async () => {
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop', Tags: [{ Key: 'team', Value: 'recs' }] }));
    await h.client.send(new DeleteScheduleGroupCommand({ Name: 'shop' }));
    await h.client.send(new CreateScheduleGroupCommand({ Name: 'shop' }));

    const { Tags } = await h.client.send(new ListTagsForResourceCommand({ ResourceArn: groupArn('shop') }));

    expect(Tags).toEqual([]);
  });
});
