import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectTaggingCommand,
  paginateListObjectsV2,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectCreatedEvent } from '../../../local/services/index.js';
import { type ServicesHarness, startServices, testBytes } from './harness.js';

let h: ServicesHarness;
let created: ObjectCreatedEvent[] = [];
const MiB = 1024 * 1024;

beforeAll(async () => {
  h = await startServices();
  h.services.onObjectCreated((event) => {
    created.push(event);
  });
  await h.s3.send(new CreateBucketCommand({ Bucket: 'data' }));
});

beforeEach(() => {
  created = [];
});

afterAll(async () => {
  await h.dispose();
});

async function getBytes(key: string, bucket = 'data') {
  const object = await h.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { object, bytes: Buffer.from((await object.Body?.transformToByteArray()) ?? []) };
}

async function multipart(key: string, parts: Buffer[]) {
  const { UploadId } = await h.s3.send(
    new CreateMultipartUploadCommand({ Bucket: 'data', Key: key, ContentType: 'text/csv' }),
  );
  const done = [];
  for (const [index, part] of parts.entries()) {
    const { ETag } = await h.s3.send(
      new UploadPartCommand({ Bucket: 'data', Key: key, UploadId, PartNumber: index + 1, Body: part }),
    );
    done.push({ ETag, PartNumber: index + 1 });
  }
  return h.s3.send(
    new CompleteMultipartUploadCommand({ Bucket: 'data', Key: key, UploadId, MultipartUpload: { Parts: done } }),
  );
}

describe('PutObject and GetObject', () => {
  it('stores the exact bytes of a streamed body sent with the default CRC32 checksum (aws-chunked)', async () => {
    const body = testBytes(300_000);
    const requestsBefore = h.edge.requests.length;

    await h.s3.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'train/streamed.bin',
        Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]),
        ContentLength: body.length,
        ContentType: 'application/x-test',
        Metadata: { origin: 'conformance' },
      }),
    );

    const put = h.edge.requests.slice(requestsBefore).find((r) => r.method === 'PUT');
    expect(put?.headers['content-encoding']).toContain('aws-chunked');
    expect(put?.headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    const { object, bytes } = await getBytes('train/streamed.bin');
    expect(bytes.equals(body)).toBe(true);
    expect(object.ContentType).toBe('application/x-test');
    expect(object.Metadata).toEqual({ origin: 'conformance' });
  });

  it('stores a buffer body byte for byte', async () => {
    const body = testBytes(4096, 7);
    await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'plain.bin', Body: body }));
    expect((await getBytes('plain.bin')).bytes.equals(body)).toBe(true);
  });
});

describe('multipart upload', () => {
  it('assembles an object larger than the 11 MiB single-body limit from its parts', async () => {
    const parts = [testBytes(5 * MiB, 1), testBytes(5 * MiB, 2), testBytes(2 * MiB, 3)];

    const completed = await multipart('train/big.csv', parts);

    expect(completed.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const { object, bytes } = await getBytes('train/big.csv');
    expect(bytes.equals(Buffer.concat(parts))).toBe(true);
    expect(object.ContentType).toBe('text/csv');
    expect(created).toEqual([
      expect.objectContaining({
        key: 'train/big.csv',
        size: 12 * MiB,
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        eTag: completed.ETag?.replaceAll('"', ''),
      }),
    ]);
  });

  it('is the only way past fauxqs, which refuses single request bodies over 11 MiB', async () => {
    await expect(
      h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'too-big.bin', Body: Buffer.alloc(11 * MiB + 1) })),
    ).rejects.toMatchObject({ name: 'EntityTooLarge' });
    await expect(h.s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'too-big.bin' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});

describe('ListObjectsV2', () => {
  const keys = ['list/a.json', 'list/B.json', 'list/b.json', 'list/dir/x.json', 'list/é.json', 'list/z.json'];

  beforeAll(async () => {
    for (const key of [...keys, 'other/a.json']) {
      await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: key }));
    }
  });

  it('pages through a prefix in UTF-8 byte order without skipping or repeating keys', async () => {
    const listed: string[] = [];
    for await (const page of paginateListObjectsV2(
      { client: h.s3, pageSize: 2 },
      { Bucket: 'data', Prefix: 'list/', MaxKeys: 2 },
    )) {
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      listed.push(...(page.Contents ?? []).map((o) => o.Key as string));
    }

    // 'B' (0x42) < 'a' (0x61) < 'z' < 'é' (0xC3 0xA9) in bytes; locale order would differ.
    expect(listed).toEqual([
      'list/B.json',
      'list/a.json',
      'list/b.json',
      'list/dir/x.json',
      'list/z.json',
      'list/é.json',
    ]);
  });

  it('groups keys under a delimiter into common prefixes', async () => {
    const page = await h.s3.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'list/', Delimiter: '/' }));

    expect(page.CommonPrefixes).toEqual([{ Prefix: 'list/dir/' }]);
    expect(page.Contents?.map((o) => o.Key)).not.toContain('list/dir/x.json');
  });
});

