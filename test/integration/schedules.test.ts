import {
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
} from '@aws-sdk/client-scheduler';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFireTimes, parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import type { ConfiguredSchedule, ScheduledTask } from '../../shared/schedules/from-config.js';
import {
  type ReconcileDeps,
  RUN_REQUEST_RETRY_POLICY,
  type RunsQueueTarget,
  reconcileSchedules,
  ScheduleRejectedError,
  scheduleName,
} from '../../shared/schedules/reconcile.js';
import { scheduledRunRequest } from '../../shared/workflow/messages.js';
import { type PipelineHarness, startPipeline } from '../support/pipeline.js';

/**
 * Schedules on the local cloud with mpx's stack: reconciling a parameter
 * file's schedules into the stack's schedule group (and a fired one reaching
 * its queue), then every `mpx schedules` subcommand, its errors included.
 */

let h: PipelineHarness;
let deps: ReconcileDeps;
let target: RunsQueueTarget;

// Far-future occurrences: nothing fires into the runs queue while the tests run.
const WEEKLY = 'cron(0 3 ? * MON 2198-2199)';
const MONTHLY = 'cron(15 4 1 * ? 2198)';
const DAILY = 'cron(30 1 * * ? 2198)';

const configured = (task: ScheduledTask, expression: string): ConfiguredSchedule => ({
  path: `test.${task.kind}`,
  task,
  expression,
});
const importTask: ScheduledTask = { kind: 'import' };
const full: ScheduledTask = { kind: 'full', solution: 'shop-sims' };
const update: ScheduledTask = { kind: 'update', solution: 'shop-sims' };
const nightly: ScheduledTask = { kind: 'batchInference', solution: 'shop-sims', job: 'nightly' };

async function queueArn(url: string): Promise<string> {
  const { Attributes } = await h.cloud.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn as string;
}

const get = (name: string) => deps.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: deps.groupName }));

async function names(): Promise<string[]> {
  const { Schedules } = await deps.scheduler.send(new ListSchedulesCommand({ GroupName: deps.groupName }));
  return (Schedules ?? []).map((s) => s.Name as string).sort();
}

