import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidS3UriError, listCsvObjects, parseS3Uri } from '../../../local/personalize/import/data-location.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

let harness: S3Harness;
let s3: S3Client;
const BUCKET = 'data';

const put = (key: string, body = 'USER_ID,ITEM_ID,TIMESTAMP\n') =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));

beforeAll(async () => {
  harness = await startS3(BUCKET);
  s3 = harness.client;
});

afterAll(async () => {
  await harness.stop();
});

describe('parseS3Uri', () => {
  it.each([
    ['s3://data/train/g/interactions.csv', { bucket: 'data', key: 'train/g/interactions.csv' }],
    ['s3://data/train/g/interactions/', { bucket: 'data', key: 'train/g/interactions/' }],
    ['s3://my.bucket-1/a b/c,d.csv', { bucket: 'my.bucket-1', key: 'a b/c,d.csv' }],
    ['s3://data/', { bucket: 'data', key: '' }],
    ['s3://data', { bucket: 'data', key: '' }],
  ])('splits %s into bucket and key', (uri, expected) => {
    expect(parseS3Uri(uri)).toEqual(expected);
  });

  it.each([
    'https://data.s3.amazonaws.com/key.csv',
    'S3://data/key.csv',
    's3:/data/key.csv',
    's3:///key.csv',
    's3://Data/key.csv',
    's3://a/key.csv',
    'data/key.csv',
    '',
  ])('rejects %j', (uri) => {
    expect(() => parseS3Uri(uri)).toThrow(InvalidS3UriError);
    expect(() => parseS3Uri(uri)).toThrow(
      `Invalid data location ${JSON.stringify(uri)}: expected s3://<bucket>/<key or folder/>`,
    );
  });
});

describe('listCsvObjects', () => {
  it('resolves a single object, whatever its extension, with its size', async () => {
    await put('single/interactions.txt', 'USER_ID\n');
    expect(await listCsvObjects(s3, 's3://data/single/interactions.txt')).toEqual({
      ok: true,
      objects: [{ bucket: BUCKET, key: 'single/interactions.txt', size: 8 }],
    });
  });

  it('resolves a folder to its .csv objects sorted by key, across ListObjectsV2 pages', async () => {
    for (const key of ['part-10.csv', 'part-02.CSV', 'part-01.csv', 'notes.txt', 'part-03.csv', 'nested/part-00.csv']) {
      await put(`folder/interactions/${key}`);
    }
    await put('folder/interactions-other.csv');

    const listing = await listCsvObjects(s3, 's3://data/folder/interactions/', { pageSize: 2 });

    expect(listing.ok && listing.objects.map((object) => object.key)).toEqual([
      'folder/interactions/part-01.csv',
      'folder/interactions/part-02.CSV',
      'folder/interactions/part-03.csv',
      'folder/interactions/part-10.csv',
    ]);
  });

  it.each([
    ['a missing object', 's3://data/missing/interactions.csv'],
    ['a missing bucket', 's3://no-such-bucket/interactions.csv'],
    ['a missing folder', 's3://data/missing/'],
    ['a folder without CSV objects', 's3://data/text-only/'],
    ['a folder named without its trailing slash', 's3://data/text-only'],
  ])('fails for %s', async (_, location) => {
    await put('text-only/readme.txt');
    expect(await listCsvObjects(s3, location)).toEqual({
      ok: false,
      failureReason: `Input data location ${location} does not exist or has no CSV files`,
    });
  });

  it('fails for a location that is not an S3 URI', async () => {
    expect(await listCsvObjects(s3, 'https://example.com/data.csv')).toEqual({
      ok: false,
      failureReason: 'Invalid data location "https://example.com/data.csv": expected s3://<bucket>/<key or folder/>',
    });
  });
});
