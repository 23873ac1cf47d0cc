import { listRuns, readRun } from '../../shared/state/runs.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { withRunState } from '../stack.js';
import type { Output } from './validate.js';

/**
 * `mpx runs list` and `mpx runs show`: the run state, read from the stack's
 * table (AWS, or the local cloud with --endpoint / AWS_ENDPOINT_URL).
 * Exit codes: 0 shown, 1 no such run (show) or an AWS error, 3 no stack.
 */

export interface RunsOptions {
  readonly stage: string;
  readonly table?: string;
  readonly json?: boolean;
  readonly datasetGroup?: string;
}

export async function runsListCommand(options: RunsOptions, io: Output): Promise<number> {
  try {
    const runs = await withRunState(options, (state) => listRuns(state, options.datasetGroup));
    if (options.json) {
      // Every key always present (null when unknown): scripts read a fixed shape.
      io.out(
        JSON.stringify(
          runs.map((run) => ({
            runId: run.runId,
            datasetGroup: run.datasetGroup,
            trigger: run.trigger,
            status: run.status,
            startedAt: run.startedAt,
            finishedAt: run.finishedAt ?? null,
          })),
        ),
      );
    } else {
      if (runs.length === 0) io.out('No runs.');
      for (const run of runs) {
        io.out(
          `${run.runId}  ${run.status.padEnd(10)}  ${run.datasetGroup}  ${run.startedAt}${run.finishedAt ? ` → ${run.finishedAt}` : ''}  ${run.trigger}`,
        );
      }
    }
    return EXIT.OK;
  } catch (error) {
    return reportError('runs list', error, io);
  }
}

export async function runsShowCommand(runId: string, options: RunsOptions, io: Output): Promise<number> {
  try {
    const { found, table } = await withRunState(options, async (state) => ({
      found: await readRun(state, runId),
      table: state.table,
    }));
    if (!found) {
      throw new CommandError(`no run ${runId} in table ${table} (npx mpx runs list shows the runs)`, EXIT.FAILED);
    }
    const steps = found.steps.map((s) => {
      const reason = s.failureReason ?? (s.status === 'SKIPPED' ? `skipped: ${s.skipReason}` : undefined);
      return {
        stepId: s.stepId,
        kind: s.kind,
        name: s.name,
        status: s.status,
        // Every key always present (null when unknown), in --json and for the text below alike.
        arn: s.arn ?? null,
        polls: s.polls ?? 0,
        startedAt: s.startedAt ?? null,
        finishedAt: s.finishedAt ?? null,
        failureReason: reason ?? null,
      };
    });
    const status = found.run.status === 'CREATING' ? 'QUEUED' : found.run.status;
    if (options.json) {
      io.out(JSON.stringify({ runId, datasetGroup: found.run.datasetGroup, status, steps }));
    } else {
      io.out(`Run ${runId} (${found.run.datasetGroup}, ${found.run.trigger}): ${status}`);
      for (const step of steps) {
        const seconds =
          step.startedAt && step.finishedAt
            ? ` ${Math.round((Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000)}s`
            : '';
        io.out(
          `  ${step.status.padEnd(7)}  ${step.stepId}  polls ${step.polls}${seconds}${step.arn ? `  ${step.arn}` : ''}${step.failureReason ? `  — ${step.failureReason}` : ''}`,
        );
      }
    }
    return EXIT.OK;
  } catch (error) {
    return reportError('runs show', error, io);
  }
}
