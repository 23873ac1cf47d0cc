import type { LatencyProfile } from '../../local/personalize/profile.js';
import type { PlannedStep, RunPlan, StepKind } from '../../shared/workflow/plan.js';
import { criticalPath, pathTimes, stepSeconds } from './critical-path.js';
import { type ConcurrencyCaps, DEFAULT_CAPS } from './simulate.js';

/**
 * A lower bound on the makespan of several runs started together in one
 * account, whatever the orchestration: no run beats its critical path, and
 * the jobs of a capped kind (n of them, each d seconds, at most c at once,
 * never preempted) span at least ⌈n / c⌉ · d — which cannot start before the
 * earliest such job can, and is followed by at least the shortest chain
 * that comes after one of them.
 */

export interface CapBound {
  readonly kind: StepKind;
  readonly jobs: number;
  readonly cap: number;
  readonly waves: number;
  /** Earliest any job of the kind can start, waves × duration, shortest chain after one. */
  readonly head: number;
  readonly span: number;
  readonly tail: number;
  readonly seconds: number;
}

export interface LowerBound {
  readonly seconds: number;
  /** The longest critical path among the runs. */
  readonly criticalPath: number;
  readonly caps: readonly CapBound[];
}

export function quotaAwareLowerBound(
  plans: readonly RunPlan[],
  profile: LatencyProfile,
  caps: ConcurrencyCaps = DEFAULT_CAPS,
): LowerBound {
  const seconds = (step: PlannedStep) => stepSeconds(step.kind, profile);
  const times = plans.map((plan) => pathTimes(plan, seconds));
  const paths = plans.map((plan) => criticalPath(plan, profile).seconds);
  const bounds: CapBound[] = [];
  for (const [kind, cap] of Object.entries(caps) as [keyof ConcurrencyCaps, number][]) {
    const jobs = plans.flatMap((plan, index) =>
      plan.steps
        .filter((s) => s.kind === kind)
        .map((s) => ({ start: times[index]?.start.get(s.id) ?? 0, tail: times[index]?.tail.get(s.id) ?? 0 })),
    );
    if (jobs.length === 0) continue;
    const waves = Math.ceil(jobs.length / cap);
    const head = Math.min(...jobs.map((j) => j.start));
    const tail = Math.min(...jobs.map((j) => j.tail));
    const span = waves * stepSeconds(kind, profile);
    bounds.push({ kind, jobs: jobs.length, cap, waves, head, span, tail, seconds: head + span + tail });
  }
  const criticalPathSeconds = Math.max(0, ...paths);
  return {
    seconds: Math.max(criticalPathSeconds, ...bounds.map((b) => b.seconds)),
    criticalPath: criticalPathSeconds,
    caps: bounds,
  };
}
