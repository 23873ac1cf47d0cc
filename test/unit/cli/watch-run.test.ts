import { describe, expect, it } from 'vitest';
import { isFinal, runEvents, runExitCode } from '../../../cli/watch-run.js';
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
    name: stepId.split(':')[1] ?? stepId,
    status: 'WAITING',
    openDependencies: 0,
    dependents: [],
    desired: { kind: 'notify' },
    inputs: {},
    polls: 0,
    ...fields,
  }) as StepRecord;
const at = (seconds: number) => new Date(Date.parse(run.startedAt) + seconds * 1000);

describe('runEvents', () => {
  it('reports every step, then the run, on the first read (notify steps left out)', () => {
    const previous = new Map<string, string>();
    const events = runEvents(
      run,
      [
        step('datasetGroup', {
          status: 'DONE',
          polls: 2,
          arn: 'arn:dg',
          startedAt: '2026-11-28T12:00:00.000Z',
          finishedAt: '2026-11-28T12:00:01.250Z',
        }),
        step('solution:up', { status: 'READY', polls: 0 }),
        step('notify', { status: 'WAITING' }),
      ],
      previous,
      at(3),
    );
    expect(events).toEqual([
      {
        event: 'step',
        runId: 'r1',
        stepId: 'datasetGroup',
        kind: 'datasetGroup',
        name: 'datasetGroup',
        state: 'done',
        status: 'DONE',
        polls: 2,
        seconds: 1.3,
        arn: 'arn:dg',
        at: '2026-11-28T12:00:03.000Z',
      },
      {
        event: 'step',
        runId: 'r1',
        stepId: 'solution:up',
        kind: 'solution',
        name: 'up',
        state: 'starting',
        status: 'READY',
        polls: 0,
        at: '2026-11-28T12:00:03.000Z',
      },
      {
        event: 'run',
        runId: 'r1',
        datasetGroup: 'shop',
        status: 'RUNNING',
        seconds: 3,
        at: '2026-11-28T12:00:03.000Z',
      },
    ]);
  });

  it('then reports only what changed: a step’s shown state, the run’s status', () => {
    const previous = new Map<string, string>();
    const steps = [step('solution:up', { status: 'READY', polls: 1, lastStatus: 'CREATE PENDING' })];
    runEvents(run, steps, previous, at(1));
    expect(runEvents(run, steps, previous, at(2))).toEqual([]);
    const failed = step('solution:up', {
      status: 'FAILED',
      polls: 2,
      failureReason: 'bad recipe',
      startedAt: '2026-11-28T12:00:01.000Z',
      finishedAt: '2026-11-28T12:00:02.000Z',
    });
    const ended: RunRecord = { ...run, status: 'FAILED', finishedAt: '2026-11-28T12:00:02.500Z' };
    expect(runEvents(ended, [failed], previous, at(9))).toMatchObject([
      { event: 'step', stepId: 'solution:up', state: 'FAILED', reason: 'bad recipe', seconds: 1 },
      // A finished run's seconds end at its finishedAt.
      { event: 'run', status: 'FAILED', seconds: 2.5 },
    ]);
  });

  it('shows a run still being written as QUEUED, and names the run that superseded one', () => {
    const previous = new Map<string, string>();
    expect(runEvents({ ...run, status: 'CREATING' }, [], previous, at(0))).toMatchObject([{ status: 'QUEUED' }]);
    expect(runEvents({ ...run, status: 'SUPERSEDED', supersededBy: 'r2' }, [], previous, at(1))).toMatchObject([
      { event: 'run', status: 'SUPERSEDED', supersededBy: 'r2' },
    ]);
  });

  it('a skipped step carries why', () => {
    const events = runEvents(
      run,
      [step('campaign:up', { status: 'SKIPPED', skipReason: 'solutionVersion:up failed' })],
      new Map(),
      at(1),
    );
    expect(events[0]).toMatchObject({ state: 'skipped', reason: 'solutionVersion:up failed' });
  });
});

describe('isFinal', () => {
  it.each([
    ['SUCCEEDED', true],
    ['FAILED', true],
    ['SUPERSEDED', true],
    ['RUNNING', false],
    ['QUEUED', false],
    ['CREATING', false],
  ] as const)('%s → %s', (status, final) => {
    expect(isFinal(status)).toBe(final);
  });
});

describe('runExitCode', () => {
  // `runs watch`, `upload --wait` and `demo` exit with it: only a run that did what was asked is 0.
  it.each([
    ['SUCCEEDED', 0],
    ['FAILED', 1],
    ['SUPERSEDED', 1],
  ] as const)('%s → %d', (status, code) => {
    expect(runExitCode(status)).toBe(code);
  });
});
