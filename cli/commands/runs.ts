import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listRuns, readRun } from '../../shared/state/runs.js';
import { reportError } from '../command-error.js';
import { requireStackOutputs } from '../stack.js';
import type { Output } from './validate.js';

/**
 * `mpx runs list` and `mpx runs show`: the run state, read from the stack's
 * table (AWS, or the local cloud when AWS_ENDPOINT_URL points at it).
 */

export interface RunsOptions {
  readonly stage: string;
  readonly table?: string;
  readonly json?: boolean;
  readonly datasetGroup?: string;
}

async function tableName(options: RunsOptions): Promise<string> {
  if (options.table) return options.table;
  return (await requireStackOutputs(options.stage, ['RunsTableName'])).RunsTableName;
}

async function withState<T>(
  options: RunsOptions,
  use: (deps: Parameters<typeof listRuns>[0]) => Promise<T>,
): Promise<T> {
  const client = new DynamoDBClient({});
  try {
    return await use({
      db: DynamoDBDocumentClient.from(client),
      table: await tableName(options),
      now: () => new Date(),
    });
  } finally {
    client.destroy();
  }
}

export async function runsListCommand(options: RunsOptions, io: Output): Promise<number> {
  try {
    const runs = await withState(options, (deps) => listRuns(deps, options.datasetGroup));
    if (options.json) {
      io.out(JSON.stringify(runs));
    } else {
      if (runs.length === 0) io.out('No runs.');
      for (const run of runs) {
        io.out(
          `${run.runId}  ${run.status.padEnd(9)}  ${run.datasetGroup}  ${run.startedAt}${run.finishedAt ? ` → ${run.finishedAt}` : ''}  ${run.trigger}`,
        );
      }
    }
    return 0;
  } catch (error) {
    return reportError('runs list', error, io);
  }
}

export async function runsShowCommand(runId: string, options: RunsOptions, io: Output): Promise<number> {
  try {
    const found = await withState(options, (deps) => readRun(deps, runId));
    if (!found) {
      io.err(`mpx runs show: no run ${runId}`);
      return 1;
    }
    const steps = found.steps.map((s) => {
      const reason = s.failureReason ?? (s.status === 'SKIPPED' ? `skipped: ${s.skipReason}` : undefined);
      return {
        stepId: s.stepId,
        kind: s.kind,
        name: s.name,
        status: s.status,
        ...(s.arn ? { arn: s.arn } : {}),
        polls: s.polls ?? 0,
        ...(s.startedAt ? { startedAt: s.startedAt } : {}),
        ...(s.finishedAt ? { finishedAt: s.finishedAt } : {}),
        ...(reason ? { failureReason: reason } : {}),
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
    return 0;
  } catch (error) {
    return reportError('runs show', error, io);
  }
}
