import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  type GetScheduleOutput,
  ListSchedulesCommand,
  SchedulerClient,
  type ScheduleState,
  UpdateScheduleCommand,
  type UpdateScheduleInput,
} from '@aws-sdk/client-scheduler';
import { distance } from 'fastest-levenshtein';
import { nameProblem } from '../../shared/config/schema.js';
import { isNotFound } from '../../shared/resources/sdk-errors.js';
import { nextFireTimes, parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import { describeTask, type ScheduledTask } from '../../shared/schedules/from-config.js';
import {
  type ReconcileDeps,
  readSchedules,
  runRequestOf,
  scheduleNamePrefix,
  scheduleOwner,
} from '../../shared/schedules/reconcile.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { requireStackOutputs } from '../stack.js';
import type { Output } from './validate.js';

/**
 * `mpx schedules list|describe|pause|resume|delete`: the schedules parameter
 * files put in the stack's schedule group (AWS, or the local cloud when
 * --endpoint / AWS_ENDPOINT_URL points at it). Pause and resume are the
 * deprecated solution's deactivate and activate; a paused schedule stays
 * paused when its parameter file is uploaded again.
 * Exit codes: 0 done, 1 no such schedule or schedule group (or an AWS error),
 * 2 a name Scheduler cannot hold, 3 no stack.
 */

export interface SchedulesOptions {
  readonly stage: string;
  /** The schedule group (default: the stack output ScheduleGroupName). */
  readonly group?: string;
  readonly json?: boolean;
  readonly datasetGroup?: string;
  /** The time fire times are computed from (tests pin it). */
  readonly now?: Date;
}

const FIRE_TIMES = 3;

/** A schedule as the CLI shows it. */
export interface ScheduleView {
  readonly name: string;
  readonly datasetGroup: string | null;
  readonly task: ScheduledTask | null;
  readonly expression: string;
  readonly timezone: string;
  readonly state: string;
  /** The next fire times (UTC, ISO 8601); none while paused. */
  readonly nextFireTimes: readonly string[];
}

const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The next fire times of a schedule by the one cron engine mpx validates
 * with, within its StartDate and EndDate. A rate() counts from its StartDate,
 * or else from its last modification: AWS does not document where a rate
 * without StartDate starts; the local Scheduler starts it at creation or update.
 */
export function upcoming(schedule: GetScheduleOutput, now: Date, count = FIRE_TIMES): Date[] {
  if (schedule.State === 'DISABLED') return [];
  const parsed = parseScheduleExpression(schedule.ScheduleExpression ?? '');
  if (!parsed.ok) return [];
  const start = schedule.StartDate;
  const after = start && start.getTime() - 1 > now.getTime() ? new Date(start.getTime() - 1) : now;
  const anchor = start ?? schedule.LastModificationDate ?? schedule.CreationDate;
  const times = nextFireTimes(parsed.schedule, after, count, {
    timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
    ...(anchor ? { anchor } : {}),
  });
  const end = schedule.EndDate;
  return end ? times.filter((t) => t.getTime() <= end.getTime()) : times;
}

export function scheduleView(schedule: GetScheduleOutput, now: Date): ScheduleView {
  const request = runRequestOf(schedule.Target?.Input);
  return {
    name: schedule.Name ?? '',
    datasetGroup: request?.datasetGroup ?? scheduleOwner(schedule) ?? null,
    task: request?.task ?? null,
    expression: schedule.ScheduleExpression ?? '',
    timezone: schedule.ScheduleExpressionTimezone ?? 'UTC',
    state: schedule.State ?? 'ENABLED',
    nextFireTimes: upcoming(schedule, now).map(iso),
  };
}

/**
 * The UpdateSchedule request that changes only the State. UpdateSchedule
 * replaces the whole schedule (an omitted member goes back to its default),
 * so every member GetSchedule returned is sent back.
 */
export function stateChangeRequest(schedule: GetScheduleOutput, state: ScheduleState): UpdateScheduleInput {
  const keep = <K extends keyof GetScheduleOutput & keyof UpdateScheduleInput>(key: K) =>
    schedule[key] === undefined ? {} : { [key]: schedule[key] };
  return {
    Name: schedule.Name,
    GroupName: schedule.GroupName,
    ScheduleExpression: schedule.ScheduleExpression,
    ...keep('ScheduleExpressionTimezone'),
    ...keep('StartDate'),
    ...keep('EndDate'),
    ...keep('Description'),
    ...keep('KmsKeyArn'),
    ...keep('ActionAfterCompletion'),
    Target: schedule.Target,
    FlexibleTimeWindow: schedule.FlexibleTimeWindow,
    State: state,
  };
}

async function withScheduler<T>(options: SchedulesOptions, use: (deps: ReconcileDeps) => Promise<T>): Promise<T> {
  if (options.group !== undefined) checkSchedulerName('--group', options.group);
  const scheduler = new SchedulerClient({});
  try {
    return await use({ scheduler, groupName: await groupName(options) });
  } finally {
    scheduler.destroy();
  }
}

/** @throws CommandError (exit 3) when there is no --group and the stack cannot be read. */
async function groupName(options: SchedulesOptions): Promise<string> {
  if (options.group) return options.group;
  return (await requireStackOutputs(options.stage, ['ScheduleGroupName'])).ScheduleGroupName;
}

/** Scheduler's rule for schedule and group names (CreateSchedule's Name: 1–64 of these characters). */
const SCHEDULER_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/**
 * @throws CommandError (exit 2) when `name` cannot be a Scheduler name, before
 * any call: Scheduler would answer a ValidationException, not "not found".
 */
export function checkSchedulerName(what: string, name: string): void {
  if (!SCHEDULER_NAME.test(name)) {
    throw new CommandError(
      `${what} ${JSON.stringify(name)} cannot be a Scheduler name (1 to 64 letters, digits, -, _ or .; mpx schedules list shows the names)`,
      EXIT.USAGE,
    );
  }
}

const noGroup = (deps: ReconcileDeps) =>
  new CommandError(`no schedule group ${deps.groupName} (pass --stage or --group)`, EXIT.FAILED);

/** @throws CommandError when the schedule group does not exist. */
async function requireGroup(deps: ReconcileDeps): Promise<void> {
  try {
    await deps.scheduler.send(new GetScheduleGroupCommand({ Name: deps.groupName }));
  } catch (error) {
    throw isNotFound(error) ? noGroup(deps) : error;
  }
}

/** Scheduler's not-found, told apart: a missing group, or a missing schedule with the closest names. */
async function notFound(deps: ReconcileDeps, name: string): Promise<CommandError> {
  await requireGroup(deps);
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await deps.scheduler.send(
      new ListSchedulesCommand({ GroupName: deps.groupName, MaxResults: 100, NextToken }),
    );
    names.push(...(page.Schedules ?? []).flatMap((s) => (s.Name ? [s.Name] : [])));
    NextToken = page.NextToken;
  } while (NextToken);
  const close = names
    .map((candidate) => ({ candidate, d: distance(candidate, name) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(name.length / 4)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
  const hint = close.length > 0 ? `did you mean ${close.join(' or ')}? ` : '';
  return new CommandError(
    `no schedule ${name} in group ${deps.groupName}; ${hint}(see mpx schedules list)`,
    EXIT.FAILED,
  );
}

async function getSchedule(deps: ReconcileDeps, name: string): Promise<GetScheduleOutput> {
  try {
    return await deps.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: deps.groupName }));
  } catch (error) {
    if (isNotFound(error)) throw await notFound(deps, name);
    throw error;
  }
}

