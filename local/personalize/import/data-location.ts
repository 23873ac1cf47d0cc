import { HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';

/**
 * Where a dataset import job reads its CSV: `dataSource.dataLocation` is either
 * one object (`s3://bucket/train/g/interactions.csv`) or a folder ending in `/`
 * (`s3://bucket/train/g/interactions/`) whose `.csv` objects are the parts of
 * one dataset.
 */

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

export interface CsvObject extends S3Location {
  readonly size: number;
}

/** The objects to import, or why there are none (never thrown: it becomes the job's failureReason). */
export type CsvObjectListing =
  | { readonly ok: true; readonly objects: readonly CsvObject[] }
  | { readonly ok: false; readonly failureReason: string };

/** Thrown by {@link parseS3Uri} for anything that is not `s3://<bucket>[/<key>]`. */
export class InvalidS3UriError extends Error {
  override readonly name = 'InvalidS3UriError';
  constructor(readonly uri: string) {
    super(`Invalid data location ${JSON.stringify(uri)}: expected s3://<bucket>/<key or folder/>`);
  }
}

// S3 bucket naming rules, without the rarely used legacy forms (uppercase, underscores).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Splits `s3://bucket/key` into bucket and key. `s3://bucket` and `s3://bucket/`
 * name the bucket root (key `''`).
 *
 * @throws InvalidS3UriError when the scheme is not `s3://` or the bucket name is not a valid S3 bucket name.
 */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/s.exec(uri);
  const bucket = match?.[1];
  if (bucket === undefined || !BUCKET.test(bucket)) throw new InvalidS3UriError(uri);
  return { bucket, key: match?.[2] ?? '' };
}

/** A folder location names the bucket root or ends with `/`, as in Personalize. */
export const isFolderKey = (key: string): boolean => key === '' || key.endsWith('/');

/** The `s3://bucket/key` form used in failure reasons. */
export const s3Uri = ({ bucket, key }: S3Location): string => `s3://${bucket}/${key}`;

const notFoundReason = (location: string): string =>
  `Input data location ${location} does not exist or has no CSV files`;

/**
 * The failure reason Personalize would give for an S3 error while reading
 * `location`, or undefined when the error is not about the data (throttling,
 * network: the caller should let it propagate).
 */
export function s3FailureReason(error: unknown, location: string): string | undefined {
  const name = error instanceof Error ? error.name : '';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (['NotFound', 'NoSuchKey', 'NoSuchBucket'].includes(name) || status === 404) return notFoundReason(location);
  if (['AccessDenied', 'Forbidden', 'AllAccessDisabled'].includes(name) || status === 403) {
    return `Insufficient privileges for accessing data in ${location}`;
  }
  return undefined;
}

export interface ListCsvObjectsOptions {
  /** ListObjectsV2 page size (MaxKeys); S3's default is 1000. */
  readonly pageSize?: number;
}

/**
 * Resolves a Personalize `dataLocation` to the CSV objects to import, sorted by key.
 * A folder contributes its direct `.csv` children (case-insensitive extension;
 * sub-folders are not read); a single object is used whatever its extension.
 * Uses only the client passed in, so the caller decides the endpoint.
 *
 * Returns `ok: false` with a Personalize-like reason for a malformed location, a
 * missing bucket or object, a folder without CSV objects, or denied access.
 *
 * @throws the SDK error for anything else (throttling, network), so the job can be retried.
 */
export async function listCsvObjects(
  s3: S3Client,
  dataLocation: string,
  options: ListCsvObjectsOptions = {},
): Promise<CsvObjectListing> {
  let location: S3Location;
  try {
    location = parseS3Uri(dataLocation);
  } catch (error) {
    if (error instanceof InvalidS3UriError) return { ok: false, failureReason: error.message };
    throw error;
  }
  try {
    if (!isFolderKey(location.key)) {
      const head = await s3.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return { ok: true, objects: [{ ...location, size: head.ContentLength ?? 0 }] };
    }
    const objects: CsvObject[] = [];
    const pages = paginateListObjectsV2(
      { client: s3, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) },
      { Bucket: location.bucket, Prefix: location.key, Delimiter: '/' },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || !key.toLowerCase().endsWith('.csv')) continue;
        objects.push({ bucket: location.bucket, key, size: object.Size ?? 0 });
      }
    }
    if (objects.length === 0) return { ok: false, failureReason: notFoundReason(dataLocation) };
    objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { ok: true, objects };
  } catch (error) {
    const failureReason = s3FailureReason(error, dataLocation);
    if (failureReason !== undefined) return { ok: false, failureReason };
    throw error;
  }
}
