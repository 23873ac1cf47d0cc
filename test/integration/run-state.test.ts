import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';
import { validate } from '../../shared/config/validate.js';
import {
  claimPoll,
  completeStep,
  createRun,
  endStep,
  readRun,
  readStep,
  type StateDeps,
  unstartedSteps,
} from '../../shared/state/runs.js';
import { planRun } from '../../shared/workflow/plan.js';
import { seedConfigText } from '../fixtures/configs.js';
import { createRunsTable } from '../support/runs-table.js';

/** Run state on DynamoDB (the local cloud's): duplicate and concurrent completions release each step exactly once. */

let dataDir: string;
let cloud: LocalCloud;
let deps: StateDeps;
const plan = planRun(
  validate(seedConfigText('seed-sample')).config as never,
  { interactions: `s3://bucket/train/g/interactions.csv`, users: `s3://bucket/train/g/users.csv` },
  'bucket',
);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-state-'));
  cloud = await startLocalCloud({ dataDir, projectDir: false, port: 0, profile: INSTANT });
  await createRunsTable(cloud.clients.dynamodb, 'runs');
  deps = { db: DynamoDBDocumentClient.from(cloud.clients.dynamodb), table: 'runs', now: () => new Date() };
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('run state', () => {
  it('creates a run once per id and starts with the steps that have no dependencies', async () => {
    const run = { runId: 'r1', datasetGroup: 'dataset-group-name-1', trigger: 'upload' };
    expect(await createRun(deps, run, plan)).toBe('created');
    expect(await createRun(deps, run, plan)).toBe('exists');
    const stored = await readRun(deps, 'r1');
    expect(stored?.run.status).toBe('QUEUED');
    expect(stored?.steps).toHaveLength(plan.steps.length);
    expect(await unstartedSteps(deps, 'r1')).toEqual(['datasetGroup', 'schema:interactions', 'schema:users']);
  });

  it('lets one of two concurrent deliveries of a trigger create the run; the other leaves it alone', async () => {
    const run = { runId: 'r-concurrent', datasetGroup: 'other', trigger: 'upload' };
    const outcomes = await Promise.all([createRun(deps, run, plan), createRun(deps, run, plan)]);
    expect(outcomes.sort()).toEqual(['created', 'creating-elsewhere']);
    expect((await readRun(deps, 'r-concurrent'))?.run.status).toBe('QUEUED');
  });

  it('lets one delivery of a step message run each poll; duplicates and stale ones are turned away', async () => {
    await createRun(deps, { runId: 'r-poll', datasetGroup: 'other', trigger: 'upload' }, plan);
    const claims = await Promise.all([0, 0, 0].map((poll) => claimPoll(deps, 'r-poll', 'datasetGroup', poll)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimPoll(deps, 'r-poll', 'datasetGroup', 0)).toBe(false);
    expect(await claimPoll(deps, 'r-poll', 'datasetGroup', 1)).toBe(true);
    expect((await readStep(deps, 'r-poll', 'datasetGroup'))?.polls).toBe(2);
    // A step that is not READY yet cannot be claimed.
    expect(await claimPoll(deps, 'r-poll', 'dataset:users', 0)).toBe(false);
  });

  it('skips what depends on a failed step, with the reason, and still releases the notify step', async () => {
    const small = planRun(
      validate(seedConfigText('seed-root-tags')).config as never,
      { interactions: `s3://bucket/train/g/interactions.csv` },
      'bucket',
    );
    await createRun(deps, { runId: 'r-fail', datasetGroup: 'other', trigger: 'upload' }, small);
    const ids = small.steps.map((s) => s.id);
    const frontier = ['datasetGroup', ...ids.filter((id) => id.startsWith('schema:'))];
    const done = async (id: string) => completeStep(deps, 'r-fail', id, `arn:${id}`);
    const ready = new Set<string>();
    for (const id of frontier) for (const next of await done(id)) ready.add(next);
    for (const id of ids.filter((i) => i.startsWith('dataset:'))) for (const next of await done(id)) ready.add(next);
    // The interactions import fails: every version and what needs one is skipped; the rest finishes.
    const afterFailure = await endStep(deps, 'r-fail', 'datasetImportJob:interactions', {
      failureReason: 'bad CSV',
    });
    expect(afterFailure).toEqual([]);
    for (const id of [...ready].filter((i) => !i.startsWith('datasetImportJob') && !i.startsWith('solution:')))
      await done(id);
    const solutions = ids.filter((i) => i.startsWith('solution:'));
    const released: string[] = [];
    for (const id of solutions) released.push(...(await done(id)));
    expect(released).toEqual(['notify']);
    const { steps } = (await readRun(deps, 'r-fail')) ?? { steps: [] };
    const versions = steps.filter((s) => s.kind === 'solutionVersion');
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) {
      expect(version.status).toBe('SKIPPED');
      expect(version.skipReason).toBe('datasetImportJob:interactions failed');
    }
    expect(steps.find((s) => s.stepId === 'eventTracker')?.status).toBe('DONE');
    expect(steps.find((s) => s.stepId === 'notify')?.status).toBe('READY');
  });

  it('hands each finished step’s ARN to its dependents', async () => {
    const step = await readStep(deps, 'r-fail', 'dataset:interactions');
    expect(step?.inputs).toEqual({
      datasetGroup: 'arn:datasetGroup',
      'schema:interactions': 'arn:schema:interactions',
    });
  });

  it('releases every step exactly once, whatever duplicate and concurrent completions happen', async () => {
    await createRun(deps, { runId: 'r2', datasetGroup: 'g', trigger: 'upload' }, plan);
    const released = new Map<string, number>();
    let frontier = plan.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
    while (frontier.length > 0) {
      // Every completion delivered twice, concurrently.
      const results = await Promise.all(
        frontier.flatMap((id) => [
          completeStep(deps, 'r2', id, `arn:${id}`),
          completeStep(deps, 'r2', id, `arn:${id}`),
        ]),
      );
      frontier = results.flat();
      for (const id of frontier) released.set(id, (released.get(id) ?? 0) + 1);
    }
    const notReleasedAtStart = plan.steps.filter((s) => s.dependsOn.length > 0).map((s) => s.id);
    expect([...released.keys()].sort()).toEqual(notReleasedAtStart.sort());
    expect([...released.values()].every((n) => n === 1)).toBe(true);
    const stored = await readRun(deps, 'r2');
    expect(stored?.steps.every((s) => s.status === 'DONE')).toBe(true);
  });
});

