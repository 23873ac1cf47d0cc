import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * The one place that builds AWS SDK clients. Endpoints come from the SDK's own
 * configuration (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`), so the same
 * code talks to AWS or to the local cloud without a branch. Clients are built
 * once per process and reused across invocations.
 */

const shared = { maxAttempts: 5, retryMode: 'adaptive' } as const;

const cache = new Map<string, unknown>();

function memo<T>(name: string, build: () => T): T {
  if (!cache.has(name)) cache.set(name, build());
  return cache.get(name) as T;
}

export const s3Client = (): S3Client =>
  memo('s3', () => new S3Client({ ...shared, forcePathStyle: process.env.MPX_S3_FORCE_PATH_STYLE === 'true' }));

export const snsClient = (): SNSClient => memo('sns', () => new SNSClient(shared));