/** Runs a subcommand; every failure becomes one line on stderr and its exit code (1 when untyped). */
async function run(command: string, io: Output, body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return EXIT.OK;
  } catch (error) {
    return reportError(`schedules ${command}`, error, io);
  }
}

const taskText = (view: ScheduleView) => (view.task ? describeTask(view.task) : '?');

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

export function schedulesListCommand(options: SchedulesOptions, io: Output): Promise<number> {
  return run('list', io, () => {
    const dsg = options.datasetGroup;
    const problem = dsg === undefined ? undefined : nameProblem(dsg);
    if (problem) throw new CommandError(`--dataset-group ${JSON.stringify(dsg)} ${problem}`, EXIT.USAGE);
    return withScheduler(options, async (deps) => {
      let schedules: GetScheduleOutput[];
      try {
        schedules = await readSchedules(deps, dsg === undefined ? undefined : scheduleNamePrefix(dsg));
      } catch (error) {
        if (isNotFound(error)) throw noGroup(deps);
        throw error;
      }
      // AWS may answer an empty list for a group that does not exist: tell the two apart.
      if (schedules.length === 0) await requireGroup(deps);
      const now = options.now ?? new Date();
      const views = schedules
        .map((s) => scheduleView(s, now))
        .filter((v) => dsg === undefined || v.datasetGroup === dsg)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (options.json) {
        io.out(JSON.stringify(views));
        return;
      }
      if (views.length === 0) {
        io.out(`No schedules${dsg === undefined ? '' : ` of dataset group ${dsg}`} in group ${deps.groupName}.`);
        return;
      }
      const rows = views.map((v) => [
        v.name,
        v.datasetGroup ?? '?',
        taskText(v),
        v.timezone === 'UTC' ? v.expression : `${v.expression} ${v.timezone}`,
        v.state,
        v.state === 'DISABLED' ? 'paused' : v.nextFireTimes.join(', ') || 'never',
      ]);
      for (const line of table([
        ['NAME', 'DATASET GROUP', 'TASK', 'EXPRESSION', 'STATE', `NEXT ${FIRE_TIMES} (UTC)`],
        ...rows,
      ])) {
        io.out(line);
      }
    });
  });
}

