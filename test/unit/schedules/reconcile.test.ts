import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ConfiguredSchedule, ScheduledTask } from '../../../shared/schedules/from-config.js';
import {
  type DesiredSchedule,
  desiredSchedules,
  InvalidSchedulesError,
  MAX_SCHEDULE_NAME_LENGTH,
  planSchedules,
  RUN_REQUEST_RETRY_POLICY,
  type RunsQueueTarget,
  reconcileSchedules,
  ScheduleNameTakenError,
  type SchedulePlan,
  ScheduleRejectedError,
  scheduleChanges,
  scheduleName,
  scheduleNamePrefix,
  scheduleOwner,
  scheduleRequest,
} from '../../../shared/schedules/reconcile.js';
import { scheduledRunRequest } from '../../../shared/workflow/messages.js';

const GROUP = 'mpx-dev';
const TARGET: RunsQueueTarget = {
  queueArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs',
  roleArn: 'arn:aws:iam::123456789012:role/mpx-dev-SchedulerRole',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:mpx-dev-runs-dlq',
};
const NAME_PATTERN = /^[0-9a-zA-Z\-_.]{1,64}$/;

// Factories ------------------------------------------------------------------

const importTask: ScheduledTask = { kind: 'import' };
const full = (solution: string): ScheduledTask => ({ kind: 'full', solution });
const update = (solution: string): ScheduledTask => ({ kind: 'update', solution });
const inference = (solution: string, job: string): ScheduledTask => ({ kind: 'batchInference', solution, job });
const segment = (solution: string, job: string): ScheduledTask => ({ kind: 'batchSegment', solution, job });

const configured = (task: ScheduledTask, expression: string, path = `path.${task.kind}`): ConfiguredSchedule => ({
  path,
  task,
  expression,
});

