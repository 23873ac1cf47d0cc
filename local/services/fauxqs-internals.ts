import { readFile } from 'node:fs/promises';
import { type BuildAppOptions, buildApp } from 'fauxqs';
import { UnsupportedEmulatorVersionError } from './errors.js';

/**
 * The parts of fauxqs' internal stores the wrappers use. fauxqs exports only
 * `buildApp`/`startFauxqs`; persistence needs the store instances (to restore
 * messages and objects and to observe every change), so the store classes are
 * loaded from the package's files and handed to `buildApp`. These shapes were
 * read from fauxqs 1.9.2; `loadFauxqs` refuses any other version.
 */

export const FAUXQS_VERSION = '1.9.2';
/** fauxqs writes this account into every ARN and queue URL. */
export const FAUXQS_ACCOUNT = '000000000000';

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

export interface FauxqsMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, MessageAttributeValue>;
  md5OfMessageAttributes: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  delayUntil?: number;
  messageGroupId?: string;
  messageDeduplicationId?: string;
  sequenceNumber?: string;
}

export interface FauxqsQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  createdTimestamp: number;
  lastModifiedTimestamp: number;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  sequenceCounter: number;
  inflightMessages: Map<string, { message: FauxqsMessage }>;
  enqueue(message: FauxqsMessage): void;
  deleteMessage(receiptHandle: string): boolean;
  purge(): void;
  setAttributes(attributes: Record<string, string>): void;
}

export interface FauxqsSqsStore {
  host: string;
  region: string | undefined;
  queues: Map<string, FauxqsQueue>;
  createQueue(
    name: string,
    url: string,
    arn: string,
    attributes?: Record<string, string>,
    tags?: Record<string, string>,
  ): FauxqsQueue;
  deleteQueue(url: string): boolean;
  getQueue(url: string): FauxqsQueue | undefined;
  getQueueByArn(arn: string): FauxqsQueue | undefined;
  getQueueByName(name: string): FauxqsQueue | undefined;
  buildQueueUrl(name: string, port: string, requestHost: string, region: string): string;
}

export interface FauxqsTopic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  subscriptionArns: string[];
}

export interface FauxqsSubscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  confirmed: boolean;
  attributes: Record<string, string>;
}

export interface FauxqsSnsStore {
  region: string | undefined;
  topics: Map<string, FauxqsTopic>;
  subscriptions: Map<string, FauxqsSubscription>;
  createTopic(
    name: string,
    attributes?: Record<string, string>,
    tags?: Record<string, string>,
    region?: string,
  ): FauxqsTopic;
  deleteTopic(arn: string): boolean;
  subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    attributes?: Record<string, string>,
  ): FauxqsSubscription | undefined;
  unsubscribe(arn: string): boolean;
}

export interface FauxqsObject {
  key: string;
  body: Buffer;
  contentType: string;
  contentLength: number;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface FauxqsListResult {
  objects: FauxqsObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

export interface FauxqsListOptions {
  prefix?: string;
  delimiter?: string;
  maxKeys?: number;
  startAfter?: string;
  marker?: string;
}

export interface FauxqsS3Store {
  buckets: Map<string, Map<string, FauxqsObject>>;
  bucketCreationDates: Map<string, Date>;
  multipartUploads: Map<string, { bucket: string; key: string }>;
  createBucket(name: string): void;
  deleteBucket(name: string): void;
  putObject(
    bucket: string,
    key: string,
    body: Buffer,
    contentType?: string,
    metadata?: Record<string, string>,
  ): FauxqsObject;
  getObject(bucket: string, key: string): FauxqsObject;
  deleteObject(bucket: string, key: string): void;
  completeMultipartUpload(uploadId: string, parts: unknown): FauxqsObject;
  listObjects(bucket: string, options?: FauxqsListOptions): FauxqsListResult;
}

export interface FauxqsStores {
  readonly sqs: FauxqsSqsStore;
  readonly sns: FauxqsSnsStore;
  readonly s3: FauxqsS3Store;
}

export type FauxqsApp = ReturnType<typeof buildApp>;

/**
 * Creates empty fauxqs stores and the fastify app serving them (not listening).
 * @throws UnsupportedEmulatorVersionError if the installed fauxqs is not 1.9.2.
 */
export async function createFauxqs(region: string): Promise<{ app: FauxqsApp; stores: FauxqsStores }> {
  const entry = import.meta.resolve('fauxqs');
  const pkg = JSON.parse(await readFile(new URL('../package.json', entry), 'utf8')) as { version?: string };
  if (pkg.version !== FAUXQS_VERSION) {
    throw new UnsupportedEmulatorVersionError(
      `local/services wraps fauxqs ${FAUXQS_VERSION} internals; found ${pkg.version ?? 'unknown'}`,
    );
  }
  const load = async <T>(path: string, name: string): Promise<new () => T> => {
    const exported = (await import(new URL(path, entry).href)) as Record<string, new () => T>;
    const storeClass = exported[name];
    if (!storeClass) throw new UnsupportedEmulatorVersionError(`fauxqs has no ${name} in ${path}`);
    return storeClass;
  };
  const SqsStore = await load<FauxqsSqsStore>('./sqs/sqsStore.js', 'SqsStore');
  const SnsStore = await load<FauxqsSnsStore>('./sns/snsStore.js', 'SnsStore');
  const S3Store = await load<FauxqsS3Store>('./s3/s3Store.js', 'S3Store');
  await allowSupplementaryCharacters(new URL('./sqs/sqsTypes.js', entry).href);
  const stores: FauxqsStores = { sqs: new SqsStore(), sns: new SnsStore(), s3: new S3Store() };
  // Empty host: queue URLs are built from the Host header, which the wrapper sets to the public endpoint.
  stores.sqs.host = '';
  const app = buildApp({
    logger: false,
    defaultRegion: region,
    stores: {
      sqsStore: stores.sqs,
      snsStore: stores.sns,
      s3Store: stores.s3,
    } as unknown as NonNullable<BuildAppOptions['stores']>,
  });
  return { app, stores };
}

/**
 * SQS accepts #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF
 * in message bodies. fauxqs' check is a regular expression without the `u`
 * flag, so it sees the two halves of every emoji as invalid surrogates and
 * rejects the message. Its `test` is replaced by a Unicode-aware one (on that
 * one RegExp object, which SendMessage and SendMessageBatch share).
 */
async function allowSupplementaryCharacters(sqsTypesUrl: string): Promise<void> {
  const types = (await import(sqsTypesUrl)) as { INVALID_MESSAGE_BODY_CHAR?: unknown };
  const check = types.INVALID_MESSAGE_BODY_CHAR;
  if (!(check instanceof RegExp)) throw new UnsupportedEmulatorVersionError('fauxqs has no INVALID_MESSAGE_BODY_CHAR');
  const invalid = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
  Object.defineProperty(check, 'test', { value: (text: string) => invalid.test(text), configurable: true });
}
