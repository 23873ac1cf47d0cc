import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { importDataset } from '../local/personalize/import/csv-import.js';
import { readDatasetRows } from '../local/personalize/import/read-dataset.js';
import { checkDatasetSchema } from '../shared/personalize/dataset-schema.js';
import { median } from './stats.js';

/**
 * Dataset import of a 1,000,000-row interactions CSV (~50k users, ~10k items)
 * from S3 (fauxqs) into a normalized file, then reading it back. Reports
 * throughput and memory: peak RSS sampled every 50 ms during the import, and
 * the process's maximum RSS so far. fauxqs runs in a child process so the
 * object it keeps in memory does not count in these figures.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUCKET = 'bench';
const KEY = 'train/bench-group/interactions.csv';
const PART_BYTES = 8 * 1024 * 1024; // fauxqs accepts request bodies up to 11 MiB
const MB = 1024 * 1024;

const schemaCheck = checkDatasetSchema(
  {
    type: 'record',
    name: 'Interactions',
    namespace: 'com.amazonaws.personalize.schema',
    fields: [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      { name: 'EVENT_TYPE', type: 'string' },
    ],
    version: '1.0',
  },
  'interactions',
);
if (!schemaCheck.ok) throw new Error(`benchmark schema is invalid: ${JSON.stringify(schemaCheck.problems)}`);
const schema = schemaCheck.schema;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run imports the same file. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Streams `rows` interactions to `file`; returns its size in bytes. */
async function writeInteractions(file: string, rows: number): Promise<number> {
  const next = random(42);
  const events = ['click', 'click', 'click', 'view', 'purchase'];
  const out = createWriteStream(file);
  let bytes = 0;
  let batch = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n';
  for (let row = 0; row < rows; row += 1) {
    const user = Math.floor(next() * 50_000);
    const item = Math.floor(next() ** 2 * 10_000); // a popular head and a long tail
    batch += `user-${user},item-${item},${1_700_000_000 + Math.floor(row / 10)},${events[Math.floor(next() * events.length)]}\n`;
    if (batch.length > 1 << 20 || row === rows - 1) {
      bytes += Buffer.byteLength(batch);
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end();
  await finished(out);
  return bytes;
}

/** Multipart upload straight from the file, one read stream per part. */
async function upload(s3: S3Client, file: string, size: number): Promise<void> {
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: KEY }));
  const parts = [];
  for (let start = 0, number = 1; start < size; start += PART_BYTES, number += 1) {
    const end = Math.min(size, start + PART_BYTES);
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: KEY,
        UploadId,
        PartNumber: number,
        Body: createReadStream(file, { start, end: end - 1 }),
        ContentLength: end - start,
      }),
    );
    parts.push({ ETag, PartNumber: number });
  }
  await s3.send(
    new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: KEY, UploadId, MultipartUpload: { Parts: parts } }),
  );
}

/** fauxqs in its own process; resolves with its endpoint. */
async function startFauxqsProcess(): Promise<{ endpoint: string; child: ChildProcess }> {
  const script = `import { startFauxqs } from 'fauxqs';
const server = await startFauxqs({ port: 0, logger: false });
console.log(server.address);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const [endpoint] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`fauxqs exited with code ${code} before listening`);
    }),
  ])) as [string];
  return { endpoint, child };
}

/**
 * Runs the benchmark (`quick`: 200,000 rows instead of 1,000,000).
 *
 * @throws when the import fails or reads back a different row count: a broken run must not report figures.
 */
export async function runImportBench(quick: boolean): Promise<Record<string, number>> {
  const rows = quick ? 200_000 : 1_000_000;
  const folder = await mkdtemp(join(tmpdir(), 'mpx-import-bench-'));
  const { endpoint, child } = await startFauxqsProcess();
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  try {
    const csv = join(folder, 'interactions.csv');
    const inputBytes = await writeInteractions(csv, rows);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await upload(s3, csv, inputBytes);

    const imports: number[] = [];
    const reads: number[] = [];
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    let outputBytes = 0;
    for (let run = 0; run < (quick ? 1 : 3); run += 1) {
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }, 50);
      const started = process.hrtime.bigint();
      const result = await importDataset({
        s3,
        dataLocation: `s3://${BUCKET}/${KEY}`,
        schema,
        kind: 'interactions',
        outFile: join(folder, 'out', `interactions-${run}.csv`),
      }).finally(() => clearInterval(sampler));
      imports.push(Number(process.hrtime.bigint() - started) / 1e9);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (!result.ok) throw new Error(`benchmark import failed: ${result.failureReason}`);
      if (result.rows !== rows) throw new Error(`benchmark imported ${result.rows} rows, expected ${rows}`);
      outputBytes = result.bytes;

      const readStarted = process.hrtime.bigint();
      let read = 0;
      for await (const _row of readDatasetRows([result.file], schema)) read += 1;
      reads.push(Number(process.hrtime.bigint() - readStarted) / 1e9);
      if (read !== rows) throw new Error(`benchmark read ${read} rows, expected ${rows}`);
    }
    const seconds = median(imports);
    const readSeconds = median(reads);
    return {
      rows,
      runs: imports.length,
      inputMb: inputBytes / MB,
      outputMb: outputBytes / MB,
      medianSeconds: seconds,
      rowsPerSecond: rows / seconds,
      rssBeforeMb: rssBefore / MB,
      peakRssMb: peakRss / MB,
      peakRssGrowthMb: (peakRss - rssBefore) / MB,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      medianReadSeconds: readSeconds,
      readRowsPerSecond: rows / readSeconds,
    };
  } finally {
    s3.destroy();
    child.kill();
    await rm(folder, { recursive: true, force: true });
  }
}
