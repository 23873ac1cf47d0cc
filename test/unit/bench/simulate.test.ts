import { describe, expect, it } from 'vitest';
import { criticalPath } from '../../../bench/lib/critical-path.js';
import { describesFor, simulateRuns } from '../../../bench/lib/simulate.js';
import { INSTANT, REALISTIC } from '../../../local/personalize/profile.js';
import { validate } from '../../../shared/config/validate.js';
import { type PlannedStep, planRun, type RunPlan } from '../../../shared/workflow/plan.js';
import type { RunPolicy } from '../../../shared/workflow/policy.js';
import { nextPollDelay } from '../../../shared/workflow/poll.js';
import { seedConfigText } from '../../fixtures/configs.js';

const seedPlan = (policy?: RunPolicy) => {
  const config = validate(seedConfigText('seed-sample')).config;
  if (!config) throw new Error('the seed sample must validate');
  const data = { interactions: 's3://b/train/g/interactions.csv', users: 's3://b/train/g/users.csv' };
  return planRun(config, data, 'b', policy ? { policy } : {});
};

const step = (id: string, kind: PlannedStep['kind'], dependsOn: string[] = []): PlannedStep => ({
  id,
  kind,
  name: id,
  dependsOn,
  desired: { kind: 'notify' },
});

describe('the run model', () => {
  it('polls a dataset group as nextPollDelay says: at 72 s (not ready), 83.25 s (not ready), then done', () => {
    const plan: RunPlan = { steps: [step('datasetGroup', 'datasetGroup')] };
    const run = simulateRuns([plan], { profile: REALISTIC, policy: 'mpx', pollScale: 1 });
    const [first, second, third] = [0, 1, 2].map((n) => nextPollDelay('datasetGroup', n));
    expect(run.steps[0]).toMatchObject({ start: 0, polls: 4, end: (first ?? 0) + (second ?? 0) + (third ?? 0) });
    expect(run.makespan).toBeGreaterThanOrEqual(90);
  });

  it('never beats the critical path, and the reference policy polls more often', () => {
    for (const policy of ['mpx', 'reference'] as const) {
      const run = simulateRuns([seedPlan(policy)], { profile: REALISTIC, policy, pollScale: 1 });
      expect(run.makespan).toBeGreaterThanOrEqual(criticalPath(seedPlan(), REALISTIC).seconds);
    }
    const polls = (policy: 'mpx' | 'reference') =>
      simulateRuns([seedPlan(policy)], { profile: REALISTIC, policy, pollScale: 1 }).steps.reduce(
        (sum, s) => sum + s.polls,
        0,
      );
    expect(polls('reference')).toBeGreaterThan(2 * polls('mpx'));
  });

  it('shows what whole-second delays cost a time-scaled cloud: ×300 is slower than ×60, which is slower than AWS', () => {
    const at = (pollScale: number) =>
      simulateRuns([seedPlan()], { profile: REALISTIC, policy: 'mpx', pollScale }).makespan;
    expect(at(1 / 300)).toBeGreaterThan(at(1 / 60));
    expect(at(1 / 60)).toBeGreaterThanOrEqual(at(1));
  });

  it('on an instant profile, finds every resource ACTIVE at its first describe', () => {
    const run = simulateRuns([seedPlan()], { profile: INSTANT, policy: 'mpx', pollScale: 1 });
    const resources = run.steps.filter((s) => s.kind !== 'schedules' && s.kind !== 'notify');
    expect(resources.every((s) => s.polls === 2)).toBe(true);
    expect(run.steps.find((s) => s.id === 'datasetGroup')?.end).toBe(nextPollDelay('datasetGroup', 0));
  });

  it('throttles jobs over a cap and still finishes every run', () => {
    const plans = [0, 1, 2, 3].map(() => seedPlan());
    const capped = simulateRuns(plans, {
      profile: REALISTIC,
      policy: 'mpx',
      pollScale: 1,
      caps: { datasetImportJob: 5, solutionVersion: 20, batchInferenceJob: 1, batchSegmentJob: 5 },
    });
    const free = simulateRuns(plans, { profile: REALISTIC, policy: 'mpx', pollScale: 1 });
    expect(capped.steps.filter((s) => s.throttled > 0).map((s) => s.kind)).toContain('datasetImportJob');
    expect(capped.steps.filter((s) => s.kind === 'batchInferenceJob' && s.throttled > 0)).toHaveLength(3);
    expect(capped.makespan).toBeGreaterThan(free.makespan);
    // One batch job at a time: the four 20-minute jobs take at least 80 minutes from the first start.
    const jobs = capped.steps.filter((s) => s.kind === 'batchInferenceJob');
    const first = Math.min(...jobs.map((j) => j.start));
    expect(Math.max(...jobs.map((j) => j.end)) - first).toBeGreaterThanOrEqual(4 * 20 * 60);
  });
});

describe('Describe calls per resource', () => {
  it('a 2-hour training is described 10 times under mpx, 62 times under the reference policy', () => {
    expect(describesFor('mpx', 'solutionVersion', 7200)).toBe(10);
    expect(describesFor('reference', 'solutionVersion', 7200)).toBe(62);
  });

  it('at least once, even for a resource that is ready at once', () => {
    expect(describesFor('mpx', 'schema', 0)).toBe(1);
  });
});
