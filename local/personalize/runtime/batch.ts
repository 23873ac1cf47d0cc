import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PersonalizeApiError } from '../errors.js';
import type { Deployment, RuntimeBackend, Scored } from './http.js';

/**
 * Batch inference and batch segment jobs: JSON Lines from the input path (a
 * file or a folder), one `<input file name>.out` per input file and a `_CHECK`
 * marker in the output folder, written through the S3 API. A bad line gets an
 * `error` in its output line; the job goes on.
 */

/** What batch jobs need: the runtime's recommend, rank and filter, plus user segments. */
export interface BatchBackend extends Pick<RuntimeBackend, 'recommend' | 'rank' | 'filter'> {
  segment(
    deployment: Deployment,
    query: { itemId?: string; itemAttributes?: string },
    numResults: number,
  ): Promise<Scored[]>;
}

export interface BatchJob {
  readonly kind: 'batchInferenceJob' | 'batchSegmentJob';
  readonly deployment: Deployment;
  readonly inputPath: string;
  readonly outputPath: string;
  readonly numResults: number;
  readonly filterArn?: string;
}

export type BatchResult =
  | { ok: true; files: number; lines: number; errors: number }
  | { ok: false; failureReason: string };

function split(uri: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return match ? { bucket: match[1] as string, key: match[2] as string } : undefined;
}

async function inputKeys(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  if (key !== '' && !key.endsWith('/')) return [key];
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

async function answer(
  job: BatchJob,
  backend: BatchBackend,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const values = input.filterValues as Record<string, string> | undefined;
  const { deployment } = job;
  const userId = typeof input.userId === 'string' ? input.userId : undefined;
  const itemId = typeof input.itemId === 'string' ? input.itemId : undefined;
  const keep = await backend.filter(deployment, job.filterArn, values, {
    ...(userId ? { userId } : {}),
    ...(itemId ? { itemId } : {}),
  });
  const scored = deployment.recipe.scored;
  const items = (list: Scored[]) => ({
    recommendedItems: list.map((s) => s.id),
    ...(scored ? { scores: list.map((s) => s.score ?? 0) } : {}),
  });
  if (job.kind === 'batchSegmentJob') {
    const attributes = typeof input.itemAttributes === 'string' ? input.itemAttributes : undefined;
    if (!itemId && !attributes) throw new Error('each line needs an itemId or itemAttributes');
    const users = await backend.segment(
      deployment,
      { ...(itemId ? { itemId } : {}), ...(attributes ? { itemAttributes: attributes } : {}) },
      job.numResults,
    );
    return { recommendedUsers: users.map((u) => u.id), ...(scored ? { scores: users.map((u) => u.score ?? 0) } : {}) };
  }
  switch (deployment.recipe.recipeType) {
    case 'PERSONALIZED_RANKING': {
      if (!userId || !Array.isArray(input.itemList)) throw new Error('each line needs a userId and an itemList');
      return items(await backend.rank(deployment, userId, input.itemList as string[], keep));
    }
    case 'RELATED_ITEMS':
      if (!itemId) throw new Error('each line needs an itemId');
      return items(await backend.recommend(deployment, { itemId, numResults: job.numResults, keep }));
    default:
      if (!userId) throw new Error('each line needs a userId');
      return items(await backend.recommend(deployment, { userId, numResults: job.numResults, keep }));
  }
}

/** Runs a batch job end to end. Never throws for bad input data; S3 failures fail the job with a reason. */
export async function runBatchJob(
  job: BatchJob,
  s3: S3Client,
  backend: BatchBackend,
  signal?: AbortSignal,
): Promise<BatchResult> {
  const input = split(job.inputPath);
  const output = split(job.outputPath);
  if (!input || !output)
    return { ok: false, failureReason: `Invalid S3 path: ${!input ? job.inputPath : job.outputPath}` };
  const prefix = output.key === '' || output.key.endsWith('/') ? output.key : `${output.key}/`;
  let keys: string[];
  try {
    keys = await inputKeys(s3, input.bucket, input.key);
  } catch (error) {
    return { ok: false, failureReason: `Cannot read the input ${job.inputPath}: ${(error as Error).name}` };
  }
  if (keys.length === 0) return { ok: false, failureReason: `The input ${job.inputPath} has no files` };
  let lines = 0;
  let errors = 0;
  for (const key of keys) {
    let body: Readable;
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
      body = object.Body as Readable;
    } catch (error) {
      return {
        ok: false,
        failureReason: `Cannot read the input s3://${input.bucket}/${key}: ${(error as Error).name}`,
      };
    }
    const out: string[] = [];
    for await (const line of createInterface({ input: body, crlfDelay: Number.POSITIVE_INFINITY })) {
      if (signal?.aborted) throw signal.reason;
      if (line.trim() === '') continue;
      lines += 1;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
          throw new Error('each line must be a JSON object');
        const result = await answer(job, backend, parsed as Record<string, unknown>);
        out.push(JSON.stringify({ input: parsed, output: result, error: null }));
      } catch (error) {
        errors += 1;
        const message = error instanceof PersonalizeApiError || error instanceof Error ? error.message : String(error);
        out.push(JSON.stringify({ input: parsed ?? line, output: null, error: message }));
      }
    }
    const name = key.split('/').pop() as string;
    const text = out.length > 0 ? `${out.join('\n')}\n` : '';
    // An explicit length: the SDK sends none for an empty body and then warns about streams.
    await s3.send(
      new PutObjectCommand({
        Bucket: output.bucket,
        Key: `${prefix}${name}.out`,
        Body: text,
        ContentLength: Buffer.byteLength(text),
      }),
    );
  }
  await s3.send(new PutObjectCommand({ Bucket: output.bucket, Key: `${prefix}_CHECK`, Body: '', ContentLength: 0 }));
  return { ok: true, files: keys.length, lines, errors };
}
