import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFauxqs, FAUXQS_ACCOUNT, type FauxqsApp, type FauxqsStores } from './fauxqs-internals.js';
import {
  createUpstream,
  forward,
  forwardableHeaders,
  pipeResponse,
  readBody,
  responseHeaders,
  send,
  type Upstream,
} from './http-forward.js';
import { MessagingPersistence, type ObjectCreatedListener } from './messaging-persistence.js';
import { md5OfMessageAttributes } from './sqs-md5.js';

/**
 * S3, SQS and SNS: fauxqs on a loopback port, behind request handlers that fix
 * what fauxqs gets wrong and make every acknowledged change durable first
 * (see messaging-persistence.ts).
 */

export interface MessagingServiceOptions {
  readonly dir: string;
  readonly region: string;
  /** The edge URL clients use; queue URLs point there. */
  readonly endpoint: string;
  readonly reportError: (error: unknown) => void;
}

export interface QueueCoordinates {
  readonly url: string;
  readonly arn: string;
}

/** SQS actions that change messages, never the catalog. */
const SQS_DATA_PLANE = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListQueues',
  'ListQueueTags',
  'PurgeQueue',
]);

const SNS_DATA_PLANE = new Set(['Publish', 'PublishBatch']);

/**
 * Query-protocol codes of SQS errors whose code differs from the JSON one
 * (from the SDK's model). fauxqs prefixes every code with
 * `AWS.SimpleQueueService.`, which SDKs then report as the error name.
 */
const SQS_QUERY_ERROR_CODES: Record<string, string> = {
  BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
  BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
  EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
  InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  PurgeQueueInProgress: 'AWS.SimpleQueueService.PurgeQueueInProgress',
  QueueDeletedRecently: 'AWS.SimpleQueueService.QueueDeletedRecently',
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
  QueueNameExists: 'QueueAlreadyExists',
};

/**
 * S3 sub-resources fauxqs does not implement. Its routes would take them for
 * something else: PUT /bucket?policy as CreateBucket, GET /bucket?tagging as
 * ListObjects, and PUT /bucket/key?tagging as a PutObject that replaces the
 * object with the tagging XML. They are answered NotImplemented instead.
 */
const S3_UNSUPPORTED_SUBRESOURCES = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
]);

const JSON_BODY_LIMIT = 8 * 1024 * 1024;
/** fauxqs' fastify bodyLimit: one request body (a PutObject, an UploadPart) up to 11 MiB. */
const FAUXQS_BODY_LIMIT = 11 * 1024 * 1024;

export class MessagingService {
  private readonly publicHost: string;

  private constructor(
    private readonly app: FauxqsApp,
    private readonly stores: FauxqsStores,
    private readonly persistence: MessagingPersistence,
    private readonly upstream: Upstream,
    private readonly options: MessagingServiceOptions,
  ) {
    this.publicHost = new URL(options.endpoint).host;
  }