describe('run state after a crash', () => {
  it('a redelivered completion finishes the releases a crashed one left undone', async () => {
    const small = planRun(
      validate(seedConfigText('seed-root-tags')).config as never,
      { interactions: `s3://bucket/train/g/interactions.csv` },
      'bucket',
    );
    await createRun(deps, { runId: 'r3', datasetGroup: 'g', trigger: 'upload' }, small);
    // The crashed delivery marked the dataset group DONE but released nothing.
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const { stepKey } = await import('../../shared/state/keys.js');
    await deps.db.send(
      new UpdateCommand({
        TableName: 'runs',
        Key: stepKey('r3', 'datasetGroup'),
        UpdateExpression: 'SET #s = :done',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE' },
      }),
    );
    await completeStep(deps, 'r3', 'schema:interactions', 'arn:schema');
    expect(await completeStep(deps, 'r3', 'datasetGroup', 'arn:dsg')).toEqual(['dataset:interactions', 'eventTracker']);
  });
});

describe('dataset group lock', () => {
  it('lets one run at a time hold a group, queues the others, and hands over to the newest of a kind', async () => {
    const { acquireLock, releaseLock } = await import('../../shared/state/lock.js');
    expect(await acquireLock(deps, 'shop', 'a')).toEqual({ acquired: true });
    expect(await acquireLock(deps, 'shop', 'a')).toEqual({ acquired: true });
    expect(await acquireLock(deps, 'shop', 'b')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'shop', 'b')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'shop', 'c')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'other', 'z')).toEqual({ acquired: true });
    expect(await releaseLock(deps, 'shop', 'b')).toEqual({ superseded: [] });
    // b and c are two uploads waiting: the newer one supersedes the older, reported, not lost.
    expect(await releaseLock(deps, 'shop', 'a')).toEqual({ next: 'c', superseded: [{ runId: 'b', by: 'c' }] });
    expect(await acquireLock(deps, 'shop', 'c')).toEqual({ acquired: true });
    expect(await releaseLock(deps, 'shop', 'c')).toEqual({ superseded: [] });
    expect(await acquireLock(deps, 'shop', 'd')).toEqual({ acquired: true });
  });

  it('settles superseded runs before they leave the queue, so a crash in between loses none', async () => {
    const { acquireLock, releaseLock } = await import('../../shared/state/lock.js');
    await acquireLock(deps, 'crashy', 'a');
    await acquireLock(deps, 'crashy', 'b');
    await acquireLock(deps, 'crashy', 'c');
    const crash = async () => {
      throw new Error('crashed before recording b as superseded');
    };
    await expect(releaseLock(deps, 'crashy', 'a', crash)).rejects.toThrow('crashed');
    // The queue is as it was: the redelivery sees b again and settles it.
    const settled: unknown[] = [];
    const handover = await releaseLock(deps, 'crashy', 'a', async (superseded) => {
      settled.push(...superseded);
    });
    expect(settled).toEqual([{ runId: 'b', by: 'c' }]);
    expect(handover).toEqual({ next: 'c', superseded: [{ runId: 'b', by: 'c' }] });
  });

  it('never lets two concurrent triggers both run', async () => {
    const { acquireLock } = await import('../../shared/state/lock.js');
    const outcomes = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((id) => acquireLock(deps, 'race', id)));
    expect(outcomes.filter((o) => o.acquired)).toHaveLength(1);
  });
});

