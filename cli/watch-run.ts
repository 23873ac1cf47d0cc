import { type RunRecord, type RunStatus, readRun, type StateDeps, type StepRecord } from '../shared/state/runs.js';
import { EXIT } from './command-error.js';
import type { Output } from './commands/validate.js';
import { progressLines, renderRunTable, stepSeconds, stepState } from './progress.js';

/**
 * Following a run until it ends (`mpx runs watch`, `mpx upload --wait`,
 * `mpx demo`): the run is read every `intervalMs` and shown as a table
 * redrawn in place (a terminal), a plain line per change of a step's state
 * (logs, CI, pipes), or a JSON line per change (scripts).
 */

export type RunView =
  /** The step table redrawn in place with ANSI cursor moves; `write` writes without a newline. */
  | { readonly kind: 'table'; readonly write: (text: string) => void }
  | { readonly kind: 'lines' }
  | { readonly kind: 'json' };

export interface WatchOptions {
  readonly view: RunView;
  /** Time between two reads of the run (default 1 s). */
  readonly intervalMs?: number;
}

/** The statuses a run does not leave. */
export type FinalStatus = Extract<RunStatus, 'SUCCEEDED' | 'FAILED' | 'SUPERSEDED'>;

export const isFinal = (status: RunStatus): status is FinalStatus =>
  status === 'SUCCEEDED' || status === 'FAILED' || status === 'SUPERSEDED';

/** A change of a step's shown state, or of the run's status: one `--json` line. */
export type RunEvent =
  | {
      readonly event: 'step';
      readonly runId: string;
      readonly stepId: string;
      readonly kind: string;
      readonly name: string;
      /** As the table shows it (`create in_progress`, `done`…). */
      readonly state: string;
      readonly status: StepRecord['status'];
      readonly polls: number;
      /** Seconds the step has taken so far (or took). */
      readonly seconds?: number;
      readonly arn?: string;
      readonly reason?: string;
      readonly at: string;
    }
  | {
      readonly event: 'run';
      readonly runId: string;
      readonly datasetGroup: string;
      readonly status: Exclude<RunStatus, 'CREATING'>;
      /** Seconds since the run started (until it finished). */
      readonly seconds: number;
      readonly supersededBy?: string;
      readonly at: string;
    };

/**
 * The exit code a run's end means for `runs watch`, `upload --wait` and
 * `demo`: 0 only when it SUCCEEDED. A SUPERSEDED run did not do what was
 * asked — a newer run of the group replaced it — so a script waiting on it
 * must not go on as if it had.
 */
export const runExitCode = (status: FinalStatus): number => (status === 'SUCCEEDED' ? EXIT.OK : EXIT.FAILED);

const RUN_KEY = '\u0000run';
const tenths = (seconds: number) => Math.round(seconds * 10) / 10;

/**
 * The events since `previous` (a map the caller keeps between reads): one per
 * step whose shown state changed, in plan order, then one for the run when
 * its status changed. The first read reports every step and the run.
 */
export function runEvents(
  run: RunRecord,
  steps: readonly StepRecord[],
  previous: Map<string, string>,
  now: Date,
): RunEvent[] {
  const at = now.toISOString();
  const events: RunEvent[] = [];
  for (const step of steps) {
    if (step.kind === 'notify') continue;
    const state = stepState(step);
    if (previous.get(step.stepId) === state) continue;
    previous.set(step.stepId, state);
    const seconds = stepSeconds(step, now);
    const reason = step.failureReason ?? (step.status === 'SKIPPED' ? step.skipReason : undefined);
    events.push({
      event: 'step',
      runId: run.runId,
      stepId: step.stepId,
      kind: step.kind,
      name: step.name,
      state,
      status: step.status,
      polls: step.polls,
      ...(seconds === undefined ? {} : { seconds: tenths(seconds) }),
      ...(step.arn ? { arn: step.arn } : {}),
      ...(reason ? { reason } : {}),
      at,
    });
  }
  const status = run.status === 'CREATING' ? 'QUEUED' : run.status;
  const started = Date.parse(run.startedAt);
  if (previous.get(RUN_KEY) !== status) {
    previous.set(RUN_KEY, status);
    events.push({
      event: 'run',
      runId: run.runId,
      datasetGroup: run.datasetGroup,
      status,
      seconds: tenths(Math.max(0, ((run.finishedAt ? Date.parse(run.finishedAt) : now.getTime()) - started) / 1000)),
      ...(run.supersededBy ? { supersededBy: run.supersededBy } : {}),
      at,
    });
  }
  return events;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shows the run as `options.view` says until it ends.
 * @returns the run's final status, or undefined when there is no run `runId`.
 * @throws what reading the table throws (credentials, network).
 */
export async function watchRun(
  state: StateDeps,
  runId: string,
  options: WatchOptions,
  io: Output,
): Promise<FinalStatus | undefined> {
  const seen = new Map<string, string>();
  let drawn = 0;
  for (;;) {
    const found = await readRun(state, runId);
    if (!found) return undefined;
    const now = new Date();
    const { view } = options;
    if (view.kind === 'table') {
      const lines = renderRunTable(found.run, found.steps, now);
      view.write(`${drawn > 0 ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
      drawn = lines.length;
    } else if (view.kind === 'json') {
      for (const event of runEvents(found.run, found.steps, seen, now)) io.out(JSON.stringify(event));
    } else {
      for (const line of progressLines(found.run, found.steps, seen, now)) io.out(line);
    }
    if (isFinal(found.run.status)) return found.run.status;
    await sleep(options.intervalMs ?? 1000);
  }
}

/**
 * `runs watch` and `upload --wait`: a header, the live view, then how the run
 * ended and why (failed steps with their reasons) — all but the live view
 * left out with `json`.
 * @returns 0 when the run succeeded, 1 when it failed or was superseded, or
 * undefined when there is no run `runId`.
 */
export async function followRun(
  state: StateDeps,
  runId: string,
  options: WatchOptions,
  io: Output,
): Promise<number | undefined> {
  const json = options.view.kind === 'json';
  const first = await readRun(state, runId);
  if (!first) return undefined;
  if (options.view.kind === 'lines')
    io.out(`Run ${runId} (${first.run.datasetGroup}, ${first.run.trigger}), started ${first.run.startedAt}:`);
  const status = await watchRun(state, runId, options, io);
  if (status === undefined) return undefined;
  if (!json) {
    const found = await readRun(state, runId);
    const run = found?.run ?? first.run;
    const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
    const seconds = ((end - Date.parse(run.startedAt)) / 1000).toFixed(1);
    const by = run.supersededBy ? ` by run ${run.supersededBy} (npx mpx runs watch ${run.supersededBy})` : '';
    io.out(`Run ${runId} ${status}${by} after ${seconds} s.`);
    for (const step of found?.steps ?? []) {
      if (step.status === 'FAILED') io.out(`  FAILED  ${step.stepId} — ${step.failureReason ?? 'no reason recorded'}`);
    }
  }
  return runExitCode(status);
}
