import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uploadCommand } from '../../../cli/commands/upload.js';
import { main } from '../../../cli/main.js';
import { generateDataset } from '../../../local/personalize/data/generate.js';
import { writeDataset } from '../../../local/personalize/data/write.js';
import type { RunRecord } from '../../../shared/state/runs.js';

/**
 * `mpx runs show|watch` and `mpx upload` on a faked stack (CloudFormation),
 * run table (DynamoDB) and bucket (S3): the failures the local cloud does not
 * produce on demand — a SUPERSEDED run, a run that never starts, an S3 upload
 * refused — each end with their exit code and one line saying what to do.
 */

const cloudFormation = mockClient(CloudFormationClient);
const db = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function mpx(...args: string[]) {
  const { io, out, err } = capture();
  const code = await main(['node', 'mpx', ...args], io);
  return { code, out, err };
}

const run = (fields: Partial<RunRecord>): RunRecord => ({
  runId: 'r1',
  datasetGroup: 'shop',
  trigger: 'upload s3://bucket/train/shop/config.json',
  status: 'RUNNING',
  startedAt: '2026-11-28T12:00:00.000Z',
  ...fields,
});

beforeEach(() => {
  cloudFormation.reset();
  db.reset();
  s3.reset();
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'mpx-dev',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'RunsTableName', OutputValue: 'runs' },
          { OutputKey: 'PersonalizeBucketName', OutputValue: 'bucket' },
        ],
      },
    ],
  });
  db.on(QueryCommand).resolves({ Items: [] });
});

describe('mpx runs show', () => {
  it('exits 1 for a run that does not exist, pointing at mpx runs list', async () => {
    db.on(GetCommand).resolves({});
    expect(await mpx('runs', 'show', 'nope')).toEqual({
      code: 1,
      out: [],
      err: ['mpx runs show: no run nope in table runs (npx mpx runs list shows the runs)'],
    });
  });

  it('shows a run from the stack’s table', async () => {
    db.on(GetCommand).resolves({ Item: run({ status: 'SUCCEEDED' }) });
    const result = await mpx('runs', 'show', 'r1');
    expect(result).toEqual({
      code: 0,
      out: ['Run r1 (shop, upload s3://bucket/train/shop/config.json): SUCCEEDED'],
      err: [],
    });
    expect(db.commandCalls(GetCommand)[0]?.args[0].input.TableName).toBe('runs');
  });
});

describe('mpx runs watch', () => {
  it.each([
    ['SUCCEEDED', 0, 'Run r1 SUCCEEDED after 5.0 s.'],
    ['FAILED', 1, 'Run r1 FAILED after 5.0 s.'],
    ['SUPERSEDED', 1, 'Run r1 SUPERSEDED by run r2 (npx mpx runs watch r2) after 5.0 s.'],
  ] as const)('a %s run exits %d', async (status, code, last) => {
    db.on(GetCommand).resolves({
      Item: run({
        status,
        finishedAt: '2026-11-28T12:00:05.000Z',
        ...(status === 'SUPERSEDED' ? { supersededBy: 'r2' } : {}),
      }),
    });
    const result = await mpx('runs', 'watch', 'r1', '--table', 'runs');
    expect(result.code).toBe(code);
    expect(result.err).toEqual([]);
    expect(result.out.at(-1)).toBe(last);
    // --table: no stack lookup.
    expect(cloudFormation.calls()).toHaveLength(0);
  });
});

describe('mpx upload, failing after the local check', () => {
  let root: string;
  let dir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mpx-upload-unit-'));
    dir = join(root, 'shop');
    await writeDataset(generateDataset({ users: 20, items: 10, interactions: 100, seed: 1 }), dir, {
      datasetGroup: 'shop',
    });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('exits 1 when an S3 upload fails, naming the file; the parameter file is not sent', async () => {
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key.endsWith('items.csv')) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
      return {};
    });
    const result = await mpx('upload', dir);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      'mpx upload: cannot upload items.csv to s3://bucket/train/shop/items.csv: Access Denied; no run started (the parameter file goes last), so upload again',
    ]);
    const keys = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input.Key);
    expect(keys).toEqual(['train/shop/interactions.csv', 'train/shop/items.csv']);
  });

  it('exits 1 when no run starts in time, saying where to look', async () => {
    s3.on(PutObjectCommand).resolves({});
    const { io, out, err } = capture();
    const code = await uploadCommand(dir, { stage: 'dev', runTimeoutMs: 0 }, io);
    expect(code).toBe(1);
    // The parameter file went last: the run it should have started is what was waited for.
    expect(out.at(-1)).toMatch(/^ {2}train\/shop\/config\.json {2}\([\d.]+ (B|KiB)\)$/);
    expect(err).toEqual([
      'mpx upload: no run of shop started within 0 s of the upload; the notification topic says why (a file the service rejects, data still missing…), and npx mpx runs list --dataset-group shop shows it once it starts',
    ]);
  });
});