  /**
   * Restores `dir` into a new fauxqs and listens on an ephemeral loopback port.
   * @throws UnsupportedEmulatorVersionError, CorruptJournalError
   */
  static async start(options: MessagingServiceOptions): Promise<MessagingService> {
    const { app, stores } = await createFauxqs(options.region);
    const persistence = await MessagingPersistence.open(options.dir, stores, options.reportError);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    return new MessagingService(app, stores, persistence, createUpstream(port), options);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.upstream.port}`;
  }

  get journalStats() {
    return this.persistence.stats;
  }

  onObjectCreated(listener: ObjectCreatedListener): () => void {
    return this.persistence.onObjectCreated(listener);
  }

  async handleS3(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const copySource = header(req, 'x-amz-copy-source');
    const url = new URL(req.url ?? '/', 'http://edge');
    const { bucket, key } = bucketAndKey(url, header(req, 'host'));
    if (req.method === 'GET' && key === '' && url.searchParams.has('location')) {
      await this.bucketLocation(req, res, bucket);
      return;
    }
    const subresource = [...url.searchParams.keys()].find((name) => S3_UNSUPPORTED_SUBRESOURCES.has(name));
    const listUploads = key === '' && url.searchParams.has('uploads');
    if (subresource !== undefined || listUploads || (copySource !== undefined && url.searchParams.has('partNumber'))) {
      req.resume();
      await send(
        res,
        501,
        { 'content-type': 'application/xml' },
        s3Error(
          'NotImplemented',
          `The local S3 does not implement ${subresource ?? (listUploads ? 'ListMultipartUploads' : 'UploadPartCopy')}`,
        ),
      );
      return;
    }
    if (req.method === 'PUT' && copySource !== undefined) {
      await this.copyObject(req, res, bucket, key, copySource);
      return;
    }
    if (Number(req.headers['content-length'] ?? 0) > FAUXQS_BODY_LIMIT) {
      // fauxqs would answer 413 and drop the connection mid-upload; answer as S3 does for an oversized body.
      req.resume();
      await send(
        res,
        400,
        { 'content-type': 'application/xml', connection: 'close' },
        s3Error(
          'EntityTooLarge',
          'Your proposed upload exceeds the maximum allowed size (11 MiB per request body locally; use a multipart upload)',
        ),
      );
      return;
    }
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    const mark = this.persistence.mark();
    const upstream = await forward(this.upstream, {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: forwardableHeaders(req.headers),
      body: hasBody ? req : undefined,
    });
    await this.persistence.flushAndNotify(mark);
    await pipeResponse(upstream, res);
  }

  async handleSqs(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, JSON_BODY_LIMIT);
    const action = (header(req, 'x-amz-target') ?? '').replace(/^AmazonSQS\./, '');
    const payload = parseJson(raw);
    let body = raw;
    if (payload && typeof payload.QueueUrl === 'string') {
      payload.QueueUrl = this.canonicalQueueUrl(payload.QueueUrl, regionOf(req) ?? this.options.region);
      body = Buffer.from(JSON.stringify(payload));
    }
    // fauxqs builds queue URLs from the Host header: make them point at the edge.
    const upstream = await forward(this.upstream, {
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: { ...forwardableHeaders(req.headers), host: this.publicHost },
      body,
    });
    let responseBody = await readBody(upstream);
    const headers = responseHeaders(upstream.headers);
    if (action === 'ReceiveMessage' && upstream.statusCode === 200) {
      responseBody = fixReceivedAttributes(responseBody, payload?.MessageAttributeNames);
    }
    const queryError = headers['x-amzn-query-error'];
    if (typeof queryError === 'string') headers['x-amzn-query-error'] = fixQueryError(queryError, responseBody);
    if (!SQS_DATA_PLANE.has(action)) this.persistence.syncCatalog();
    await this.persistence.flush();
    await send(res, upstream.statusCode ?? 502, headers, responseBody);
  }

  async handleSns(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, JSON_BODY_LIMIT);
    const params = new URLSearchParams(raw.toString('utf8'));
    const action = params.get('Action') ?? '';
    const invalid =
      action === 'Publish'
        ? applyMessageStructure(params, '')
        : action === 'PublishBatch'
          ? batchPrefixes(params)
              .map((prefix) => applyMessageStructure(params, prefix))
              .find((error) => error !== undefined)
          : undefined;
    if (invalid !== undefined) {
      await send(res, 400, { 'content-type': 'text/xml' }, snsError('InvalidParameter', invalid));
      return;
    }
    const upstream = await forward(this.upstream, {
      method: req.method ?? 'POST',
      path: req.url ?? '/',
      headers: forwardableHeaders(req.headers),
      body: Buffer.from(params.toString()),
    });
    const responseBody = await readBody(upstream);
    if (!SNS_DATA_PLANE.has(action)) this.persistence.syncCatalog();
    await this.persistence.flush();
    await send(res, upstream.statusCode ?? 502, responseHeaders(upstream.headers), responseBody);
  }

  /** Creates the queue, or sets `attributes` on the existing one. */
  async createQueue(name: string, attributes: Record<string, string> = {}): Promise<QueueCoordinates> {
    const { sqs } = this.stores;
    const { region } = this.options;
    const arn = `arn:aws:sqs:${region}:${FAUXQS_ACCOUNT}:${name}`;
    const existing = sqs.getQueueByArn(arn);
    const wanted = name.endsWith('.fifo') ? { FifoQueue: 'true', ...attributes } : { ...attributes };
    let url: string;
    if (existing) {
      existing.setAttributes(wanted);
      url = existing.url;
    } else {
      url = sqs.buildQueueUrl(name, '', this.publicHost, region);
      sqs.createQueue(name, url, arn, wanted, {});
    }
    this.persistence.syncCatalog();
    await this.persistence.flush();
    return { url, arn };
  }

  /** Creates the topic, or sets `attributes` on the existing one; resolves with its ARN. */
  async createTopic(name: string, attributes: Record<string, string> = {}): Promise<string> {
    const { sns } = this.stores;
    const arn = `arn:aws:sns:${this.options.region}:${FAUXQS_ACCOUNT}:${name}`;
    const existing = sns.topics.get(arn);
    if (existing) Object.assign(existing.attributes, attributes);
    else sns.createTopic(name, { ...attributes }, undefined, this.options.region);
    this.persistence.syncCatalog();
    await this.persistence.flush();
    return arn;
  }

  /**
   * Subscribes an SQS queue to a topic (or updates RawMessageDelivery of the
   * existing subscription); resolves with the subscription ARN.
   * @throws Error if the topic does not exist.
   */
  async subscribe(topicArn: string, queueArn: string, options: { rawMessageDelivery?: boolean } = {}): Promise<string> {
    const { sns } = this.stores;
    const raw = options.rawMessageDelivery === true;
    const topic = sns.topics.get(topicArn);
    if (!topic) throw new Error(`topic ${topicArn} does not exist`);
    let subscription = topic.subscriptionArns
      .map((arn) => sns.subscriptions.get(arn))
      .find((s) => s?.protocol === 'sqs' && s.endpoint === queueArn);
    if (subscription) {
      if (raw) subscription.attributes.RawMessageDelivery = 'true';
      else delete subscription.attributes.RawMessageDelivery;
    } else {
      subscription = sns.subscribe(topicArn, 'sqs', queueArn, raw ? { RawMessageDelivery: 'true' } : undefined);
    }
    this.persistence.syncCatalog();
    await this.persistence.flush();
    return subscription?.arn ?? '';
  }

  async createBucket(name: string): Promise<void> {
    this.stores.s3.createBucket(name);
    await this.persistence.flush();
  }

  async stop(): Promise<void> {
    this.upstream.agent.destroy();
    await this.app.close();
    await this.persistence.close();
  }

  /**
   * fauxqs finds queues by their exact URL; AWS accepts any URL naming the
   * queue (any host, scheme or port). The queue is looked up by the region in
   * the URL's host (`sqs.<region>.…`), else the request's, then by name.
   */
  private canonicalQueueUrl(queueUrl: string, requestRegion: string): string {
    let parsed: URL;
    try {
      parsed = new URL(queueUrl);
    } catch {
      return queueUrl;
    }
    const name = parsed.pathname.split('/').filter(Boolean).at(-1);
    if (!name) return queueUrl;
    const { sqs } = this.stores;
    const hostRegion = /^sqs\.([a-z0-9-]+)\./.exec(parsed.hostname)?.[1];
    for (const region of [hostRegion, requestRegion]) {
      if (region === undefined) continue;
      const queue = sqs.getQueueByArn(`arn:aws:sqs:${region}:${FAUXQS_ACCOUNT}:${name}`);
      if (queue) return queue.url;
    }
    return sqs.getQueueByName(name)?.url ?? queueUrl;
  }

  /** GetBucketLocation (fauxqs would answer it with a listing). */
  private async bucketLocation(req: IncomingMessage, res: ServerResponse, bucket: string): Promise<void> {
    req.resume();
    if (!this.stores.s3.buckets.has(bucket)) {
      await send(
        res,
        404,
        { 'content-type': 'application/xml' },
        s3Error('NoSuchBucket', 'The specified bucket does not exist'),
      );
      return;
    }
    // us-east-1 is the empty LocationConstraint.
    const region = this.options.region === 'us-east-1' ? '' : this.options.region;
    await send(
      res,
      200,
      { 'content-type': 'application/xml' },
      `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region}</LocationConstraint>`,
    );
  }

  private async copyObject(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    key: string,
    copySource: string,
  ): Promise<void> {
    await readBody(req, JSON_BODY_LIMIT);
    const mark = this.persistence.mark();
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') metadata[name.slice(11)] = value;
    }
    const outcome = this.persistence.copyObject({
      bucket,
      key,
      copySource,
      replaceMetadata: header(req, 'x-amz-metadata-directive')?.toUpperCase() === 'REPLACE',
      contentType: header(req, 'content-type'),
      metadata,
    });
    await this.persistence.flushAndNotify(mark);
    if (!outcome.ok) {
      await send(res, outcome.status, { 'content-type': 'application/xml' }, s3Error(outcome.code, outcome.message));
      return;
    }
    await send(
      res,
      200,
      { 'content-type': 'application/xml', 'x-amz-request-id': requestId() },
      `<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LastModified>${outcome.lastModified.toISOString()}</LastModified><ETag>${escapeXml(outcome.etag)}</ETag></CopyObjectResult>`,
    );
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The region of the SigV4 credential scope (`Credential=AKID/date/region/service/aws4_request`). */
export function regionOf(req: IncomingMessage): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\//.exec(header(req, 'authorization') ?? '')?.[1];
}

/** Bucket and key of an S3 request, path-style or (as fauxqs decides) virtual-hosted. */
function bucketAndKey(url: URL, host: string | undefined): { bucket: string; key: string } {
  const hostname = (host ?? '').split(':')[0] ?? '';
  const segments = url.pathname.slice(1).split('/');
  if (hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) {
    return { bucket: hostname.slice(0, hostname.indexOf('.')), key: decodeURIComponent(segments.join('/')) };
  }
  return { bucket: decodeURIComponent(segments[0] ?? ''), key: decodeURIComponent(segments.slice(1).join('/')) };
}

type JsonObject = Record<string, unknown>;

function parseJson(raw: Buffer): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * SQS returns message attributes only when asked (MessageAttributeNames), and
 * MD5OfMessageAttributes covers the attributes returned. fauxqs returns all of
 * them unasked, and keeps the digest of all of them when it filters.
 */
function fixReceivedAttributes(raw: Buffer, requested: unknown): Buffer {
  const response = parseJson(raw);
  const messages = response?.Messages;
  if (!Array.isArray(messages)) return raw;
  const asked = Array.isArray(requested) && requested.length > 0;
  for (const message of messages as JsonObject[]) {
    const attributes = message.MessageAttributes as Parameters<typeof md5OfMessageAttributes>[0] | undefined;
    const digest = asked && attributes ? md5OfMessageAttributes(attributes) : undefined;
    if (digest === undefined) {
      delete message.MessageAttributes;
      delete message.MD5OfMessageAttributes;
    } else {
      message.MD5OfMessageAttributes = digest;
    }
  }
  return Buffer.from(JSON.stringify(response));
}

/** `x-amzn-query-error: <query code>;<Sender|Receiver>` for the JSON error in `body`. */
function fixQueryError(header: string, body: Buffer): string {
  const type = parseJson(body)?.__type;
  if (typeof type !== 'string') return header;
  const code = type.slice(type.lastIndexOf('#') + 1);
  const fault = header.slice(header.lastIndexOf(';') + 1);
  return `${SQS_QUERY_ERROR_CODES[code] ?? code};${fault}`;
}

/** `PublishBatchRequestEntries.member.N.` prefixes present in a PublishBatch request. */
function batchPrefixes(params: URLSearchParams): string[] {
  const prefixes = new Set<string>();
  for (const key of params.keys()) {
    const match = /^(PublishBatchRequestEntries\.member\.\d+\.)/.exec(key);
    if (match?.[1]) prefixes.add(match[1]);
  }
  return [...prefixes];
}

/**
 * MessageStructure=json: fauxqs delivers the JSON document itself. SNS
 * delivers the member for the subscriber's protocol, else `default`; every
 * subscriber fauxqs delivers to is SQS, so the message becomes the `sqs` member
 * (or `default`). Returns an error message when SNS would reject the request.
 */
function applyMessageStructure(params: URLSearchParams, prefix: string): string | undefined {
  if (params.get(`${prefix}MessageStructure`) !== 'json') return undefined;
  let document: unknown;
  try {
    document = JSON.parse(params.get(`${prefix}Message`) ?? '');
  } catch {
    return 'Invalid parameter: Message Structure - JSON message body failed to parse';
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return 'Invalid parameter: Message Structure - JSON message body failed to parse';
  }
  const members = document as Record<string, unknown>;
  if (typeof members.default !== 'string') {
    return 'Invalid parameter: Message Structure - No default entry in JSON message body';
  }
  params.set(`${prefix}Message`, typeof members.sqs === 'string' ? members.sqs : members.default);
  params.delete(`${prefix}MessageStructure`);
  return undefined;
}

function requestId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
}

function s3Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId()}</RequestId></Error>`;
}

function snsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
}

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
