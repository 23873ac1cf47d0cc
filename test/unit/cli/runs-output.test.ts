import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runsListCommand, runsShowCommand } from '../../../cli/commands/runs.js';

/**
 * The shapes `mpx runs list` and `mpx runs show` print, on a faked run-state
 * table: `--json` always has every documented key (null when unknown), so a
 * script reads one fixed shape whatever state the run is in.
 */

const db = mockClient(DynamoDBDocumentClient);
const OPTIONS = { stage: 'dev', table: 'runs' };

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

/** Run items as the table holds them (keys, GSI attributes and bookkeeping included). */
const finished = {
  pk: 'RUN#run-b',
  sk: 'RUN',
  gsi1pk: 'DSG#shop',
  runId: 'run-b',
  datasetGroup: 'shop',
  trigger: 'upload s3://bucket/train/shop/config.json',
  status: 'FAILED',
  startedAt: '2026-11-28T12:00:00.000Z',
  finishedAt: '2026-11-28T12:30:00.000Z',
  notifiedAt: '2026-11-28T12:30:01.000Z',
  stepCount: 3,
};
const waiting = {
  pk: 'RUN#run-c',
  sk: 'RUN',
  gsi1pk: 'DSG#shop',
  runId: 'run-c',
  datasetGroup: 'shop',
  trigger: 'schedule mpx-dev-shop-import',
  status: 'CREATING',
  startedAt: '2026-11-28T13:00:00.000Z',
};
const otherGroup = {
  pk: 'RUN#run-a',
  sk: 'RUN',
  gsi1pk: 'DSG#books',
  runId: 'run-a',
  datasetGroup: 'books',
  trigger: 'upload s3://bucket/train/books/config.json',
  status: 'SUPERSEDED',
  startedAt: '2026-11-27T09:00:00.000Z',
  finishedAt: '2026-11-27T09:05:00.000Z',
  supersededBy: 'run-z',
};

beforeEach(() => {
  db.reset();
});

describe('mpx runs list', () => {
  it('--json prints every run with all six keys, finishedAt null while it has not finished', async () => {
    db.on(QueryCommand).resolves({ Items: [finished, waiting] });
    const { io, out, err } = capture();

    const code = await runsListCommand({ ...OPTIONS, datasetGroup: 'shop', json: true }, io);

    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toEqual([
      '[{"runId":"run-c","datasetGroup":"shop","trigger":"schedule mpx-dev-shop-import","status":"QUEUED","startedAt":"2026-11-28T13:00:00.000Z","finishedAt":null},' +
        '{"runId":"run-b","datasetGroup":"shop","trigger":"upload s3://bucket/train/shop/config.json","status":"FAILED","startedAt":"2026-11-28T12:00:00.000Z","finishedAt":"2026-11-28T12:30:00.000Z"}]',
    ]);
    expect(db).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'runs',
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':group': 'DSG#shop' },
    });
  });

  it('without --dataset-group lists the runs of every group, newest first (SUPERSEDED included)', async () => {
    db.on(ScanCommand).resolves({ Items: [otherGroup, finished, waiting] });
    const { io, out } = capture();

    const code = await runsListCommand({ ...OPTIONS, json: true }, io);

    expect(code).toBe(0);
    const runs = JSON.parse(out[0] as string) as Record<string, unknown>[];
    expect(runs.map((r) => [r.runId, r.datasetGroup, r.status])).toEqual([
      ['run-c', 'shop', 'QUEUED'],
      ['run-b', 'shop', 'FAILED'],
      ['run-a', 'books', 'SUPERSEDED'],
    ]);
    for (const run of runs)
      expect(Object.keys(run)).toEqual(['runId', 'datasetGroup', 'trigger', 'status', 'startedAt', 'finishedAt']);
    expect(db).toHaveReceivedCommandWith(ScanCommand, { TableName: 'runs' });
    expect(db).not.toHaveReceivedCommand(QueryCommand);
  });

  it('prints one line per run as text: id, status, group, start → end, trigger', async () => {
    db.on(ScanCommand).resolves({ Items: [otherGroup, finished, waiting] });
    const { io, out } = capture();

    expect(await runsListCommand(OPTIONS, io)).toBe(0);

    expect(out).toEqual([
      'run-c  QUEUED      shop  2026-11-28T13:00:00.000Z  schedule mpx-dev-shop-import',
      'run-b  FAILED      shop  2026-11-28T12:00:00.000Z → 2026-11-28T12:30:00.000Z  upload s3://bucket/train/shop/config.json',
      'run-a  SUPERSEDED  books  2026-11-27T09:00:00.000Z → 2026-11-27T09:05:00.000Z  upload s3://bucket/train/books/config.json',
    ]);
  });

  it('says so when there are no runs', async () => {
    db.on(QueryCommand).resolves({ Items: [] });
    const { io, out } = capture();

    expect(await runsListCommand({ ...OPTIONS, datasetGroup: 'shop' }, io)).toBe(0);

    expect(out).toEqual(['No runs.']);
  });
});

