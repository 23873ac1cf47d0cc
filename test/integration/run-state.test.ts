import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT } from '../../local/personalize/profile.js';
import { validate } from '../../shared/config/validate.js';
import { completeStep, createRun, readRun, type StateDeps } from '../../shared/state/runs.js';
import { planRun } from '../../shared/workflow/plan.js';
import { seedConfigText } from '../fixtures/configs.js';

/** Run state on DynamoDB (the local cloud's): duplicate and concurrent completions release each step exactly once. */

let dataDir: string;
let cloud: LocalCloud;
let deps: StateDeps;
const plan = planRun(validate(seedConfigText('seed-sample')).config as never, { interactions: true, users: true });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-state-'));
  cloud = await startLocalCloud({ dataDir, projectDir: false, port: 0, profile: INSTANT });
  await cloud.clients.dynamodb.send(
    new CreateTableCommand({
      TableName: 'runs',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  deps = { db: DynamoDBDocumentClient.from(cloud.clients.dynamodb), table: 'runs', now: () => new Date() };
}, 60_000);

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('run state', () => {
  it('creates a run once per id and starts with the steps that have no dependencies', async () => {
    const run = { runId: 'r1', datasetGroup: 'dataset-group-name-1', trigger: 'upload' };
    expect(await createRun(deps, run, plan)).toEqual(['datasetGroup', 'schema:interactions', 'schema:users']);
    expect(await createRun(deps, run, plan)).toEqual([]);
    const stored = await readRun(deps, 'r1');
    expect(stored?.steps).toHaveLength(plan.steps.length);
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
    const small = planRun(validate(seedConfigText('seed-root-tags')).config as never, { interactions: true });
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
  it('lets one run at a time hold a group, queues the others in order, and hands over on release', async () => {
    const { acquireLock, releaseLock } = await import('../../shared/state/lock.js');
    expect(await acquireLock(deps, 'shop', 'a')).toEqual({ acquired: true });
    expect(await acquireLock(deps, 'shop', 'a')).toEqual({ acquired: true });
    expect(await acquireLock(deps, 'shop', 'b')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'shop', 'b')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'shop', 'c')).toEqual({ acquired: false, activeRunId: 'a' });
    expect(await acquireLock(deps, 'other', 'z')).toEqual({ acquired: true });
    expect(await releaseLock(deps, 'shop', 'b')).toBeUndefined();
    expect(await releaseLock(deps, 'shop', 'a')).toBe('b');
    expect(await acquireLock(deps, 'shop', 'b')).toEqual({ acquired: true });
    expect(await releaseLock(deps, 'shop', 'b')).toBe('c');
    expect(await releaseLock(deps, 'shop', 'c')).toBeUndefined();
    expect(await acquireLock(deps, 'shop', 'd')).toEqual({ acquired: true });
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
    expect(runs[0]).toMatchObject({ datasetGroup: 'g', status: 'RUNNING', trigger: 'upload' });
  });

  it('shows a run with its steps, and exits 1 for an unknown run', async () => {
    const { code, out } = await cli(['runs', 'show', 'r2', '--table', 'runs', '--json']);
    expect(code).toBe(0);
    const run = JSON.parse(out[0] as string);
    expect(run).toMatchObject({ runId: 'r2', datasetGroup: 'g', status: 'RUNNING' });
    expect(run.steps).toHaveLength(plan.steps.length);
    expect(run.steps.every((s: { status: string }) => s.status === 'DONE')).toBe(true);
    expect((await cli(['runs', 'show', 'nope', '--table', 'runs'])).code).toBe(1);
  });
});
