import type { RunRecord, StepRecord } from '../shared/state/runs.js';

/**
 * How a run looks while it runs: a table of steps with state, elapsed time and
 * polls (redrawn in place on a terminal), or one plain line per change of a
 * step's state (logs, CI, pipes). Pure: the caller reads the run and writes.
 */

const DISPLAY: Readonly<Record<string, string>> = {
  WAITING: 'waiting',
  READY: 'running',
  DONE: 'done',
  FAILED: 'FAILED',
  SKIPPED: 'skipped',
};

/** A step's state as people read it: Personalize's own status while it runs. */
export function stepState(step: StepRecord): string {
  if (step.status === 'READY' && step.polls > 0 && step.lastStatus) return step.lastStatus.toLowerCase();
  if (step.status === 'READY' && step.polls === 0) return 'starting';
  return DISPLAY[step.status] ?? step.status;
}

/** Seconds the step has taken so far (or took). */
export function stepSeconds(step: StepRecord, now: Date): number | undefined {
  if (!step.startedAt) return undefined;
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now.getTime();
  return Math.max(0, (end - Date.parse(step.startedAt)) / 1000);
}

/** The table of a run's steps, one line per step, in plan order, with a header. */
export function renderRunTable(run: RunRecord, steps: readonly StepRecord[], now: Date): string[] {
  const rows = steps
    .filter((s) => s.kind !== 'notify')
    .map((s) => {
      const seconds = stepSeconds(s, now);
      return [s.stepId, stepState(s), seconds === undefined ? '' : `${seconds.toFixed(1)}s`, String(s.polls)];
    });
  const header = ['step', 'state', 'elapsed', 'polls'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const elapsed = (now.getTime() - Date.parse(run.startedAt)) / 1000;
  const status = run.status === 'CREATING' ? 'QUEUED' : run.status;
  return [`Run ${run.runId} — ${status} — ${elapsed.toFixed(1)}s`, line(header), ...rows.map(line)];
}

/**
 * Plain progress lines: one per step whose state changed since `previous`
 * (a map the caller keeps), e.g. `  12.4s  solutionVersion:up  done (polls 4)`.
 */
export function progressLines(
  run: RunRecord,
  steps: readonly StepRecord[],
  previous: Map<string, string>,
  now: Date,
): string[] {
  const lines: string[] = [];
  const elapsed = ((now.getTime() - Date.parse(run.startedAt)) / 1000).toFixed(1).padStart(6);
  for (const step of steps) {
    if (step.kind === 'notify') continue;
    const state = stepState(step);
    if (previous.get(step.stepId) === state) continue;
    previous.set(step.stepId, state);
    const reason = step.failureReason ?? (step.status === 'SKIPPED' ? step.skipReason : undefined);
    lines.push(`${elapsed}s  ${step.stepId}  ${state} (polls ${step.polls})${reason ? ` — ${reason}` : ''}`);
  }
  return lines;
}