describe('mpx runs', () => {
  async function cli(args: string[]): Promise<{ code: number; out: string[] }> {
    const { main } = await import('../../cli/main.js');
    const out: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
    try {
      const code = await main(['node', 'mpx', ...args], { out: (l) => out.push(l), err: (l) => out.push(l) });
      return { code, out };
    } finally {
      process.env = saved;
    }
  }

  it('lists the runs of a dataset group as JSON', async () => {
    const { code, out } = await cli(['runs', 'list', '--table', 'runs', '--dataset-group', 'g', '--json']);
    expect(code).toBe(0);
    const runs = JSON.parse(out[0] as string) as {
      runId: string;
      datasetGroup: string;
      status: string;
      trigger: string;
    }[];
    expect(runs.map((r) => r.runId).sort()).toEqual(['r2', 'r3']);
    expect(runs[0]).toMatchObject({ datasetGroup: 'g', status: 'QUEUED', trigger: 'upload' });
  });

  it('shows a run with its steps, and exits 1 for an unknown run', async () => {
    const { code, out } = await cli(['runs', 'show', 'r2', '--table', 'runs', '--json']);
    expect(code).toBe(0);
    const run = JSON.parse(out[0] as string);
    expect(run).toMatchObject({ runId: 'r2', datasetGroup: 'g', status: 'QUEUED' });
    expect(run.steps).toHaveLength(plan.steps.length);
    expect(run.steps.every((s: { status: string }) => s.status === 'DONE')).toBe(true);
    expect((await cli(['runs', 'show', 'nope', '--table', 'runs'])).code).toBe(1);
  });
});

describe('dataset group lock with runs of different kinds', () => {
  it('keeps a waiting scheduled run and an upload, in arrival order', async () => {
    const { acquireLock, releaseLock } = await import('../../shared/state/lock.js');
    await acquireLock(deps, 'kinds', 'active');
    await acquireLock(deps, 'kinds', 'nightly', 'schedule:kinds.import');
    await acquireLock(deps, 'kinds', 'upload-1', 'upload');
    expect(await releaseLock(deps, 'kinds', 'active')).toEqual({ next: 'nightly', superseded: [] });
    expect(await releaseLock(deps, 'kinds', 'nightly')).toEqual({ next: 'upload-1', superseded: [] });
  });
});
