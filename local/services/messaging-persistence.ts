import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeNewFile } from './durable-fs.js';
import type {
  FauxqsListOptions,
  FauxqsListResult,
  FauxqsMessage,
  FauxqsObject,
  FauxqsQueue,
  FauxqsStores,
} from './fauxqs-internals.js';
import { Journal, type JournalStats } from './journal.js';
import {
  type BucketRecord,
  type MessageRecord,
  type MessagingEntry,
  type MessagingSnapshot,
  MessagingState,
  type ObjectRecord,
  type QueueRecord,
  type SubscriptionRecord,
  type TopicRecord,
} from './messaging-state.js';
import { compareKeys, encodeEventKey } from './s3-keys.js';

/**
 * Persistence for fauxqs. Store methods are wrapped on the instances (never on
 * the prototypes) so that every change is journaled synchronously, in the
 * order fauxqs makes it:
 * - data plane: `enqueue` (SendMessage, SendMessageBatch, SNS fan-out, moves to
 *   a DLQ), `deleteMessage`, `purge`; `putObject`, `completeMultipartUpload`,
 *   `deleteObject`;
 * - catalog (queues, topics, subscriptions, buckets): diffed against the last
 *   journaled version after every create/delete and after every control-plane
 *   request (attribute and tag changes mutate fauxqs objects in place).
 * The caller flushes the journal before answering a request, so nothing a
 * client saw acknowledged is lost; object-created listeners run after the
 * flush.
 */

export type ObjectCreatedEventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectCreated:Copy';

/** An object durably created by PutObject, CompleteMultipartUpload or CopyObject. */
export interface ObjectCreatedEvent {
  readonly bucket: string;
  /** The key encoded as S3 event notifications carry it (`+` for space, UTF-8 %-escapes); see `rawKey`. */
  readonly key: string;
  /** The key as stored. */
  readonly rawKey: string;
  readonly size: number;
  /** The ETag without quotes, as in S3 event notifications. */
  readonly eTag: string;
  /** Absent: fauxqs has no versioning. */
  readonly versionId?: string;
  readonly eventName: ObjectCreatedEventName;
  /** Upper-case hex, strictly increasing across events (and across restarts while the clock moves forward). */
  readonly sequencer: string;
}

export type ObjectCreatedListener = (event: ObjectCreatedEvent) => void | Promise<void>;

/** Result of an intercepted CopyObject. */
export type CopyOutcome =
  | { readonly ok: true; readonly etag: string; readonly lastModified: Date }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export interface CopyRequest {
  readonly bucket: string;
  readonly key: string;
  /** The raw `x-amz-copy-source` header. */
  readonly copySource: string;
  readonly replaceMetadata: boolean;
  readonly contentType: string | undefined;
  readonly metadata: Record<string, string>;
}

type Catalog = 'queue' | 'topic' | 'subscription' | 'bucket';

const BLOB_READ_CONCURRENCY = 32;

export class MessagingPersistence {
  private readonly known: Record<Catalog, Map<string, string>> = {
    queue: new Map(),
    topic: new Map(),
    subscription: new Map(),
    bucket: new Map(),
  };
  private readonly blobOf = new WeakMap<Buffer, string>();
  private readonly listeners = new Set<ObjectCreatedListener>();
  private readonly createdEvents: { seq: number; event: ObjectCreatedEvent }[] = [];
  /** Listener runs in progress, by the sequence number of the entry that created the object. */
  private readonly notifying = new Map<number, Promise<void>>();
  private lastSequencer = 0n;
  private readonly originalPutObject: FauxqsStores['s3']['putObject'];

  private constructor(
    private readonly stores: FauxqsStores,
    private readonly state: MessagingState,
    private readonly journal: Journal<MessagingEntry, MessagingSnapshot>,
    private readonly blobDir: string,
    private readonly reportError: (error: unknown) => void,
  ) {
    this.originalPutObject = stores.s3.putObject.bind(stores.s3);
  }