describe('CopyObject', () => {
  beforeAll(async () => {
    await h.s3.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'copy/source.json',
        Body: '{"a":1}',
        ContentType: 'application/json',
        Metadata: { owner: 'team-a' },
      }),
    );
  });

  it('copies bytes, content type and metadata by default', async () => {
    await h.s3.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'copy/target.json', CopySource: 'data/copy/source.json' }),
    );

    const { object, bytes } = await getBytes('copy/target.json');
    expect(bytes.toString()).toBe('{"a":1}');
    expect(object.ContentType).toBe('application/json');
    expect(object.Metadata).toEqual({ owner: 'team-a' });
    expect(created.map((e) => [e.key, e.eventName])).toEqual([['copy/target.json', 'ObjectCreated:Copy']]);
  });

  it('replaces content type and metadata with MetadataDirective REPLACE', async () => {
    await h.s3.send(
      new CopyObjectCommand({
        Bucket: 'data',
        Key: 'copy/replaced.txt',
        CopySource: 'data/copy/source.json',
        MetadataDirective: 'REPLACE',
        ContentType: 'text/plain',
        Metadata: { owner: 'team-b' },
      }),
    );

    const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy/replaced.txt' }));
    expect(head.ContentType).toBe('text/plain');
    expect(head.Metadata).toEqual({ owner: 'team-b' });
  });

  it('refuses to copy an object onto itself without changing anything, as S3 does', async () => {
    await expect(
      h.s3.send(
        new CopyObjectCommand({ Bucket: 'data', Key: 'copy/source.json', CopySource: 'data/copy/source.json' }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
  });

  it('answers NoSuchKey for a missing source', async () => {
    await expect(
      h.s3.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy/x', CopySource: 'data/copy/missing.json' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('DeleteObject', () => {
  it('removes the object', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'delete/me.txt', Body: 'x' }));

    await h.s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'delete/me.txt' }));

    await expect(h.s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'delete/me.txt' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});

describe('what fauxqs does not implement', () => {
  it('answers NotImplemented to a sub-resource request rather than misread it (PutObjectTagging is no PutObject)', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'tagged.json', Body: '{"keep":"me"}' }));

    await expect(
      h.s3.send(
        new PutObjectTaggingCommand({
          Bucket: 'data',
          Key: 'tagged.json',
          Tagging: { TagSet: [{ Key: 'a', Value: 'b' }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'NotImplemented' });
    expect((await getBytes('tagged.json')).bytes.toString()).toBe('{"keep":"me"}');
  });

  it('answers GetBucketLocation (us-east-1 is an empty constraint)', async () => {
    const { LocationConstraint } = await h.s3.send(new GetBucketLocationCommand({ Bucket: 'data' }));

    expect(LocationConstraint ?? '').toBe('');
  });
});

describe('onObjectCreated', () => {
  it('fires once per created object, before the request is answered, with the key encoded as S3 events carry it', async () => {
    const key = 'train/my group/config ü €.json';

    const put = await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: '{"x":true}' }));

    expect(created).toHaveLength(1);
    const [event] = created as [ObjectCreatedEvent];
    expect(event).toMatchObject({
      bucket: 'data',
      rawKey: key,
      size: 10,
      eTag: put.ETag?.replaceAll('"', ''),
      eventName: 'ObjectCreated:Put',
    });
    expect(event.key).toBe('train/my+group/config+%C3%BC+%E2%82%AC.json');
    expect(decodeURIComponent(event.key.replace(/\+/g, ' '))).toBe(key);
    expect(event.versionId).toBeUndefined();
  });

  it('keeps a literal plus distinguishable from an encoded space', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'a+b c', Body: 'x' }));

    expect(created.map((e) => e.key)).toEqual(['a%2Bb+c']);
  });

  it('orders events by a strictly increasing hex sequencer', async () => {
    for (const key of ['seq/1', 'seq/2', 'seq/3']) {
      await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: key }));
    }

    const sequencers = created.map((e) => e.sequencer);
    expect(sequencers).toHaveLength(3);
    for (const s of sequencers) expect(s).toMatch(/^[0-9A-F]+$/);
    expect([...sequencers].sort()).toEqual(sequencers);
    expect(new Set(sequencers).size).toBe(3);
  });

  it('lets a listener write through the services, as the notification path does, before the upload is answered', async () => {
    const { QueueUrl } = await h.sqs.send(new CreateQueueCommand({ QueueName: 'object-created' }));
    const unsubscribe = h.services.onObjectCreated(async (event) => {
      if (!event.rawKey.startsWith('notify/')) return;
      await h.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: event.key }));
      await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: `receipts/${event.rawKey}`, Body: 'seen' }));
    });
    try {
      await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'notify/a b.json', Body: '{}' }));

      const { Messages } = await h.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
      expect(Messages?.map((m) => m.Body)).toEqual(['notify/a+b.json']);
      expect((await getBytes('receipts/notify/a b.json')).bytes.toString()).toBe('seen');
    } finally {
      unsubscribe();
    }
  });

  it('does not fire for deletes or failed puts, and stops after unsubscribing', async () => {
    const other: ObjectCreatedEvent[] = [];
    const unsubscribe = h.services.onObjectCreated((event) => {
      other.push(event);
    });
    await h.s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'seq/1' }));
    await expect(
      h.s3.send(new PutObjectCommand({ Bucket: 'missing-bucket', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
    unsubscribe();
    await h.s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'after', Body: 'x' }));

    expect(other).toEqual([]);
    expect(created.map((e) => e.rawKey)).toEqual(['after']);
  });
});
