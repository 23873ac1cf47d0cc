import type { RunPlan, StepKind } from './plan.js';
import { MAX_DELAY_SECONDS, nextPollDelay } from './poll.js';

/**
 * How a run is ordered and polled. `mpx` is the product: true dependencies
 * only, first polls near each resource's typical duration. `reference`
 * replays the deprecated solution's Step Functions policy on the same engine,
 * for the benchmarks that compare the two side by side (bench/, issue 9):
 * stage barriers — all imports, then the event tracker, then filters, then
 * solutions and their versions, then campaigns and batch jobs — and its
 * polling schedule (60 s × 1.02ⁿ; filters and event trackers 8 s × 1.25ⁿ).
 * Chosen by MPX_POLICY; nothing else differs.
 */
export type RunPolicy = 'mpx' | 'reference';

export const RUN_POLICIES: readonly RunPolicy[] = ['mpx', 'reference'];

/** MPX_POLICY's value. @throws naming the allowed values. */
export function runPolicyOf(value: string | undefined): RunPolicy {
  const policy = value ?? 'mpx';
  if (!RUN_POLICIES.includes(policy as RunPolicy))
    throw new Error(`MPX_POLICY must be ${RUN_POLICIES.join(' or ')}, got ${policy}`);
  return policy as RunPolicy;
}

/** The stages of the deprecated solution's state machine, in order. */
const REFERENCE_STAGES: readonly (readonly StepKind[])[] = [
  ['datasetGroup', 'schema', 'dataset', 'datasetImportJob'],
  ['eventTracker'],
  ['filter'],
  ['solution', 'solutionVersion', 'recommender'],
  ['campaign', 'batchInferenceJob', 'batchSegmentJob'],
];

/**
 * The plan with the reference policy's stage barriers added: every step of a
 * stage also waits for every step of the stages before it.
 */
export function withStageBarriers(plan: RunPlan): RunPlan {
  const stageOf = (kind: StepKind) => REFERENCE_STAGES.findIndex((stage) => stage.includes(kind));
  return {
    steps: plan.steps.map((step) => {
      const stage = stageOf(step.kind);
      if (stage <= 0) return step;
      const earlier = plan.steps.filter((s) => {
        const other = stageOf(s.kind);
        return other >= 0 && other < stage;
      });
      return { ...step, dependsOn: [...new Set([...step.dependsOn, ...earlier.map((s) => s.id)])] };
    }),
  };
}

/** Seconds before poll `polls + 1` of a step of `kind` under `policy`, scaled like `nextPollDelay`. */
export function pollDelayFor(policy: RunPolicy, kind: StepKind, polls: number, scale = 1): number {
  if (policy === 'mpx') return nextPollDelay(kind, polls, scale);
  const [first, growth] = kind === 'filter' || kind === 'eventTracker' ? [8, 1.25] : [60, 1.02];
  return Math.max(1, Math.round(Math.min(MAX_DELAY_SECONDS, first * growth ** polls) * scale));
}