  /**
   * Replays `dir` into the (empty) stores, removes unreferenced blobs, then
   * starts journaling every change.
   * @throws CorruptJournalError if the journal is damaged beyond a torn last line.
   */
  static async open(
    dir: string,
    stores: FauxqsStores,
    reportError: (error: unknown) => void,
  ): Promise<MessagingPersistence> {
    const state = new MessagingState();
    const journal = await Journal.open(state, { dir });
    const blobDir = join(dir, 'blobs');
    await mkdir(blobDir, { recursive: true });
    const referenced = state.referencedBlobs();
    for (const name of await readdir(blobDir)) {
      if (!referenced.has(name)) await rm(join(blobDir, name), { force: true });
    }
    const persistence = new MessagingPersistence(stores, state, journal, blobDir, reportError);
    await persistence.restore();
    persistence.instrument();
    persistence.syncCatalog();
    return persistence;
  }

  get stats(): JournalStats {
    return this.journal.stats;
  }

  onObjectCreated(listener: ObjectCreatedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** A position in the journal, to pass to `flushAndNotify` once a request is done. */
  mark(): number {
    return this.journal.appended;
  }

  /**
   * Makes every change so far durable and starts the object-created listeners
   * of the objects that became durable (in creation order).
   * @throws PersistenceFailedError if the journal cannot be written.
   */
  async flush(): Promise<void> {
    await this.journal.flush();
    const durable = this.journal.durable;
    while (this.createdEvents[0] && this.createdEvents[0].seq <= durable) {
      const { seq, event } = this.createdEvents.shift() as { seq: number; event: ObjectCreatedEvent };
      this.notifying.set(
        seq,
        this.notify(event).finally(() => this.notifying.delete(seq)),
      );
    }
  }

  /**
   * `flush()`, then waits for the listeners of objects created since `mark`
   * (by the request being answered, or concurrently). Each object's listeners
   * run on their own, so a listener may itself write through the services
   * (send the notification to SQS, put an object) without waiting on itself.
   */
  async flushAndNotify(mark: number): Promise<void> {
    const upTo = this.journal.appended;
    await this.flush();
    const mine = [...this.notifying].filter(([seq]) => seq > mark && seq <= upTo).map(([, running]) => running);
    await Promise.all(mine);
  }

  /** Journals catalog changes (attributes, tags, creations, deletions) made since the last call. */
  syncCatalog(): void {
    const { sqs, sns, s3 } = this.stores;
    this.diff(
      'queue',
      [...sqs.queues.values()].map((queue) => [queue.arn, queueRecord(queue)] as const),
      (queue) => ({ op: 'queue', queue }),
      (arn) => ({ op: 'queue-deleted', arn }),
    );
    this.diff(
      'topic',
      [...sns.topics.values()].map(
        (topic) =>
          [
            topic.arn,
            {
              arn: topic.arn,
              name: topic.name,
              attributes: { ...topic.attributes },
              tags: Object.fromEntries(topic.tags),
            } satisfies TopicRecord,
          ] as const,
      ),
      (topic) => ({ op: 'topic', topic }),
      (arn) => ({ op: 'topic-deleted', arn }),
    );
    this.diff(
      'subscription',
      [...sns.subscriptions.values()].map(
        (s) =>
          [
            s.arn,
            {
              arn: s.arn,
              topicArn: s.topicArn,
              protocol: s.protocol,
              endpoint: s.endpoint,
              confirmed: s.confirmed,
              attributes: { ...s.attributes },
            } satisfies SubscriptionRecord,
          ] as const,
      ),
      (subscription) => ({ op: 'subscription', subscription }),
      (arn) => ({ op: 'subscription-deleted', arn }),
    );
    this.diff(
      'bucket',
      [...s3.buckets.keys()].map(
        (name) =>
          [
            name,
            { name, created: (s3.bucketCreationDates.get(name) ?? new Date()).toISOString() } satisfies BucketRecord,
          ] as const,
      ),
      (bucket) => ({ op: 'bucket', bucket }),
      (name) => ({ op: 'bucket-deleted', name }),
    );
  }

  /**
   * CopyObject, done here rather than by fauxqs: fauxqs ignores the
   * Content-Type of a REPLACE copy and cannot tell a copy from a put.
   */
  copyObject(request: CopyRequest): CopyOutcome {
    const { s3 } = this.stores;
    const source = parseCopySource(request.copySource);
    if (!source)
      return {
        ok: false,
        status: 400,
        code: 'InvalidArgument',
        message: 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      };
    const sourceObjects = s3.buckets.get(source.bucket);
    if (!sourceObjects || !s3.buckets.has(request.bucket)) {
      return { ok: false, status: 404, code: 'NoSuchBucket', message: 'The specified bucket does not exist' };
    }
    const original = sourceObjects.get(source.key);
    if (!original) return { ok: false, status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    if (source.bucket === request.bucket && source.key === request.key && !request.replaceMetadata) {
      return {
        ok: false,
        status: 400,
        code: 'InvalidRequest',
        message:
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      };
    }
    const created = this.originalPutObject(
      request.bucket,
      request.key,
      original.body,
      request.replaceMetadata ? (request.contentType ?? 'binary/octet-stream') : original.contentType,
      request.replaceMetadata ? request.metadata : { ...original.metadata },
    );
    this.recordObject(request.bucket, created, 'ObjectCreated:Copy');
    return { ok: true, etag: created.etag, lastModified: created.lastModified };
  }

  async close(): Promise<void> {
    await this.journal.close();
    await Promise.all(this.notifying.values());
  }

  private async restore(): Promise<void> {
    const { sqs, sns, s3 } = this.stores;
    for (const bucket of this.state.buckets.values()) {
      s3.createBucket(bucket.name);
      s3.bucketCreationDates.set(bucket.name, new Date(bucket.created));
    }
    const objects = [...this.state.objects.values()];
    for (let i = 0; i < objects.length; i += BLOB_READ_CONCURRENCY) {
      await Promise.all(
        objects.slice(i, i + BLOB_READ_CONCURRENCY).map(async (object) => {
          const body = await readFile(join(this.blobDir, object.blob));
          this.blobOf.set(body, object.blob);
          s3.buckets.get(object.bucket)?.set(object.key, {
            key: object.key,
            body,
            contentType: object.contentType,
            contentLength: body.length,
            etag: object.etag,
            lastModified: new Date(object.lastModified),
            metadata: { ...object.metadata },
          });
        }),
      );
    }
    for (const queue of this.state.queues.values()) {
      const created = sqs.createQueue(queue.name, queue.url, queue.arn, { ...queue.attributes }, { ...queue.tags });
      created.createdTimestamp = queue.createdTimestamp;
      created.lastModifiedTimestamp = queue.lastModifiedTimestamp;
    }
    for (const { queueArn, message } of this.state.messages.values()) {
      const queue = sqs.getQueueByArn(queueArn);
      if (!queue) continue;
      // Receive counts are not journaled: a restored message starts again at 0.
      queue.enqueue({ ...message, messageAttributes: { ...message.messageAttributes }, approximateReceiveCount: 0 });
      const sequence = Number(message.sequenceNumber ?? 0);
      if (sequence > queue.sequenceCounter) queue.sequenceCounter = sequence;
    }
    for (const topic of this.state.topics.values()) {
      sns.createTopic(topic.name, { ...topic.attributes }, { ...topic.tags }, topic.arn.split(':')[3]);
    }
    for (const subscription of this.state.subscriptions.values()) {
      const topic = sns.topics.get(subscription.topicArn);
      if (!topic) continue;
      sns.subscriptions.set(subscription.arn, { ...subscription, attributes: { ...subscription.attributes } });
      topic.subscriptionArns.push(subscription.arn);
    }
  }

  private instrument(): void {
    const { sqs, sns, s3 } = this.stores;
    const afterwards =
      <A extends unknown[], R>(method: (...args: A) => R, then: (result: NoInfer<R>, args: NoInfer<A>) => void) =>
      (...args: A): R => {
        const result = method(...args);
        then(result, args);
        return result;
      };
    const sync = () => this.syncCatalog();

    for (const queue of sqs.queues.values()) this.instrumentQueue(queue);
    sqs.createQueue = afterwards(sqs.createQueue.bind(sqs), (queue) => {
      this.instrumentQueue(queue);
      sync();
    });
    sqs.deleteQueue = afterwards(sqs.deleteQueue.bind(sqs), sync);
    sns.createTopic = afterwards(sns.createTopic.bind(sns), sync);
    sns.deleteTopic = afterwards(sns.deleteTopic.bind(sns), sync);
    sns.subscribe = afterwards(sns.subscribe.bind(sns), sync);
    sns.unsubscribe = afterwards(sns.unsubscribe.bind(sns), sync);
    s3.createBucket = afterwards(s3.createBucket.bind(s3), sync);
    s3.deleteBucket = afterwards(s3.deleteBucket.bind(s3), sync);

    s3.putObject = afterwards(this.originalPutObject, (object, [bucket]) => {
      this.recordObject(bucket, object, 'ObjectCreated:Put');
    });
    const complete = s3.completeMultipartUpload.bind(s3);
    s3.completeMultipartUpload = (uploadId, parts) => {
      const upload = s3.multipartUploads.get(uploadId);
      const object = complete(uploadId, parts);
      if (upload) this.recordObject(upload.bucket, object, 'ObjectCreated:CompleteMultipartUpload');
      return object;
    };
    const deleteObject = s3.deleteObject.bind(s3);
    s3.deleteObject = (bucket, key) => {
      const existed = s3.buckets.get(bucket)?.has(key) ?? false;
      deleteObject(bucket, key);
      if (existed) this.journal.append({ op: 'object-deleted', bucket, key });
    };
    const listObjects = s3.listObjects.bind(s3);
    s3.listObjects = (bucket, options) =>
      s3.buckets.has(bucket) ? this.listInKeyOrder(bucket, options ?? {}) : listObjects(bucket, options);
  }

  private instrumentQueue(queue: FauxqsQueue): void {
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = (message: FauxqsMessage) => {
      enqueue(message);
      this.journal.append({ op: 'message', queueArn: queue.arn, message: messageRecord(message) });
    };
    const deleteMessage = queue.deleteMessage.bind(queue);
    queue.deleteMessage = (receiptHandle: string) => {
      const messageId = queue.inflightMessages.get(receiptHandle)?.message.messageId;
      const deleted = deleteMessage(receiptHandle);
      if (deleted && messageId !== undefined) this.journal.append({ op: 'message-deleted', messageId });
      return deleted;
    };
    const purge = queue.purge.bind(queue);
    queue.purge = () => {
      purge();
      this.journal.append({ op: 'queue-purged', arn: queue.arn });
    };
  }

  private recordObject(bucket: string, object: FauxqsObject, eventName: ObjectCreatedEventName): void {
    let blob = this.blobOf.get(object.body);
    let written: Promise<void> | undefined;
    if (blob === undefined) {
      const name = randomUUID();
      blob = name;
      this.blobOf.set(object.body, name);
      written = writeNewFile(join(this.blobDir, name), object.body).then(() => syncDirectory(this.blobDir));
    }
    const record: ObjectRecord = {
      bucket,
      key: object.key,
      blob,
      size: object.contentLength,
      contentType: object.contentType,
      metadata: { ...object.metadata },
      etag: object.etag,
      lastModified: object.lastModified.toISOString(),
    };
    const seq = this.journal.append({ op: 'object', object: record }, written);
    this.createdEvents.push({
      seq,
      event: {
        bucket,
        key: encodeEventKey(object.key),
        rawKey: object.key,
        size: object.contentLength,
        eTag: object.etag.replaceAll('"', ''),
        eventName,
        sequencer: this.nextSequencer(),
      },
    });
  }

  private nextSequencer(): string {
    const fromClock = BigInt(Date.now()) * 65_536n;
    this.lastSequencer = fromClock > this.lastSequencer ? fromClock : this.lastSequencer + 1n;
    return this.lastSequencer.toString(16).toUpperCase().padStart(18, '0');
  }

  private async notify(event: ObjectCreatedEvent): Promise<void> {
    for (const listener of [...this.listeners]) {
      try {
        await listener(event);
      } catch (error) {
        this.reportError(error);
      }
    }
  }

  /**
   * fauxqs sorts with `localeCompare` but pages with `<=` on UTF-16 code units,
   * so a listing with mixed case or non-ASCII keys skips or repeats keys across
   * pages. S3 orders by UTF-8 bytes; this is fauxqs' algorithm in that order.
   */
  private listInKeyOrder(bucket: string, options: FauxqsListOptions): FauxqsListResult {
    const objects = this.stores.s3.buckets.get(bucket) ?? new Map<string, FauxqsObject>();
    const prefix = options.prefix ?? '';
    const { delimiter } = options;
    const maxKeys = options.maxKeys ?? 1000;
    const startAfter = Buffer.from(options.startAfter ?? options.marker ?? '', 'utf8');
    const candidates = [...objects.values()]
      .filter((object) => object.key.startsWith(prefix))
      .map((object) => ({ object, bytes: Buffer.from(object.key, 'utf8') }))
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    const result: FauxqsObject[] = [];
    const prefixes: string[] = [];
    let isTruncated = false;
    for (const { object, bytes } of candidates) {
      if (startAfter.length > 0 && Buffer.compare(bytes, startAfter) <= 0) continue;
      if (delimiter) {
        const rest = object.key.slice(prefix.length);
        const at = rest.indexOf(delimiter);
        if (at >= 0) {
          const common = prefix + rest.slice(0, at + delimiter.length);
          if (startAfter.length > 0 && Buffer.compare(Buffer.from(common, 'utf8'), startAfter) <= 0) continue;
          if (prefixes.at(-1) === common) continue;
          if (result.length + prefixes.length >= maxKeys) {
            isTruncated = true;
            break;
          }
          prefixes.push(common);
          continue;
        }
      }
      if (result.length + prefixes.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      result.push(object);
    }
    return { objects: result, commonPrefixes: prefixes.sort(compareKeys), isTruncated };
  }

  private diff<R extends object>(
    catalog: Catalog,
    current: readonly (readonly [string, R])[],
    put: (record: R) => MessagingEntry,
    remove: (id: string) => MessagingEntry,
  ): void {
    const known = this.known[catalog];
    const seen = new Set<string>();
    for (const [id, record] of current) {
      seen.add(id);
      const text = JSON.stringify(record);
      if (known.get(id) === text) continue;
      known.set(id, text);
      if (!this.isDurablyKnown(catalog, id, text)) this.journal.append(put(record));
    }
    for (const id of [...known.keys()]) {
      if (seen.has(id)) continue;
      known.delete(id);
      this.journal.append(remove(id));
    }
  }

  /** True when the replayed state already holds exactly this record (first sync after a restore). */
  private isDurablyKnown(catalog: Catalog, id: string, text: string): boolean {
    const stored =
      catalog === 'queue'
        ? this.state.queues.get(id)
        : catalog === 'topic'
          ? this.state.topics.get(id)
          : catalog === 'subscription'
            ? this.state.subscriptions.get(id)
            : this.state.buckets.get(id);
    return stored !== undefined && JSON.stringify(stored) === text;
  }
}

function queueRecord(queue: FauxqsQueue): QueueRecord {
  return {
    name: queue.name,
    url: queue.url,
    arn: queue.arn,
    attributes: { ...queue.attributes },
    tags: Object.fromEntries(queue.tags),
    createdTimestamp: queue.createdTimestamp,
    lastModifiedTimestamp: queue.lastModifiedTimestamp,
  };
}

function messageRecord(message: FauxqsMessage): MessageRecord {
  return {
    messageId: message.messageId,
    body: message.body,
    md5OfBody: message.md5OfBody,
    messageAttributes: message.messageAttributes,
    md5OfMessageAttributes: message.md5OfMessageAttributes,
    sentTimestamp: message.sentTimestamp,
    ...(message.delayUntil !== undefined ? { delayUntil: message.delayUntil } : {}),
    ...(message.messageGroupId !== undefined ? { messageGroupId: message.messageGroupId } : {}),
    ...(message.messageDeduplicationId !== undefined ? { messageDeduplicationId: message.messageDeduplicationId } : {}),
    ...(message.sequenceNumber !== undefined ? { sequenceNumber: message.sequenceNumber } : {}),
  };
}

/** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
function parseCopySource(header: string): { bucket: string; key: string } | undefined {
  const withoutVersion = header.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(withoutVersion);
  } catch {
    return undefined;
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) return undefined;
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}