describe('mpx runs show', () => {
  const step = (stepId: string, fields: Record<string, unknown>) => ({
    pk: 'RUN#run-b',
    sk: `STEP#${stepId}`,
    kind: stepId.split(':')[0],
    name: stepId.split(':')[1] ?? stepId,
    openDependencies: 0,
    dependents: [],
    desired: {},
    inputs: {},
    polls: 0,
    ...fields,
  });

  beforeEach(() => {
    db.on(GetCommand).resolves({ Item: finished });
    db.on(QueryCommand).resolves({
      Items: [
        step('datasetImportJob:interactions', {
          status: 'FAILED',
          arn: 'arn:aws:personalize:us-east-1:123456789012:dataset-import-job/shop-interactions_2026_11_28_12_00_01',
          polls: 4,
          startedAt: '2026-11-28T12:00:01.000Z',
          finishedAt: '2026-11-28T12:10:01.000Z',
          failureReason: 'row 2, column TIMESTAMP: "x" is not an integer (type long)',
        }),
        step('solutionVersion:up', { status: 'SKIPPED', skipReason: 'datasetImportJob:interactions failed' }),
        step('notify', { status: 'WAITING' }),
      ],
    });
  });

  it('--json prints the run and every step with all nine keys: the failed step’s failureReason, nulls where unknown', async () => {
    const { io, out, err } = capture();

    const code = await runsShowCommand('run-b', { ...OPTIONS, json: true }, io);

    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out).toEqual([
      '{"runId":"run-b","datasetGroup":"shop","status":"FAILED","steps":[' +
        '{"stepId":"datasetImportJob:interactions","kind":"datasetImportJob","name":"interactions","status":"FAILED","arn":"arn:aws:personalize:us-east-1:123456789012:dataset-import-job/shop-interactions_2026_11_28_12_00_01","polls":4,"startedAt":"2026-11-28T12:00:01.000Z","finishedAt":"2026-11-28T12:10:01.000Z","failureReason":"row 2, column TIMESTAMP: \\"x\\" is not an integer (type long)"},' +
        '{"stepId":"solutionVersion:up","kind":"solutionVersion","name":"up","status":"SKIPPED","arn":null,"polls":0,"startedAt":null,"finishedAt":null,"failureReason":"skipped: datasetImportJob:interactions failed"},' +
        '{"stepId":"notify","kind":"notify","name":"notify","status":"WAITING","arn":null,"polls":0,"startedAt":null,"finishedAt":null,"failureReason":null}]}',
    ]);
  });

  it('prints the run and a line per step as text, with the failure’s reason', async () => {
    const { io, out } = capture();

    expect(await runsShowCommand('run-b', OPTIONS, io)).toBe(0);

    expect(out).toEqual([
      'Run run-b (shop, upload s3://bucket/train/shop/config.json): FAILED',
      '  FAILED   datasetImportJob:interactions  polls 4 600s  arn:aws:personalize:us-east-1:123456789012:dataset-import-job/shop-interactions_2026_11_28_12_00_01  — row 2, column TIMESTAMP: "x" is not an integer (type long)',
      '  SKIPPED  solutionVersion:up  polls 0  — skipped: datasetImportJob:interactions failed',
      '  WAITING  notify  polls 0',
    ]);
  });
});
