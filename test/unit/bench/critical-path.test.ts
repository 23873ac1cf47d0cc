import { describe, expect, it } from 'vitest';
import { criticalPath } from '../../../bench/lib/critical-path.js';
import { quotaAwareLowerBound } from '../../../bench/lib/lower-bound.js';
import { INSTANT, REALISTIC } from '../../../local/personalize/profile.js';
import { validate } from '../../../shared/config/validate.js';
import { type PlannedStep, planRun, type RunPlan } from '../../../shared/workflow/plan.js';
import { seedConfigText } from '../../fixtures/configs.js';

const seedPlan = (policy?: 'reference') => {
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

describe('the critical path', () => {
  it('is the longest chain of profile durations: group → dataset → import → training → batch job', () => {
    const path = criticalPath(seedPlan(), REALISTIC);
    // 90 + 45 + 17 min + 30 min + 20 min (the batch job outlasts the 15-minute campaign).
    expect(path.seconds).toBe(90 + 45 + 17 * 60 + 30 * 60 + 20 * 60);
    expect(path.steps).toEqual([
      'datasetGroup',
      'dataset:interactions',
      'datasetImportJob:interactions',
      'solutionVersion:user-personalization-solution',
      'batchInferenceJob:user-personalization-solution',
    ]);
  });

  it('is zero on an instant profile', () => {
    expect(criticalPath(seedPlan(), INSTANT).seconds).toBe(0);
  });

  it('follows dependencies listed out of order (the reference barriers make such plans)', () => {
    const plan: RunPlan = {
      steps: [
        step('campaign:a', 'campaign', ['solutionVersion:b']),
        step('solutionVersion:b', 'solutionVersion', ['datasetGroup']),
        step('datasetGroup', 'datasetGroup'),
      ],
    };
    expect(criticalPath(plan, REALISTIC).seconds).toBe(90 + 30 * 60 + 15 * 60);
    expect(criticalPath(plan, REALISTIC).steps).toEqual(['datasetGroup', 'solutionVersion:b', 'campaign:a']);
  });

  it('rejects a cycle', () => {
    const plan: RunPlan = { steps: [step('a', 'filter', ['b']), step('b', 'filter', ['a'])] };
    expect(() => criticalPath(plan, REALISTIC)).toThrow('cycle');
  });

  it('is longer with the reference barriers: tracker, filters and solutions wait for every import', () => {
    const reference = criticalPath(seedPlan('reference'), REALISTIC).seconds;
    expect(reference).toBe(criticalPath(seedPlan(), REALISTIC).seconds + 60 + 3 * 60 + 30);
  });
});

describe('the quota-aware lower bound', () => {
  it('is the critical path when nothing competes for a cap', () => {
    const bound = quotaAwareLowerBound([seedPlan()], REALISTIC);
    expect(bound.seconds).toBe(bound.criticalPath);
  });

  it('counts waves of jobs: 7 imports through 5 slots take two import durations', () => {
    const plans = [0, 1, 2].map(() => seedPlan());
    const trainings = plans.flatMap((p) => p.steps.filter((s) => s.kind === 'solutionVersion'));
    expect(trainings).toHaveLength(9);
    const bound = quotaAwareLowerBound([...plans, seedPlan()], REALISTIC);
    const imports = bound.caps.find((c) => c.kind === 'datasetImportJob');
    expect(imports).toMatchObject({ jobs: 8, cap: 5, waves: 2, head: 135, span: 2 * 17 * 60 });
    // After the second wave, the shortest chain: a users import feeds a training (30 min) and its batch job (20 min).
    expect(imports?.tail).toBe(30 * 60 + 20 * 60);
    expect(bound.seconds).toBe(135 + 2 * 17 * 60 + 50 * 60);
  });

  it('takes the tightest cap given', () => {
    const bound = quotaAwareLowerBound([seedPlan()], REALISTIC, {
      datasetImportJob: 5,
      solutionVersion: 1,
      batchInferenceJob: 5,
      batchSegmentJob: 5,
    });
    const trainings = bound.caps.find((c) => c.kind === 'solutionVersion');
    expect(trainings?.waves).toBe(3);
    expect(bound.seconds).toBe(135 + 17 * 60 + 3 * 30 * 60);
  });
});
