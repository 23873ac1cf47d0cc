import { describe, expect, it } from 'vitest';
import { progressLines, renderRunTable } from '../../../cli/progress.js';
import type { RunRecord, StepRecord } from '../../../shared/state/runs.js';

const run: RunRecord = {
  runId: 'r1',
  datasetGroup: 'shop',
  trigger: 'upload s3://b/train/shop/config.json',
  status: 'RUNNING',
  startedAt: '2026-11-28T12:00:00.000Z',
};
const step = (stepId: string, fields: Partial<StepRecord>): StepRecord =>
  ({
    stepId,
    kind: stepId.split(':')[0],
    name: stepId,
    status: 'WAITING',
    openDependencies: 0,
    dependents: [],
    desired: { kind: 'notify' },
    inputs: {},
    polls: 0,
    ...fields,
  }) as StepRecord;
const now = new Date('2026-11-28T12:00:42.000Z');

describe('renderRunTable', () => {
  it('shows each step with Personalize’s status while it runs, its elapsed time and polls', () => {
    const steps = [
      step('datasetGroup', {
        status: 'DONE',
        polls: 3,
        startedAt: '2026-11-28T12:00:00.000Z',
        finishedAt: '2026-11-28T12:00:09.500Z',
      }),
      step('solutionVersion:up', {
        status: 'READY',
        polls: 2,
        lastStatus: 'CREATE IN_PROGRESS',
        startedAt: '2026-11-28T12:00:20.000Z',
      }),
      step('campaign:up', {}),
      step('notify', {}),
    ];
    expect(renderRunTable(run, steps, now)).toEqual([
      'Run r1 — RUNNING — 42.0s',
      'step                state               elapsed  polls',
      'datasetGroup        done                   9.5s      3',
      'solutionVersion:up  create in_progress    22.0s      2',
      'campaign:up         waiting                          0',
    ]);
  });
});

describe('progressLines', () => {
  it('prints a line when a step’s state changes, and nothing when it does not', () => {
    const seen = new Map<string, string>();
    const failed = step('datasetImportJob:interactions', {
      status: 'FAILED',
      polls: 4,
      failureReason: 'row 2: bad TIMESTAMP',
    });
    expect(progressLines(run, [failed], seen, now)).toEqual([
      '  42.0s  datasetImportJob:interactions  FAILED (polls 4) — row 2: bad TIMESTAMP',
    ]);
    expect(progressLines(run, [failed], seen, now)).toEqual([]);
  });
});
