import { batchJobBaseName } from '../config/names.js';
import type { ParameterFile } from '../config/types.js';

/** What a schedule in the parameter file makes mpx do. */
export type ScheduledTask =
  | { readonly kind: 'import' }
  | { readonly kind: 'full' | 'update'; readonly solution: string }
  | { readonly kind: 'batchInference' | 'batchSegment'; readonly solution: string; readonly job: string };

export interface ConfiguredSchedule {
  /** JSON path of the schedule in the parameter file. */
  readonly path: string;
  readonly task: ScheduledTask;
  /** An AWS schedule expression, or `delete`. */
  readonly expression: string;
}

/** Every schedule a (normalized) parameter file declares, in file order. */
export function configuredSchedules(config: ParameterFile): ConfiguredSchedule[] {
  const out: ConfiguredSchedule[] = [];
  const importSchedule = config.datasetGroup.workflowConfig?.schedules?.import;
  if (importSchedule) {
    out.push({
      path: 'datasetGroup.workflowConfig.schedules.import',
      task: { kind: 'import' },
      expression: importSchedule,
    });
  }
  (config.solutions ?? []).forEach((solution, i) => {
    const name = solution.serviceConfig.name ?? '';
    for (const kind of ['full', 'update'] as const) {
      const expression = solution.workflowConfig?.schedules?.[kind];
      if (expression) {
        out.push({
          path: `solutions[${i}].workflowConfig.schedules.${kind}`,
          task: { kind, solution: name },
          expression,
        });
      }
    }
    const jobs = [
      ['batchInferenceJobs', 'batchInference', solution.batchInferenceJobs ?? []],
      ['batchSegmentJobs', 'batchSegment', solution.batchSegmentJobs ?? []],
    ] as const;
    for (const [key, kind, list] of jobs) {
      list.forEach((job, j) => {
        const expression = job.workflowConfig?.schedule;
        if (!expression) return;
        const jobBase = batchJobBaseName(name, job.serviceConfig.jobName, j);
        out.push({
          path: `solutions[${i}].${key}[${j}].workflowConfig.schedule`,
          task: { kind, solution: name, job: jobBase },
          expression,
        });
      });
    }
  });
  return out;
}

export function describeTask(task: ScheduledTask): string {
  switch (task.kind) {
    case 'import':
      return 'import datasets';
    case 'full':
      return `full training of ${task.solution}`;
    case 'update':
      return `update training of ${task.solution}`;
    case 'batchInference':
      return `batch inference job ${task.job}`;
    case 'batchSegment':
      return `batch segment job ${task.job}`;
  }
}