/** What GetSchedule answers for a schedule mpx created for `datasetGroup` (optionally altered). */
function existing(
  datasetGroup: string,
  task: ScheduledTask,
  expression: string,
  change: (s: GetScheduleOutput) => GetScheduleOutput = (s) => s,
): GetScheduleOutput {
  const [desired] = desiredSchedules(datasetGroup, [configured(task, expression)]);
  if (!desired) throw new Error('no desired schedule');
  const request = scheduleRequest(GROUP, desired, TARGET);
  return change({ ...request, Arn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${GROUP}/${request.Name}` });
}

const notFoundError = (message: string) => new ResourceNotFoundException({ message, Message: message, $metadata: {} });
const conflictError = (message: string) => new ConflictException({ message, Message: message, $metadata: {} });

// Names ----------------------------------------------------------------------

describe('scheduleName', () => {
  it.each([
    [importTask, 'shop.import'],
    [full('shop-sims'), 'shop.shop-sims.full'],
    [update('shop-sims'), 'shop.shop-sims.update'],
    [inference('shop-sims', 'nightly'), 'shop.shop-sims.nightly.batch-inference'],
    [segment('shop-affinity', 'shop-affinity'), 'shop.shop-affinity.shop-affinity.batch-segment'],
  ])('%o → %s', (task, name) => {
    expect(scheduleName('shop', task)).toBe(name);
  });

  it('keeps a name of exactly 64 characters whole', () => {
    const dsg = 'd'.repeat(64 - '.import'.length);
    expect(scheduleName(dsg, importTask)).toBe(`${dsg}.import`);
  });

  it('shortens a longer name to 64 characters with a hash, keeping the dataset group prefix and the kind', () => {
    const dsg = `${'a'.repeat(40)}-b`;
    const name = scheduleName(dsg, inference('s'.repeat(63), 'j'.repeat(63)));
    expect(name).toHaveLength(MAX_SCHEDULE_NAME_LENGTH);
    expect(name).toMatch(NAME_PATTERN);
    expect(name).toMatch(new RegExp(`^${'a'.repeat(32)}\\.s+\\.batch-inference\\.[0-9a-f]{10}$`));
    expect(scheduleName(dsg, inference('s'.repeat(63), 'j'.repeat(63)))).toBe(name);
    expect(scheduleName(dsg, inference('s'.repeat(63), `${'j'.repeat(62)}k`))).not.toBe(name);
  });

  it('keeps solution and job apart in a shortened name as far as they fit', () => {
    expect(scheduleName('shop', segment('shop-affinity', 'a-very-long-segment-job-name-for-testing'))).toMatch(
      /^shop\.shop-affinity\.a-very-long-segment\.batch-segment\.[0-9a-f]{10}$/,
    );
  });

  it('shortens a long dataset group name even for import', () => {
    const dsg = 'g'.repeat(63);
    expect(scheduleName(dsg, importTask)).toMatch(new RegExp(`^${'g'.repeat(32)}\\.import\\.[0-9a-f]{10}$`));
  });

  it('hashes a name with a character Scheduler refuses, so it stays valid and distinct', () => {
    const dotted = scheduleName('a.b', full('s'));
    const spaced = scheduleName('a b', full('s'));
    expect(dotted).toMatch(NAME_PATTERN);
    expect(spaced).toMatch(NAME_PATTERN);
    expect(new Set([dotted, spaced, scheduleName('a-b', full('s'))]).size).toBe(3);
  });

  const personalizeName = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/);
  const anyTask: fc.Arbitrary<ScheduledTask> = fc.oneof(
    fc.constant(importTask),
    fc.record({ kind: fc.constantFrom('full' as const, 'update' as const), solution: personalizeName }),
    fc.record({
      kind: fc.constantFrom('batchInference' as const, 'batchSegment' as const),
      solution: personalizeName,
      job: personalizeName,
    }),
  );

  it('is valid for Scheduler, 1–64 characters, and starts with the dataset group prefix (property)', () => {
    fc.assert(
      fc.property(personalizeName, anyTask, (dsg, task) => {
        const name = scheduleName(dsg, task);
        expect(name).toMatch(NAME_PATTERN);
        expect(name.startsWith(scheduleNamePrefix(dsg))).toBe(true);
        expect(scheduleName(dsg, task)).toBe(name);
      }),
      { numRuns: 500 },
    );
  });

  it('differs for every two different (dataset group, task) pairs (property)', () => {
    fc.assert(
      fc.property(personalizeName, anyTask, personalizeName, anyTask, (dsgA, taskA, dsgB, taskB) => {
        fc.pre(dsgA !== dsgB || JSON.stringify(taskA) !== JSON.stringify(taskB));
        expect(scheduleName(dsgA, taskA)).not.toBe(scheduleName(dsgB, taskB));
      }),
      { numRuns: 500 },
    );
  });

  it('differs within the shortened form too: long names sharing their first characters (property)', () => {
    const longName = fc.stringMatching(/^[a-z]{40,63}$/);
    fc.assert(
      fc.property(longName, fc.stringMatching(/^[a-z]{1,5}$/), fc.stringMatching(/^[a-z]{1,5}$/), (base, x, y) => {
        fc.pre(x !== y);
        const a = scheduleName(base.slice(0, 58) + x, full(base));
        const b = scheduleName(base.slice(0, 58) + y, full(base));
        expect(a).not.toBe(b);
      }),
    );
  });
});

describe('scheduleNamePrefix', () => {
  it.each([
    ['shop', 'shop.'],
    ['a'.repeat(32), `${'a'.repeat(32)}.`],
    ['a'.repeat(33), 'a'.repeat(32)],
    ['a.b', 'a-b.'],
  ])('%s → %s', (dsg, prefix) => {
    expect(scheduleNamePrefix(dsg)).toBe(prefix);
  });
});

describe('scheduleOwner', () => {
  const input = (datasetGroup: unknown) => JSON.stringify({ version: 1, type: 'schedule', datasetGroup });

  it.each([
    ['the Input says', { Name: 'x.import', Target: { Arn: 'a', RoleArn: 'r', Input: input('shop') } }, 'shop'],
    [
      'the Input wins over the name',
      { Name: 'other.import', Target: { Arn: 'a', RoleArn: 'r', Input: input('shop') } },
      'shop',
    ],
    ['a full-form name without Input', { Name: 'shop.s.full' }, 'shop'],
    [
      'a full-form name with a foreign Input',
      { Name: 'shop.s.full', Target: { Arn: 'a', RoleArn: 'r', Input: 'hello' } },
      'shop',
    ],
    ['a shortened name without Input', { Name: 'shop.s.full.0123456789' }, undefined],
    ['a name mpx never makes', { Name: 'nightly-backup' }, undefined],
    [
      'an Input with an empty dataset group',
      { Name: 'x', Target: { Arn: 'a', RoleArn: 'r', Input: input('') } },
      undefined,
    ],
  ])('%s', (_, schedule, owner) => {
    expect(scheduleOwner(schedule)).toBe(owner);
  });

  it('tells apart two dataset groups whose shortened names share a prefix', () => {
    const short = 'p'.repeat(32);
    const long = `${short}-and-more`;
    const theirs = existing(long, full('s'.repeat(40)), 'rate(1 day)');
    expect(theirs.Name?.startsWith(scheduleNamePrefix(short))).toBe(true);
    expect(scheduleOwner(theirs)).toBe(long);
  });
});

// Desired schedules ----------------------------------------------------------

describe('desiredSchedules', () => {
  it('turns every non-delete schedule into a run request for the schedule’s occurrence', () => {
    const desired = desiredSchedules('shop', [
      configured(importTask, 'cron(0 2 * * ? *)'),
      configured(full('shop-sims'), 'delete'),
      configured(inference('shop-sims', 'nightly'), 'rate(7 days)'),
    ]);
    expect(desired).toEqual([
      {
        name: 'shop.import',
        task: importTask,
        expression: 'cron(0 2 * * ? *)',
        request: {
          version: 1,
          type: 'schedule',
          datasetGroup: 'shop',
          scheduleName: 'shop.import',
          task: importTask,
          scheduledTime: '<aws.scheduler.scheduled-time>',
        },
      },
      expect.objectContaining({ name: 'shop.shop-sims.nightly.batch-inference', expression: 'rate(7 days)' }),
    ]);
    for (const d of desired) expect(scheduledRunRequest.parse(d.request)).toEqual(d.request);
  });

  it.each([
    ['an expression AWS refuses', [configured(importTask, 'cron(0 2 * * * *)')], 'exactly one of day-of-month'],
    ['a one-time expression', [configured(importTask, 'at(2030-01-01T00:00:00)')], 'fires once'],
    ['not an expression', [configured(importTask, 'daily')], 'is not a schedule expression'],
    [
      'two schedules with one task',
      [configured(full('s'), 'rate(1 day)', 'a'), configured(full('s'), 'delete', 'b')],
      'b: same task as a',
    ],
    ['a task the run request contract refuses', [configured(full(''), 'rate(1 day)')], 'task.solution'],
  ])('refuses %s before sending anything', (_, schedules, message) => {
    expect(() => desiredSchedules('shop', schedules)).toThrow(InvalidSchedulesError);
    expect(() => desiredSchedules('shop', schedules)).toThrow(message);
  });

  it('lists every problem at once', () => {
    const error = (() => {
      try {
        desiredSchedules('shop', [configured(importTask, 'x', 'p1'), configured(full('s'), 'y', 'p2')]);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/p1: .*; p2: /);
  });
});

// Comparing -------------------------------------------------------------------

describe('scheduleChanges', () => {
  const [desired] = desiredSchedules('shop', [configured(full('s'), 'cron(0 3 ? * MON *)')]) as [DesiredSchedule];
  const expected = scheduleRequest(GROUP, desired, TARGET);
  const same = existing('shop', full('s'), 'cron(0 3 ? * MON *)');
  const target = same.Target as NonNullable<GetScheduleOutput['Target']>;

  it('finds nothing to change in what it would create', () => {
    expect(scheduleChanges(expected, same)).toEqual([]);
  });

  it.each<[string, Partial<GetScheduleOutput>, string[]]>([
    ['State, Description, KmsKeyArn are the operator’s', { State: 'DISABLED', Description: 'x', KmsKeyArn: 'k' }, []],
    ['an absent time zone is UTC', { ScheduleExpressionTimezone: undefined }, []],
    ['an absent ActionAfterCompletion is NONE', { ActionAfterCompletion: undefined }, []],
    [
      'the same Input with other key order and spacing',
      { Target: { ...target, Input: JSON.stringify(JSON.parse(target.Input as string), null, 2) } },
      [],
    ],
    ['the expression', { ScheduleExpression: 'cron(0 4 ? * MON *)' }, ['ScheduleExpression']],
    ['the time zone', { ScheduleExpressionTimezone: 'Europe/Paris' }, ['ScheduleExpressionTimezone']],
    [
      'a flexible window',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } },
      ['FlexibleTimeWindow'],
    ],
    ['a start date', { StartDate: new Date('2030-01-01T00:00:00Z') }, ['StartDate']],
    ['an end date', { EndDate: new Date('2030-01-01T00:00:00Z') }, ['EndDate']],
    ['deletion after completion', { ActionAfterCompletion: 'DELETE' }, ['ActionAfterCompletion']],
    ['the queue', { Target: { ...target, Arn: 'arn:aws:sqs:us-east-1:123456789012:other' } }, ['Target.Arn']],
    ['the role', { Target: { ...target, RoleArn: 'arn:aws:iam::123456789012:role/other' } }, ['Target.RoleArn']],
    ['the Input', { Target: { ...target, Input: target.Input?.replace('"s"', '"t"') } }, ['Target.Input']],
    ['no Input', { Target: { ...target, Input: undefined } }, ['Target.Input']],
    ['Input that is not JSON', { Target: { ...target, Input: 'tick' } }, ['Target.Input']],
    ['no RetryPolicy (Scheduler’s default)', { Target: { ...target, RetryPolicy: undefined } }, ['Target.RetryPolicy']],
    [
      'another retry count',
      { Target: { ...target, RetryPolicy: { ...RUN_REQUEST_RETRY_POLICY, MaximumRetryAttempts: 0 } } },
      ['Target.RetryPolicy'],
    ],
    ['no DLQ', { Target: { ...target, DeadLetterConfig: undefined } }, ['Target.DeadLetterConfig']],
    [
      'target parameters mpx never sets',
      { Target: { ...target, SqsParameters: { MessageGroupId: 'g' } } },
      ['Target.SqsParameters'],
    ],
    [
      'no target at all',
      { Target: undefined },
      ['Target.Arn', 'Target.RoleArn', 'Target.Input', 'Target.RetryPolicy', 'Target.DeadLetterConfig'],
    ],
  ])('%s', (_, change, changes) => {
    expect(scheduleChanges(expected, { ...same, ...change })).toEqual(changes);
  });
});

// Planning --------------------------------------------------------------------

describe('planSchedules', () => {
  const desired = desiredSchedules('shop', [
    configured(importTask, 'cron(0 2 * * ? *)'),
    configured(full('shop-sims'), 'cron(0 3 ? * MON *)'),
    configured(update('shop-sims'), 'delete'),
  ]);
  const plan = (current: GetScheduleOutput[]) => planSchedules('shop', desired, current, GROUP, TARGET);
  const names = (p: SchedulePlan) => ({
    create: p.create.map((r) => r.Name),
    update: p.update.map((u) => u.request.Name),
    delete: p.delete,
    unchanged: p.unchanged,
  });

  it('creates every schedule of an empty group, enabled, in UTC, with no window, a retry policy and a DLQ', () => {
    const p = plan([]);
    expect(names(p)).toEqual({ create: ['shop.import', 'shop.shop-sims.full'], update: [], delete: [], unchanged: [] });
    expect(p.create[0]).toEqual({
      Name: 'shop.import',
      GroupName: GROUP,
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'NONE',
      State: 'ENABLED',
      Target: {
        Arn: TARGET.queueArn,
        RoleArn: TARGET.roleArn,
        Input: JSON.stringify({
          version: 1,
          type: 'schedule',
          datasetGroup: 'shop',
          scheduleName: 'shop.import',
          task: { kind: 'import' },
          scheduledTime: '<aws.scheduler.scheduled-time>',
        }),
        RetryPolicy: RUN_REQUEST_RETRY_POLICY,
        DeadLetterConfig: { Arn: TARGET.deadLetterArn },
      },
    });
  });

  it('leaves schedules that match alone', () => {
    const p = plan([
      existing('shop', importTask, 'cron(0 2 * * ? *)'),
      existing('shop', full('shop-sims'), 'cron(0 3 ? * MON *)'),
    ]);
    expect(names(p)).toEqual({ create: [], update: [], delete: [], unchanged: ['shop.import', 'shop.shop-sims.full'] });
  });

  it('updates a changed expression and keeps the State an operator set, with Description and KmsKeyArn', () => {
    const paused = existing('shop', full('shop-sims'), 'cron(0 1 ? * MON *)', (s) => ({
      ...s,
      State: 'DISABLED',
      Description: 'paused during the sale',
      KmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    }));
    const p = plan([existing('shop', importTask, 'cron(0 2 * * ? *)'), paused]);
    expect(names(p)).toEqual({ create: [], update: ['shop.shop-sims.full'], delete: [], unchanged: ['shop.import'] });
    expect(p.update[0]?.changes).toEqual(['ScheduleExpression']);
    expect(p.update[0]?.request).toMatchObject({
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      State: 'DISABLED',
      Description: 'paused during the sale',
      KmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
    });
  });

  it('updates a schedule whose target moved (a redeployed stack) and re-enables nothing', () => {
    const moved = existing('shop', importTask, 'cron(0 2 * * ? *)', (s) => ({
      ...s,
      Target: { ...s.Target, Arn: 'arn:aws:sqs:us-east-1:123456789012:old-runs', RoleArn: TARGET.roleArn },
    }));
    const p = plan([moved]);
    expect(p.update.map((u) => [u.request.Name, u.changes, u.request.State])).toEqual([
      ['shop.import', ['Target.Arn'], 'ENABLED'],
    ]);
  });

  it('deletes the dataset group’s schedules the file dropped or marked delete', () => {
    const p = plan([
      existing('shop', importTask, 'cron(0 2 * * ? *)'),
      existing('shop', full('shop-sims'), 'cron(0 3 ? * MON *)'),
      existing('shop', update('shop-sims'), 'rate(1 day)'),
      existing('shop', inference('gone', 'nightly'), 'rate(1 day)'),
    ]);
    expect(p.delete).toEqual(['shop.gone.nightly.batch-inference', 'shop.shop-sims.update']);
  });

  it('never touches another dataset group’s schedules, even under the same name prefix', () => {
    const short = 'p'.repeat(32);
    const neighbour = existing(`${short}-long`, full('s'.repeat(40)), 'rate(1 day)');
    expect(neighbour.Name?.startsWith(scheduleNamePrefix(short))).toBe(true);
    const own = desiredSchedules(short, [configured(importTask, 'rate(1 day)')]);
    const p = planSchedules(short, own, [neighbour], GROUP, TARGET);
    expect(names(p)).toEqual({ create: [`${short}.import`], update: [], delete: [], unchanged: [] });
  });

  it('leaves a schedule it cannot attribute to the dataset group', () => {
    const stranger: GetScheduleOutput = { Name: 'shop.x.full.0123456789', ScheduleExpression: 'rate(1 day)' };
    expect(plan([stranger]).delete).toEqual([]);
  });

  it('takes over a schedule with its name but no readable Input, and rewrites it', () => {
    const broken = existing('shop', importTask, 'cron(0 2 * * ? *)', (s) => ({
      ...s,
      Target: { ...s.Target, Arn: TARGET.queueArn, RoleArn: TARGET.roleArn, Input: 'tick' },
    }));
    expect(plan([broken]).update.map((u) => u.changes)).toEqual([['Target.Input']]);
  });

  it('refuses to take a name another dataset group’s schedule holds', () => {
    const squatter = existing('shop', importTask, 'cron(0 2 * * ? *)', (s) => ({
      ...s,
      Target: {
        ...s.Target,
        Arn: TARGET.queueArn,
        RoleArn: TARGET.roleArn,
        Input: JSON.stringify({ datasetGroup: 'other' }),
      },
    }));
    expect(() => plan([squatter])).toThrow(ScheduleNameTakenError);
    expect(() => plan([squatter])).toThrow('belongs to dataset group other');
  });
});

/** Applies a plan to a group the way Scheduler would (UpdateSchedule replaces the whole schedule). */
function apply(group: Map<string, GetScheduleOutput>, plan: SchedulePlan): void {
  for (const name of plan.delete) group.delete(name);
  for (const { request } of plan.update) group.set(request.Name, { ...request });
  for (const request of plan.create) group.set(request.Name, { ...request });
}

describe('planSchedules, applied (property)', () => {
  const solution = fc.constantFrom('s1', 's2', 'a-much-longer-solution-name-that-forces-a-shortened-schedule-name');
  const task: fc.Arbitrary<ScheduledTask> = fc.oneof(
    fc.constant(importTask),
    fc.record({ kind: fc.constantFrom('full' as const, 'update' as const), solution }),
    fc.record({
      kind: fc.constantFrom('batchInference' as const, 'batchSegment' as const),
      solution,
      job: fc.constantFrom('j1', 'j2'),
    }),
  );
  const expression = fc.constantFrom('delete', 'rate(1 day)', 'rate(2 hours)', 'cron(0 2 * * ? *)');
  const schedules = fc
    .uniqueArray(fc.record({ task, expression }), { selector: (s) => JSON.stringify(s.task), maxLength: 8 })
    .map((list) => list.map((s, i) => configured(s.task, s.expression, `p${i}`)));
  const datasetGroup = fc.constantFrom('shop', 'shop2', 'p'.repeat(32), `${'p'.repeat(32)}-long`);
  const world = fc.record({
    dsg: datasetGroup,
    before: fc.array(fc.record({ dsg: datasetGroup, schedules, paused: fc.boolean() }), { maxLength: 3 }),
    file: schedules,
  });

  it('leaves exactly the file’s schedules for its dataset group, others untouched, states kept, and is idempotent', () => {
    fc.assert(
      fc.property(world, ({ dsg, before, file }) => {
        const group = new Map<string, GetScheduleOutput>();
        for (const other of before) {
          for (const d of desiredSchedules(other.dsg, other.schedules)) {
            group.set(d.name, { ...scheduleRequest(GROUP, d, TARGET), State: other.paused ? 'DISABLED' : 'ENABLED' });
          }
        }
        const snapshot = new Map(group);
        const desired = desiredSchedules(dsg, file);
        apply(group, planSchedules(dsg, desired, [...group.values()], GROUP, TARGET));

        const own = [...group.values()].filter((s) => scheduleOwner(s) === dsg);
        expect(own.map((s) => s.Name).sort()).toEqual(desired.map((d) => d.name).sort());
        for (const d of desired) {
          expect(group.get(d.name)?.ScheduleExpression).toBe(d.expression);
          const was = snapshot.get(d.name);
          expect(group.get(d.name)?.State).toBe(was?.State ?? 'ENABLED');
        }
        for (const [name, schedule] of snapshot) {
          if (scheduleOwner(schedule) !== dsg) expect(group.get(name)).toBe(schedule);
        }
        const again = planSchedules(dsg, desired, [...group.values()], GROUP, TARGET);
        expect(again.create.length + again.update.length + again.delete.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

// The shell ----------------------------------------------------------------------

describe('reconcileSchedules', () => {
  const scheduler = mockClient(SchedulerClient);
  let group: Map<string, GetScheduleOutput>;
  const deps = () => ({ scheduler: new SchedulerClient({}), groupName: GROUP });

  /** An in-memory schedule group behind the mocked client, paged two at a time. */
  beforeEach(() => {
    scheduler.reset();
    group = new Map();
    scheduler.on(ListSchedulesCommand).callsFake((input: { NamePrefix?: string; NextToken?: string }) => {
      const names = [...group.keys()].filter((n) => n.startsWith(input.NamePrefix ?? '')).sort();
      const start = Number(input.NextToken ?? 0);
      const page = names.slice(start, start + 2);
      return {
        Schedules: page.map((Name) => ({ Name, GroupName: GROUP, State: group.get(Name)?.State })),
        ...(start + 2 < names.length ? { NextToken: String(start + 2) } : {}),
      };
    });
    scheduler.on(GetScheduleCommand).callsFake((input: { Name: string }) => {
      const found = group.get(input.Name);
      if (!found) throw notFoundError(`Schedule ${input.Name} does not exist.`);
      return found;
    });
    scheduler.on(CreateScheduleCommand).callsFake((input: CreateScheduleInput) => {
      if (group.has(input.Name as string)) throw conflictError('exists');
      group.set(input.Name as string, { ...input });
      return { ScheduleArn: `arn:${input.Name}` };
    });
    scheduler.on(UpdateScheduleCommand).callsFake((input: CreateScheduleInput) => {
      if (!group.has(input.Name as string)) throw notFoundError('gone');
      group.set(input.Name as string, { ...input });
      return { ScheduleArn: `arn:${input.Name}` };
    });
    scheduler.on(DeleteScheduleCommand).callsFake((input: { Name: string }) => {
      if (!group.delete(input.Name)) throw notFoundError('gone');
      return {};
    });
  });

  const file = [
    configured(importTask, 'cron(0 2 * * ? *)'),
    configured(full('shop-sims'), 'cron(0 3 ? * MON *)'),
    configured(inference('shop-sims', 'nightly'), 'delete'),
  ];

  it('creates, updates, deletes and leaves alone, reading candidates by prefix across pages', async () => {
    group.set(
      'shop.shop-sims.full',
      existing('shop', full('shop-sims'), 'rate(1 day)', (s) => ({ ...s, State: 'DISABLED' })),
    );
    group.set('shop.shop-sims.update', existing('shop', update('shop-sims'), 'rate(1 day)'));
    group.set(
      'shop.shop-sims.nightly.batch-inference',
      existing('shop', inference('shop-sims', 'nightly'), 'rate(1 day)'),
    );
    group.set('shopping.import', existing('shopping', importTask, 'rate(1 day)'));

    const result = await reconcileSchedules(deps(), 'shop', file, TARGET);

    expect(result).toEqual({
      created: ['shop.import'],
      updated: ['shop.shop-sims.full'],
      deleted: ['shop.shop-sims.nightly.batch-inference', 'shop.shop-sims.update'],
      unchanged: [],
    });
    expect(scheduler).toHaveReceivedCommandWith(ListSchedulesCommand, { GroupName: GROUP, NamePrefix: 'shop.' });
    expect(group.get('shop.shop-sims.full')).toMatchObject({
      ScheduleExpression: 'cron(0 3 ? * MON *)',
      State: 'DISABLED',
    });
    expect(group.has('shopping.import')).toBe(true);
    expect(await reconcileSchedules(deps(), 'shop', file, TARGET)).toEqual({
      created: [],
      updated: [],
      deleted: [],
      unchanged: ['shop.import', 'shop.shop-sims.full'],
    });
    expect(scheduler).toHaveReceivedCommandTimes(UpdateScheduleCommand, 1);
  });

  it('sends nothing when the file’s schedules are unusable', async () => {
    await expect(reconcileSchedules(deps(), 'shop', [configured(importTask, 'cron(bad)')], TARGET)).rejects.toThrow(
      InvalidSchedulesError,
    );
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('turns a create that lost a race into an update, or nothing when the winner matches', async () => {
    const racer = existing('shop', importTask, 'rate(5 days)');
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [] });
    group.set('shop.import', racer);
    group.set('shop.shop-sims.full', existing('shop', full('shop-sims'), 'cron(0 3 ? * MON *)'));
    const result = await reconcileSchedules(deps(), 'shop', file, TARGET);
    expect(result).toEqual({ created: [], updated: ['shop.import'], deleted: [], unchanged: ['shop.shop-sims.full'] });
    expect(group.get('shop.import')?.ScheduleExpression).toBe('cron(0 2 * * ? *)');
  });

  it('counts a schedule deleted meanwhile as deleted, and recreates one deleted before its update', async () => {
    group.set('shop.shop-sims.update', existing('shop', update('shop-sims'), 'rate(1 day)'));
    group.set('shop.import', existing('shop', importTask, 'rate(1 day)'));
    scheduler.on(DeleteScheduleCommand).rejects(notFoundError('gone'));
    scheduler.on(UpdateScheduleCommand).callsFake(() => {
      group.delete('shop.import');
      throw notFoundError('gone');
    });
    const result = await reconcileSchedules(deps(), 'shop', file.slice(0, 1), TARGET);
    expect(result).toEqual({
      created: [],
      updated: ['shop.import'],
      deleted: ['shop.shop-sims.update'],
      unchanged: [],
    });
    expect(group.get('shop.import')).toMatchObject({ ScheduleExpression: 'cron(0 2 * * ? *)', State: 'ENABLED' });
  });

  it('skips a candidate deleted between the list and the get', async () => {
    group.set('shop.shop-sims.update', existing('shop', update('shop-sims'), 'rate(1 day)'));
    scheduler.on(GetScheduleCommand).rejects(notFoundError('gone'));
    const result = await reconcileSchedules(deps(), 'shop', [], TARGET);
    expect(result).toEqual({ created: [], updated: [], deleted: [], unchanged: [] });
  });

  it('names the schedule and Scheduler’s reason when it refuses a request, and passes other errors on', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(Object.assign(new Error('Invalid RoleArn'), { name: 'ValidationException' }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const refused = await reconcileSchedules(deps(), 'shop', file, TARGET).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ScheduleRejectedError);
    expect((refused as Error).message).toBe('Scheduler refused schedule shop.import: Invalid RoleArn');
    await expect(reconcileSchedules(deps(), 'shop', file, TARGET)).rejects.toThrow(/^Rate exceeded$/);
  });
});