export function schedulesDescribeCommand(name: string, options: SchedulesOptions, io: Output): Promise<number> {
  return run('describe', io, () => {
    checkSchedulerName('schedule name', name);
    return withScheduler(options, async (deps) => {
      const schedule = await getSchedule(deps, name);
      const view = scheduleView(schedule, options.now ?? new Date());
      const target = schedule.Target;
      const details = {
        ...view,
        arn: schedule.Arn ?? null,
        group: schedule.GroupName ?? deps.groupName,
        flexibleTimeWindow: schedule.FlexibleTimeWindow ?? null,
        description: schedule.Description ?? null,
        target: {
          arn: target?.Arn ?? null,
          roleArn: target?.RoleArn ?? null,
          input: target?.Input ?? null,
          retryPolicy: target?.RetryPolicy ?? null,
          deadLetterArn: target?.DeadLetterConfig?.Arn ?? null,
        },
        created: schedule.CreationDate ? iso(schedule.CreationDate) : null,
        modified: schedule.LastModificationDate ? iso(schedule.LastModificationDate) : null,
      };
      if (options.json) {
        io.out(JSON.stringify(details));
        return;
      }
      const retry = target?.RetryPolicy;
      const lines: [string, string | null][] = [
        ['dataset group', view.datasetGroup],
        ['task', taskText(view)],
        ['expression', `${view.expression} (${view.timezone})`],
        ['state', view.state === 'DISABLED' ? 'DISABLED (paused)' : view.state],
        [
          `next ${FIRE_TIMES} (UTC)`,
          view.state === 'DISABLED' ? 'none while paused' : view.nextFireTimes.join(', ') || 'never',
        ],
        ['window', schedule.FlexibleTimeWindow?.Mode ?? null],
        ['target', details.target.arn],
        ['role', details.target.roleArn],
        [
          'retries',
          retry
            ? `${retry.MaximumRetryAttempts} within ${retry.MaximumEventAgeInSeconds} s, then ${details.target.deadLetterArn ?? 'dropped (no DLQ)'}`
            : null,
        ],
        ['input', details.target.input],
        ['description', details.description],
        ['created', details.created],
        ['modified', details.modified],
        ['arn', details.arn],
      ];
      io.out(`Schedule ${view.name} (group ${details.group})`);
      for (const [label, value] of lines) if (value !== null) io.out(`  ${label.padEnd(14)} ${value}`);
    });
  });
}

function setStateCommand(command: 'pause' | 'resume') {
  const state: ScheduleState = command === 'pause' ? 'DISABLED' : 'ENABLED';
  return (name: string, options: SchedulesOptions, io: Output): Promise<number> =>
    run(command, io, () => {
      checkSchedulerName('schedule name', name);
      return withScheduler(options, async (deps) => {
        const schedule = await getSchedule(deps, name);
        if (schedule.State === state) {
          io.out(`${name} is already ${command === 'pause' ? 'paused' : 'enabled'}.`);
          return;
        }
        await deps.scheduler.send(new UpdateScheduleCommand(stateChangeRequest(schedule, state)));
        if (command === 'pause') {
          io.out(
            `Paused ${name}: it stays paused across uploads of its parameter file (mpx schedules resume ${name}).`,
          );
        } else {
          const updated = await getSchedule(deps, name);
          const next = upcoming(updated, options.now ?? new Date(), 1)[0];
          io.out(`Resumed ${name}: next fire time ${next ? iso(next) : 'none'}.`);
        }
      });
    });
}

export const schedulesPauseCommand = setStateCommand('pause');
export const schedulesResumeCommand = setStateCommand('resume');

export function schedulesDeleteCommand(name: string, options: SchedulesOptions, io: Output): Promise<number> {
  return run('delete', io, () => {
    checkSchedulerName('schedule name', name);
    return withScheduler(options, async (deps) => {
      const schedule = await getSchedule(deps, name);
      try {
        await deps.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: deps.groupName }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      const dsg = scheduleView(schedule, new Date()).datasetGroup;
      io.out(
        dsg === null
          ? `Deleted ${name}.`
          : `Deleted ${name}. The next upload of train/${dsg}/config.json recreates it unless the file drops it or sets it to "delete".`,
      );
    });
  });
}
