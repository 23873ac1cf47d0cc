import type { LatencyProfile, Phase } from '../../local/personalize/profile.js';
import type { PlannedStep, RunPlan, StepKind } from '../../shared/workflow/plan.js';

/**
 * The critical path of a run: the longest chain of Personalize durations
 * through the plan's dependency graph. No orchestration, however good, can
 * finish a run sooner, so makespan ÷ critical path measures what the
 * orchestration adds (polling lag, hops between steps, queueing).
 */

/** The latency-profile phase a step's resource goes through when it is created; none for steps that create nothing. */
export const PHASE_OF: Readonly<Record<StepKind, Phase | undefined>> = {
  datasetGroup: 'datasetGroup',
  schema: undefined,
  dataset: 'dataset',
  datasetImportJob: 'datasetImportJob',
  eventTracker: 'eventTracker',
  filter: 'filter',
  solution: 'solution',
  solutionVersion: 'solutionVersion',
  campaign: 'campaign',
  recommender: 'recommender',
  batchInferenceJob: 'batchInferenceJob',
  batchSegmentJob: 'batchSegmentJob',
  schedules: undefined,
  notify: undefined,
};

/** Seconds from create to ACTIVE of a step's resource under `profile` (pending + in progress). */
export function stepSeconds(kind: StepKind, profile: LatencyProfile): number {
  const phase = PHASE_OF[kind];
  if (!phase) return 0;
  const [pending, inProgress] = profile[phase];
  return (pending + inProgress) / 1000;
}

/** The steps of `plan` in an order where every step comes after its dependencies. @throws on a cycle. */
export function topologicalOrder(plan: RunPlan): PlannedStep[] {
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: PlannedStep[] = [];
  const visit = (step: PlannedStep) => {
    const seen = state.get(step.id);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`the plan has a cycle through ${step.id}`);
    state.set(step.id, 'visiting');
    for (const id of step.dependsOn) {
      const dependency = byId.get(id);
      if (dependency) visit(dependency);
    }
    state.set(step.id, 'done');
    order.push(step);
  };
  for (const step of plan.steps) visit(step);
  return order;
}

export interface PathTimes {
  /** Earliest start of each step when every step takes exactly its profile duration. */
  readonly start: ReadonlyMap<string, number>;
  /** Longest chain from the end of each step to the end of the run. */
  readonly tail: ReadonlyMap<string, number>;
}

/** Earliest starts and tails of every step, in seconds, with `seconds(step)` as each step's duration. */
export function pathTimes(plan: RunPlan, seconds: (step: PlannedStep) => number): PathTimes {
  const order = topologicalOrder(plan);
  const start = new Map<string, number>();
  for (const step of order) {
    start.set(step.id, Math.max(0, ...step.dependsOn.map((d) => (start.get(d) ?? 0) + seconds(stepById(plan, d)))));
  }
  const dependents = new Map<string, string[]>();
  for (const step of plan.steps)
    for (const d of step.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), step.id]);
  const tail = new Map<string, number>();
  for (const step of [...order].reverse()) {
    tail.set(
      step.id,
      Math.max(0, ...(dependents.get(step.id) ?? []).map((d) => seconds(stepById(plan, d)) + (tail.get(d) ?? 0))),
    );
  }
  return { start, tail };
}

function stepById(plan: RunPlan, id: string): PlannedStep {
  const step = plan.steps.find((s) => s.id === id);
  if (!step) throw new Error(`the plan has no step ${id}`);
  return step;
}

export interface CriticalPath {
  readonly seconds: number;
  /** Step ids along one longest chain, first to last. */
  readonly steps: readonly string[];
}

/** The longest chain of profile durations through `plan` (its true dependencies: plan it without `policy`). */
export function criticalPath(plan: RunPlan, profile: LatencyProfile): CriticalPath {
  const seconds = (step: PlannedStep) => stepSeconds(step.kind, profile);
  const { start } = pathTimes(plan, seconds);
  const finish = (step: PlannedStep) => (start.get(step.id) ?? 0) + seconds(step);
  let last: PlannedStep | undefined;
  for (const step of plan.steps) if (!last || finish(step) > finish(last)) last = step;
  if (!last) return { seconds: 0, steps: [] };
  const chain: string[] = [];
  for (let step: PlannedStep | undefined = last; step; ) {
    chain.unshift(step.id);
    const begins: number = start.get(step.id) ?? 0;
    step = step.dependsOn.map((id) => stepById(plan, id)).find((d: PlannedStep) => Math.abs(finish(d) - begins) < 1e-9);
  }
  return { seconds: finish(last), steps: chain };
}
