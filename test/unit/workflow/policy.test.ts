import { describe, expect, it } from 'vitest';
import { validate } from '../../../shared/config/validate.js';
import { planRun } from '../../../shared/workflow/plan.js';
import { pollDelayFor, runPolicyOf } from '../../../shared/workflow/policy.js';
import { nextPollDelay } from '../../../shared/workflow/poll.js';
import { seedConfigText } from '../../fixtures/configs.js';

const config = () =>
  validate(seedConfigText('seed-sample')).config as NonNullable<ReturnType<typeof validate>['config']>;
const data = { interactions: 's3://b/train/g/interactions.csv', users: 's3://b/train/g/users.csv' };

describe('the reference policy (the deprecated solution, replayed for benchmarks)', () => {
  const plan = planRun(config(), data, 'b', { policy: 'reference' });
  const deps = (id: string) => plan.steps.find((s) => s.id === id)?.dependsOn ?? [];

  it('makes the event tracker wait for every import, filters for the tracker, solutions for the filters', () => {
    expect(deps('eventTracker')).toEqual(
      expect.arrayContaining(['datasetImportJob:interactions', 'datasetImportJob:users']),
    );
    expect(deps('filter:interacted')).toContain('eventTracker');
    expect(deps('solution:sims-solution')).toEqual(
      expect.arrayContaining(['filter:interacted', 'filter:clicked-or-streamed']),
    );
  });

  it('makes campaigns and batch jobs wait for every solution version', () => {
    const versions = plan.steps.filter((s) => s.kind === 'solutionVersion').map((s) => s.id);
    expect(versions).toHaveLength(3);
    expect(deps('campaign:user-personalization-campaign')).toEqual(expect.arrayContaining(versions));
  });

  it('adds no step and leaves the mpx plan untouched', () => {
    const mpx = planRun(config(), data, 'b');
    expect(plan.steps.map((s) => s.id)).toEqual(mpx.steps.map((s) => s.id));
    expect(mpx.steps.find((s) => s.id === 'eventTracker')?.dependsOn).toEqual(['datasetGroup']);
  });

  it('polls as the original did: 60 s × 1.02ⁿ, filters and trackers 8 s × 1.25ⁿ', () => {
    expect([0, 1, 10].map((n) => pollDelayFor('reference', 'solutionVersion', n))).toEqual([60, 61, 73]);
    expect([0, 1, 5].map((n) => pollDelayFor('reference', 'filter', n))).toEqual([8, 10, 24]);
    expect(pollDelayFor('mpx', 'campaign', 2)).toBe(nextPollDelay('campaign', 2));
  });

  it('is chosen by MPX_POLICY, mpx by default', () => {
    expect(runPolicyOf(undefined)).toBe('mpx');
    expect(runPolicyOf('reference')).toBe('reference');
    expect(() => runPolicyOf('fast')).toThrow('MPX_POLICY must be mpx or reference, got fast');
  });
});
