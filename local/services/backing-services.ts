import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { type CapacityObserver, DynamoDbService } from './dynamodb/dynamodb-service.js';
import { UnsupportedAccountError } from './errors.js';
import { FAUXQS_ACCOUNT } from './fauxqs-internals.js';
import type { JournalStats } from './journal.js';
import type { ObjectCreatedListener } from './messaging-persistence.js';
import { MessagingService, type QueueCoordinates } from './messaging-service.js';

/** The services the edge routes to. */
export type BackingServiceName = 's3' | 'sqs' | 'sns' | 'dynamodb';

export interface BackingServicesOptions {
  /** Everything persists under this directory; starting again on it restores the state. */
  readonly dataDir: string;
  /** Default `us-east-1`. */
  readonly region?: string;
  /** Default and only supported value `000000000000` (fauxqs hard-codes it). */
  readonly account?: string;
  /** The edge URL clients use, written into queue URLs. Default `http://127.0.0.1:4566`. */
  readonly endpoint?: string;
  /** How often expired DynamoDB TTL items are deleted; 0 disables. Default 30 s. */
  readonly ttlSweepIntervalMs?: number;
  /** Receives errors nobody else can: failing object-created listeners, failed requests. Default: console.error. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Addresses of the raw emulators, for debugging. Requests sent there skip the
 * wrappers' fixes and are answered before their changes are durable.
 */
export interface BackingServicesEndpoints {
  /** fauxqs: S3, SQS and SNS on one fastify server. */
  readonly fauxqs: string;
  /** dynalite: DynamoDB. */
  readonly dynalite: string;
}

export interface BackingServices {
  readonly region: string;
  readonly account: string;
  readonly endpoints: BackingServicesEndpoints;
  /**
   * Serves one request the edge routed to `service`. Resolves once the
   * response is written; every change the request made is durable before the
   * client sees the response. Never rejects: failures become 500 responses.
   */
  handle(service: BackingServiceName, req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Calls `listener` after each object durably created by PutObject,
   * CompleteMultipartUpload or CopyObject. Calls start in creation order; the
   * creating request is answered once its objects' listeners have settled (a
   * returned promise is awaited, a rejection goes to `onError`). A listener may
   * itself call the services (e.g. send the S3 event to an SQS queue). Returns
   * the unsubscribe function.
   */
  onObjectCreated(listener: ObjectCreatedListener): () => void;
  /** Tells `observer` the capacity units of DynamoDB item reads and writes (undefined stops it; local/stats.ts). */
  observeDynamoCapacity(observer: CapacityObserver | undefined): void;
  /** Creates an SQS queue, or sets `attributes` on the existing one. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<QueueCoordinates>;
  /** Creates an SNS topic, or sets `attributes` on the existing one; resolves with its ARN. */
  createTopic(name: string, attributes?: Record<string, string>): Promise<string>;
  /**
   * Subscribes a queue to a topic, or updates the existing subscription's
   * RawMessageDelivery; resolves with the subscription ARN.
   * @throws Error if the topic does not exist.
   */
  subscribe(topicArn: string, queueArn: string, options?: { rawMessageDelivery?: boolean }): Promise<string>;
  /** Creates a bucket (no-op if it exists). */
  createBucket(name: string): Promise<void>;
  /** Journal counters (entries, fsync'ed flushes, bytes, compactions) for S3/SQS/SNS. */
  journalStats(): JournalStats;
  /** Deletes DynamoDB items whose TTL has passed, now. */
  sweepExpiredItems(): Promise<void>;
  /** Stops both emulators after flushing; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts fauxqs (S3, SQS, SNS) and dynalite (DynamoDB) on ephemeral loopback
 * ports, restoring whatever `dataDir` holds.
 * @throws UnsupportedAccountError for an account other than 000000000000.
 * @throws UnsupportedEmulatorVersionError if fauxqs is not the version wrapped.
 * @throws CorruptJournalError if the messaging journal is damaged beyond a torn last line.
 */
export async function startBackingServices(options: BackingServicesOptions): Promise<BackingServices> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? FAUXQS_ACCOUNT;
  if (account !== FAUXQS_ACCOUNT) {
    throw new UnsupportedAccountError(
      `fauxqs writes account ${FAUXQS_ACCOUNT} into every ARN and queue URL; account ${account} is not supported`,
    );
  }
  const reportError = options.onError ?? ((error: unknown) => console.error('[local/services]', error));
  const messaging = await MessagingService.start({
    dir: join(options.dataDir, 'messaging'),
    region,
    endpoint: options.endpoint ?? 'http://127.0.0.1:4566',
    reportError,
  });
  let dynamodb: DynamoDbService;
  try {
    dynamodb = await DynamoDbService.start({
      dir: join(options.dataDir, 'dynamodb'),
      region,
      account,
      ttlSweepIntervalMs: options.ttlSweepIntervalMs ?? 30_000,
    });
  } catch (error) {
    await messaging.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;

  const route = (service: BackingServiceName, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    switch (service) {
      case 's3':
        return messaging.handleS3(req, res);
      case 'sqs':
        return messaging.handleSqs(req, res);
      case 'sns':
        return messaging.handleSns(req, res);
      case 'dynamodb':
        return dynamodb.handle(req, res);
    }
  };

  return {
    region,
    account,
    endpoints: { fauxqs: messaging.endpoint, dynalite: dynamodb.endpoint },
    handle: async (service, req, res) => {
      try {
        await route(service, req, res);
      } catch (error) {
        reportError(error);
        if (res.headersSent) res.destroy();
        else {
          const [contentType, body] = internalError(service, error);
          res.writeHead(500, { 'content-type': contentType }).end(body);
        }
      }
    },
    onObjectCreated: (listener) => messaging.onObjectCreated(listener),
    observeDynamoCapacity: (observer) => {
      dynamodb.capacityObserver = observer;
    },
    createQueue: (name, attributes) => messaging.createQueue(name, attributes),
    createTopic: (name, attributes) => messaging.createTopic(name, attributes),
    subscribe: (topicArn, queueArn, subscribeOptions) => messaging.subscribe(topicArn, queueArn, subscribeOptions),
    createBucket: (name) => messaging.createBucket(name),
    journalStats: () => messaging.journalStats,
    sweepExpiredItems: () => dynamodb.sweepExpiredItems(),
    stop: () => {
      stopping ??= Promise.all([messaging.stop(), dynamodb.stop()]).then(() => undefined);
      return stopping;
    },
  };
}

/** A 500 in the service's own error format, so SDKs report it (and retry) as InternalError. */
function internalError(service: BackingServiceName, error: unknown): [string, string] {
  const message = error instanceof Error ? error.message : String(error);
  const escaped = message.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  switch (service) {
    case 's3':
      return ['application/xml', `<Error><Code>InternalError</Code><Message>${escaped}</Message></Error>`];
    case 'sns':
      return [
        'text/xml',
        `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>${escaped}</Message></Error></ErrorResponse>`,
      ];
    case 'sqs':
      return ['application/x-amz-json-1.0', JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message })];
    case 'dynamodb':
      return [
        'application/x-amz-json-1.0',
        JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message }),
      ];
  }
}