beforeAll(async () => {
  h = await startPipeline();
  const { outputs, clients } = h.cloud;
  const { QueueUrl: dlqUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: 'mpx-local-runs-dlq' }));
  target = {
    queueArn: await queueArn(outputs.RunsQueueUrl as string),
    roleArn: outputs.SchedulerRoleArn as string,
    deadLetterArn: await queueArn(dlqUrl as string),
  };
  deps = { scheduler: clients.scheduler, groupName: outputs.ScheduleGroupName as string };
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('reconcileSchedules on the stack’s schedule group', () => {
  it('creates one schedule per configured schedule, sending a run request to the runs queue', async () => {
    const result = await reconcileSchedules(
      deps,
      'shop',
      [configured(importTask, MONTHLY), configured(full, WEEKLY), configured(update, 'delete')],
      target,
    );
    expect(result).toEqual({
      created: ['shop.import', 'shop.shop-sims.full'],
      updated: [],
      deleted: [],
      unchanged: [],
    });
    const schedule = await get('shop.shop-sims.full');
    expect(schedule).toMatchObject({
      GroupName: 'mpx-local',
      ScheduleExpression: WEEKLY,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      Target: {
        Arn: target.queueArn,
        RoleArn: target.roleArn,
        RetryPolicy: RUN_REQUEST_RETRY_POLICY,
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
    expect(target.queueArn).toMatch(/:mpx-local-runs$/);
    expect(JSON.parse(schedule.Target?.Input as string)).toEqual({
      version: 1,
      type: 'schedule',
      datasetGroup: 'shop',
      scheduleName: 'shop.shop-sims.full',
      task: full,
      scheduledTime: '<aws.scheduler.scheduled-time>',
    });
  });

  it('changes nothing when run again with the same file', async () => {
    const before = await get('shop.import');
    const result = await reconcileSchedules(
      deps,
      'shop',
      [configured(importTask, MONTHLY), configured(full, WEEKLY)],
      target,
    );
    expect(result).toEqual({
      created: [],
      updated: [],
      deleted: [],
      unchanged: ['shop.import', 'shop.shop-sims.full'],
    });
    expect((await get('shop.import')).LastModificationDate).toEqual(before.LastModificationDate);
  });

  it('updates a changed expression, keeps a paused schedule paused, deletes what the file dropped, and leaves other dataset groups alone', async () => {
    await reconcileSchedules(deps, 'shop2', [configured(importTask, DAILY)], target);
    const neighbour = 'p'.repeat(32);
    const longNeighbour = `${neighbour}-and-a-longer-name`;
    const longTask: ScheduledTask = { kind: 'full', solution: 's'.repeat(40) };
    await reconcileSchedules(deps, longNeighbour, [configured(longTask, DAILY)], target);
    expect(scheduleName(longNeighbour, longTask).startsWith(`${neighbour}.`)).toBe(true);
    await reconcileSchedules(deps, neighbour, [], target);
    expect((await mpx('schedules', 'pause', 'shop.shop-sims.full')).code).toBe(0);
    await reconcileSchedules(
      deps,
      'shop',
      [configured(importTask, MONTHLY), configured(full, WEEKLY), configured(nightly, DAILY)],
      target,
    );

    const result = await reconcileSchedules(
      deps,
      'shop',
      [configured(full, DAILY), configured(importTask, 'delete')],
      target,
    );

    expect(result).toEqual({
      created: [],
      updated: ['shop.shop-sims.full'],
      deleted: ['shop.import', 'shop.shop-sims.nightly.batch-inference'],
      unchanged: [],
    });
    expect(await get('shop.shop-sims.full')).toMatchObject({ ScheduleExpression: DAILY, State: 'DISABLED' });
    expect(await names()).toEqual(
      ['shop.shop-sims.full', 'shop2.import', scheduleName(longNeighbour, longTask)].sort(),
    );
  });

  it('recreates a schedule an operator deleted, on the next reconcile', async () => {
    await deps.scheduler.send(new DeleteScheduleCommand({ Name: 'shop2.import', GroupName: deps.groupName }));
    const result = await reconcileSchedules(deps, 'shop2', [configured(importTask, DAILY)], target);
    expect(result.created).toEqual(['shop2.import']);
  });

  it('fails with the schedule’s name and Scheduler’s reason when Scheduler refuses it', async () => {
    const refused = await reconcileSchedules(deps, 'shop3', [configured(importTask, DAILY)], {
      ...target,
      roleArn: 'not-a-role',
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ScheduleRejectedError);
    expect((refused as Error).message).toMatch(/^Scheduler refused schedule shop3\.import: .*roleArn/);
  });

  it('delivers a fired schedule as a run request naming its occurrence', async () => {
    const { QueueUrl } = await h.cloud.clients.sqs.send(new CreateQueueCommand({ QueueName: 'test-schedule-inbox' }));
    const inbox = { ...target, queueArn: await queueArn(QueueUrl as string) };
    // rate() without a StartDate fires when the schedule is created (local/scheduler/README.md).
    await reconcileSchedules(deps, 'fired', [configured(update, 'rate(1 hour)')], inbox);
    let body: string | undefined;
    for (let i = 0; i < 20 && body === undefined; i++) {
      const { Messages } = await h.cloud.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }),
      );
      body = Messages?.[0]?.Body;
    }
    await reconcileSchedules(deps, 'fired', [], inbox);
    const request = scheduledRunRequest.parse(JSON.parse(body as string));
    expect(request).toMatchObject({ datasetGroup: 'fired', scheduleName: 'fired.shop-sims.update', task: update });
    expect(request.scheduledTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

async function mpx(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { main } = await import('../../cli/main.js');
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: h.cloud.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });
  try {
    const code = await main(['node', 'mpx', ...args], { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  } finally {
    process.env = saved;
  }
}

const fireTimes = (expression: string, count = 3) => {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return nextFireTimes(parsed.schedule, new Date(), count).map((d) => d.toISOString().replace('.000Z', 'Z'));
};

/** GetSchedule without the members an update always changes. */
const fields = ({ LastModificationDate, State, $metadata, ...rest }: GetScheduleOutput & { $metadata?: unknown }) =>
  rest;

describe('mpx schedules', () => {
  beforeAll(async () => {
    await reconcileSchedules(deps, 'cli', [configured(importTask, MONTHLY), configured(full, WEEKLY)], target);
    await reconcileSchedules(deps, 'cli2', [configured(nightly, DAILY)], target);
  });

  it('lists a dataset group’s schedules with task, expression, state and the next 3 fire times', async () => {
    const json = await mpx('schedules', 'list', '--dataset-group', 'cli', '--json');
    expect(json).toMatchObject({ code: 0, err: [] });
    expect(JSON.parse(json.out[0] as string)).toEqual([
      {
        name: 'cli.import',
        datasetGroup: 'cli',
        task: importTask,
        expression: MONTHLY,
        timezone: 'UTC',
        state: 'ENABLED',
        nextFireTimes: fireTimes(MONTHLY),
      },
      {
        name: 'cli.shop-sims.full',
        datasetGroup: 'cli',
        task: full,
        expression: WEEKLY,
        timezone: 'UTC',
        state: 'ENABLED',
        nextFireTimes: ['2198-01-01T03:00:00Z', '2198-01-08T03:00:00Z', '2198-01-15T03:00:00Z'],
      },
    ]);

    const text = await mpx('schedules', 'list', '--dataset-group', 'cli', '--stage', 'local');
    expect(text.code).toBe(0);
    expect(text.out[0]).toMatch(/^NAME\s+DATASET GROUP\s+TASK\s+EXPRESSION\s+STATE\s+NEXT 3 \(UTC\)$/);
    expect(text.out[2]).toMatch(
      /^cli\.shop-sims\.full\s+cli\s+full training of shop-sims\s+cron\(0 3 \? \* MON 2198-2199\)\s+ENABLED\s+2198-01-01T03:00:00Z, 2198-01-08T03:00:00Z, 2198-01-15T03:00:00Z$/,
    );
    expect(text.out).toHaveLength(3);
  });

  it('lists every schedule of the group by default, and says so when a dataset group has none', async () => {
    const all = JSON.parse((await mpx('schedules', 'list', '--json')).out[0] as string) as { name: string }[];
    expect(all.map((s) => s.name)).toEqual(
      expect.arrayContaining(['cli.import', 'cli2.shop-sims.nightly.batch-inference']),
    );
    expect(await mpx('schedules', 'list', '--dataset-group', 'nobody')).toEqual({
      code: 0,
      out: ['No schedules of dataset group nobody in group mpx-local.'],
      err: [],
    });
  });

  it('describes a schedule, as text and as JSON', async () => {
    const json = await mpx('schedules', 'describe', 'cli.shop-sims.full', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out[0] as string)).toMatchObject({
      name: 'cli.shop-sims.full',
      group: 'mpx-local',
      datasetGroup: 'cli',
      task: full,
      expression: WEEKLY,
      state: 'ENABLED',
      nextFireTimes: ['2198-01-01T03:00:00Z', '2198-01-08T03:00:00Z', '2198-01-15T03:00:00Z'],
      flexibleTimeWindow: { Mode: 'OFF' },
      target: {
        arn: target.queueArn,
        roleArn: target.roleArn,
        retryPolicy: RUN_REQUEST_RETRY_POLICY,
        deadLetterArn: target.deadLetterArn,
      },
      arn: expect.stringMatching(/^arn:aws:scheduler:us-east-1:\d{12}:schedule\/mpx-local\/cli\.shop-sims\.full$/),
    });
    const text = await mpx('schedules', 'describe', 'cli.shop-sims.full');
    expect(text.out[0]).toBe('Schedule cli.shop-sims.full (group mpx-local)');
    expect(text.out).toEqual(
      expect.arrayContaining([
        '  dataset group  cli',
        '  task           full training of shop-sims',
        `  expression     ${WEEKLY} (UTC)`,
        '  state          ENABLED',
        '  next 3 (UTC)   2198-01-01T03:00:00Z, 2198-01-08T03:00:00Z, 2198-01-15T03:00:00Z',
        `  retries        185 within 21600 s, then ${target.deadLetterArn}`,
      ]),
    );
  });

  it('pauses and resumes a schedule, changing its State and nothing else', async () => {
    const before = await get('cli.import');

    const paused = await mpx('schedules', 'pause', 'cli.import');
    expect(paused).toEqual({
      code: 0,
      out: [
        'Paused cli.import: it stays paused across uploads of its parameter file (mpx schedules resume cli.import).',
      ],
      err: [],
    });
    const disabled = await get('cli.import');
    expect(disabled.State).toBe('DISABLED');
    expect(fields(disabled)).toEqual(fields(before));
    expect(h.cloud.scheduler.nextInvocation(deps.groupName, 'cli.import')).toBeUndefined();
    expect((await mpx('schedules', 'pause', 'cli.import')).out).toEqual(['cli.import is already paused.']);
    const listed = JSON.parse((await mpx('schedules', 'list', '--dataset-group', 'cli', '--json')).out[0] as string);
    expect(listed[0]).toMatchObject({ name: 'cli.import', state: 'DISABLED', nextFireTimes: [] });

    const resumed = await mpx('schedules', 'resume', 'cli.import');
    expect(resumed).toEqual({
      code: 0,
      out: [`Resumed cli.import: next fire time ${fireTimes(MONTHLY, 1)[0]}.`],
      err: [],
    });
    const enabled = await get('cli.import');
    expect(enabled.State).toBe('ENABLED');
    expect(fields(enabled)).toEqual(fields(before));
    expect(h.cloud.scheduler.nextInvocation(deps.groupName, 'cli.import')?.scheduledTime.toISOString()).toBe(
      '2198-01-01T04:15:00.000Z',
    );
    expect((await mpx('schedules', 'resume', 'cli.import')).out).toEqual(['cli.import is already enabled.']);
  });

  it('keeps every field an operator set when pausing a schedule mpx did not make', async () => {
    const custom = {
      Name: 'operator-made',
      GroupName: deps.groupName,
      ScheduleExpression: 'rate(7 days)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      StartDate: new Date(Date.now() + 86_400_000),
      EndDate: new Date('2199-01-01T00:00:00Z'),
      Description: 'hand-made',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 15 },
      Target: {
        Arn: target.queueArn,
        RoleArn: target.roleArn,
        Input: 'tick',
        RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 },
      },
    };
    await deps.scheduler.send(new CreateScheduleCommand(custom));
    const before = await get('operator-made');
    expect((await mpx('schedules', 'pause', 'operator-made')).code).toBe(0);
    expect(fields(await get('operator-made'))).toEqual(fields(before));
    expect((await mpx('schedules', 'resume', 'operator-made')).code).toBe(0);
    expect(fields(await get('operator-made'))).toEqual(fields(before));
  });

  it('deletes a schedule, saying the next upload recreates it', async () => {
    const deleted = await mpx('schedules', 'delete', 'cli2.shop-sims.nightly.batch-inference');
    expect(deleted).toEqual({
      code: 0,
      out: [
        'Deleted cli2.shop-sims.nightly.batch-inference. The next upload of train/cli2/config.json recreates it unless the file drops it or sets it to "delete".',
      ],
      err: [],
    });
    expect(await names()).not.toContain('cli2.shop-sims.nightly.batch-inference');
  });

  it.each([
    ['describe', 'cli.imprt'],
    ['pause', 'cli.imprt'],
    ['resume', 'cli.imprt'],
    ['delete', 'cli.imprt'],
  ])('%s of an unknown schedule exits 1 with one line and a hint', async (command, name) => {
    expect(await mpx('schedules', command, name)).toEqual({
      code: 1,
      out: [],
      err: [
        `mpx schedules ${command}: no schedule ${name} in group mpx-local; did you mean cli.import? (see mpx schedules list)`,
      ],
    });
  });

  it('says when nothing is close to an unknown name', async () => {
    const { err } = await mpx('schedules', 'describe', 'zzzzzzzzzzzzzzzzzzzz');
    expect(err).toEqual([
      'mpx schedules describe: no schedule zzzzzzzzzzzzzzzzzzzz in group mpx-local; (see mpx schedules list)',
    ]);
  });

  it('says so when a group holds no schedules', async () => {
    await deps.scheduler.send(new CreateScheduleGroupCommand({ Name: 'empty-group' }));
    expect(await mpx('schedules', 'list', '--group', 'empty-group')).toEqual({
      code: 0,
      out: ['No schedules in group empty-group.'],
      err: [],
    });
  });

  it('exits 1 for an unknown schedule group, 3 for no stack', async () => {
    expect(await mpx('schedules', 'list', '--group', 'nope')).toEqual({
      code: 1,
      out: [],
      err: ['mpx schedules list: no schedule group nope (pass --stage or --group)'],
    });
    expect((await mpx('schedules', 'describe', 'cli.import', '--group', 'nope')).err).toEqual([
      'mpx schedules describe: no schedule group nope (pass --stage or --group)',
    ]);
    const stage = await mpx('schedules', 'list', '--stage', 'nope');
    expect(stage.code).toBe(3);
    expect(stage.err).toHaveLength(1);
    expect(stage.err[0]).toMatch(/^mpx schedules list: no stack mpx-nope found \(.*does not exist\); pass --stage/);
  });

  it('exits 2 on a usage error and 0 for --help with examples', async () => {
    expect((await mpx('schedules', 'pause')).code).toBe(2);
    const help = await mpx('schedules', '--help');
    expect(help.code).toBe(0);
    const text = help.out.join('\n');
    for (const command of ['list', 'describe', 'pause', 'resume', 'delete']) expect(text).toContain(command);
    expect(text).toContain('Examples:');
    expect((await mpx('schedules', 'list', '--help')).out.join('\n')).toContain('--dataset-group <name>');
  });
});
