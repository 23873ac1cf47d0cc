import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startFauxqs } from 'fauxqs';
import { TEST_CREDENTIALS } from './personalize.js';

export interface S3Harness {
  readonly endpoint: string;
  readonly client: S3Client;
  put(key: string, body: string | Buffer, bucket?: string): Promise<void>;
  stop(): Promise<void>;
}

/** An in-process S3 (fauxqs) with a bucket `data`, and a real SDK client for it. */
export async function startS3(bucket = 'data'): Promise<S3Harness> {
  const server = await startFauxqs({ port: 0, logger: false });
  const client = new S3Client({
    endpoint: server.address,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: TEST_CREDENTIALS,
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint: server.address,
    client,
    put: async (key, body, target = bucket) => {
      await client.send(new PutObjectCommand({ Bucket: target, Key: key, Body: body }));
    },
    stop: async () => {
      client.destroy();
      await server.stop();
    },
  };
}

/** Interactions CSV text: `users` users with `perUser` interactions each, over `items` items. */
export function interactionsCsv(users: number, perUser: number, items = 50, eventType = 'click'): string {
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  for (let u = 0; u < users; u += 1) {
    for (let i = 0; i < perUser; i += 1)
      lines.push(`u${u},i${(u * 7 + i * 3) % items},${1_700_000_000 + u * 100 + i},${eventType}`);
  }
  return `${lines.join('\n')}\n`;
}
