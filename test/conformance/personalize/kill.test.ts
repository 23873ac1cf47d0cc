import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS } from '../../support/personalize.js';
import { interactionsCsv, type S3Harness, startS3 } from '../../support/s3.js';
import { INTERACTIONS_SCHEMA } from './fixtures.js';

const bin = fileURLToPath(new URL('../../../bin/mpx.js', import.meta.url));
let s3: S3Harness;
let dataDir: string;

/** `mpx local personalize` in a child process; resolves with its endpoint once it listens. */
async function startProcess(): Promise<{ child: ChildProcess; client: PersonalizeClient }> {
  const child = spawn(
    process.execPath,
    [bin, 'local', 'personalize', '--port', '0', '--data-dir', dataDir, '--profile', 'realistic', '--speed', '600'],
    {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        ...Object.fromEntries(
          Object.entries(TEST_CREDENTIALS).map(([k, v]) => [
            k === 'accessKeyId' ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY',
            v,
          ]),
        ),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`mpx local personalize exited with ${code}`)));
  });
  return {
    child,
    client: new PersonalizeClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 }),
  };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  s3 = await startS3();
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-kill-'));
});

afterAll(async () => {
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('kill -9 and restart on the same data directory', () => {
  it('loses nothing ACTIVE and finishes what was in flight', { timeout: 60_000 }, async () => {
    await s3.put('train/crash/interactions.csv', interactionsCsv(60, 20));
    const first = await startProcess();
    const c1 = first.client;
    const { datasetGroupArn } = await c1.send(new CreateDatasetGroupCommand({ name: 'crash' }));
    await until(
      () => c1.send(new DescribeDatasetGroupCommand({ datasetGroupArn })).then((r) => r.datasetGroup?.status),
      (s) => s === 'ACTIVE',
    );
    const { schemaArn } = await c1.send(
      new CreateSchemaCommand({ name: 'crash-interactions', schema: INTERACTIONS_SCHEMA }),
    );
    const { datasetArn } = await c1.send(
      new CreateDatasetCommand({ name: 'crash-i', datasetGroupArn, datasetType: 'Interactions', schemaArn }),
    );
    await new Promise((r) => setTimeout(r, 200));
    const { datasetImportJobArn } = await until(
      () =>
        c1
          .send(
            new CreateDatasetImportJobCommand({
              jobName: 'crash-import',
              datasetArn,
              dataSource: { dataLocation: 's3://data/train/crash/interactions.csv' },
            }),
          )
          .catch(() => ({ datasetImportJobArn: undefined })),
      (r) => r.datasetImportJobArn !== undefined,
    );
    const { solutionArn } = await c1.send(
      new CreateSolutionCommand({
        name: 'crash-sims',
        datasetGroupArn,
        recipeArn: 'arn:aws:personalize:::recipe/aws-sims',
      }),
    );
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    c1.destroy();

    const second = await startProcess();
    try {
      const c2 = second.client;
      expect((await c2.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))).datasetGroup?.status).toBe('ACTIVE');
      const job = await until(
        () =>
          c2.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })).then((r) => r.datasetImportJob?.status),
        (s) => s === 'ACTIVE' || s === 'CREATE FAILED',
      );
      expect(job).toBe('ACTIVE');
      await new Promise((r) => setTimeout(r, 100));
      const { solutionVersionArn } = await until(
        () =>
          c2.send(new CreateSolutionVersionCommand({ solutionArn })).catch(() => ({ solutionVersionArn: undefined })),
        (r) => r.solutionVersionArn !== undefined,
      );
      await new Promise((r) => setTimeout(r, 300));
      second.child.kill('SIGKILL');
      await new Promise((r) => second.child.once('exit', r));
      c2.destroy();

      const third = await startProcess();
      try {
        const version = await until(
          () =>
            third.client
              .send(new DescribeSolutionVersionCommand({ solutionVersionArn }))
              .then((r) => r.solutionVersion?.status),
          (s) => s === 'ACTIVE' || s === 'CREATE FAILED',
        );
        expect(version).toBe('ACTIVE');
      } finally {
        third.child.kill('SIGKILL');
        third.client.destroy();
      }
    } finally {
      second.child.kill('SIGKILL');
    }
  });
});
