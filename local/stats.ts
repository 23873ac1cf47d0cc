import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Request statistics of the local cloud, for benchmarks and tests: what a run
 * costs in requests, not what it does. The edge reports every request it
 * answers (service, operation, status, error type, sizes); the Personalize
 * front end reports which resource each Describe* call looked at; DynamoDB
 * reports the capacity units dynalite computes. Off unless the local cloud is
 * started with `collectStats: true`, so the default traffic is untouched.
 */

/** One request the edge answered. */
export interface RequestRecord {
  /** SigV4 service name: s3, sqs, dynamodb, personalize, scheduler… */
  readonly service: string;
  /** The X-Amz-Target operation, or `<METHOD> <resource>` for REST and query protocols. */
  readonly operation: string;
  readonly status: number;
  /** `x-amzn-errortype` of an error answer (`LimitExceededException`), or `HTTP <status>`. */
  readonly errorType?: string;
  /** When the request arrived (epoch ms). */
  readonly at: number;
  /** Milliseconds until the answer was written. */
  readonly ms: number;
  readonly requestBytes: number;
  readonly responseBytes: number;
}

export interface OperationStats {
  count: number;
  requestBytes: number;
  responseBytes: number;
  /** Error answers by error type. */
  readonly errors: Record<string, number>;
}

/** Capacity units DynamoDB consumed, as dynalite computes them (base table only: no index units). */
export interface CapacityStats {
  readUnits: number;
  writeUnits: number;
  /** Requests whose capacity was measured. */
  requests: number;
}

export interface RequestStatsSnapshot {
  /** When counting (re)started (ISO). */
  readonly since: string;
  /** By service, then operation. */
  readonly requests: Readonly<Record<string, Readonly<Record<string, OperationStats>>>>;
  /** Personalize Describe* calls by the ARN they described. */
  readonly describes: Readonly<Record<string, number>>;
  /** DynamoDB capacity units by operation. */
  readonly dynamodbCapacity: Readonly<Record<string, CapacityStats>>;
}

const REST_RESOURCE = /^\/([^/?]*)/;

/** The operation a request names: its X-Amz-Target, else its method and first path segment (S3: bucket or object). */
export function operationOf(req: IncomingMessage, service: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.includes('.')) return target.slice(target.lastIndexOf('.') + 1);
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  if (service === 's3') return `${method} ${path.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket'}`;
  return `${method} /${REST_RESOURCE.exec(path)?.[1] ?? ''}`;
}

const headerNumber = (value: unknown): number => {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isFinite(n) && n >= 0 ? n : 0;
};

/** What `captureResponse` keeps of an answer: the headers given to `writeHead`, and an error answer's body. */
export interface CapturedResponse {
  readonly headers: Record<string, unknown>;
  /** The first 4 KB of the body of an answer with status ≥ 400. */
  readonly errorBody: string;
}

/**
 * Keeps the headers a handler passes to `res.writeHead` (Node does not make
 * them readable through `getHeader`) and the start of an error answer's body,
 * so `requestRecord` can tell the error type and the length of the answer.
 */
export function captureResponse(res: ServerResponse): () => CapturedResponse {
  const headers: Record<string, unknown> = {};
  const chunks: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: unknown) => {
    if (res.statusCode < 400 || kept >= 4096 || (typeof chunk !== 'string' && !Buffer.isBuffer(chunk))) return;
    const buffer = Buffer.from(chunk as string | Buffer).subarray(0, 4096 - kept);
    chunks.push(buffer);
    kept += buffer.length;
  };
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const given = args.find((arg) => typeof arg === 'object' && arg !== null);
    if (Array.isArray(given)) {
      // A flat [name, value, name, value…] list.
      for (let i = 0; i + 1 < given.length; i += 2) headers[String(given[i]).toLowerCase()] = given[i + 1];
    } else if (given) {
      for (const [name, value] of Object.entries(given)) headers[name.toLowerCase()] = value;
    }
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
  const write = res.write;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    keep(chunk);
    return (write as (...a: unknown[]) => boolean).apply(this, [chunk, ...rest]);
  } as typeof res.write;
  const end = res.end;
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    if (typeof chunk !== 'function') keep(chunk);
    return (end as (...a: unknown[]) => ServerResponse).apply(this, [chunk, ...rest]);
  } as typeof res.end;
  return () => ({ headers, errorBody: Buffer.concat(chunks).toString('utf8') });
}

/** An error answer's type: `x-amzn-errortype`, a JSON `__type`, an XML `<Code>`, else `HTTP <status>`. */
export function errorTypeOf(status: number, header: unknown, body: string): string | undefined {
  if (status < 400) return undefined;
  if (typeof header === 'string' && header !== '') return header.split(':')[0];
  const json = /"__type"\s*:\s*"([^"]+)"/.exec(body)?.[1];
  if (json) return json.slice(json.lastIndexOf('#') + 1).split(':')[0];
  const xml = /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
  return xml ?? `HTTP ${status}`;
}

/** The record of a request once its answer is written (`captured`: what `captureResponse` kept). */
export function requestRecord(
  req: IncomingMessage,
  res: ServerResponse,
  service: string,
  at: number,
  captured: CapturedResponse = { headers: {}, errorBody: '' },
  now = Date.now(),
): RequestRecord {
  const header = (name: string) => captured.headers[name] ?? res.getHeader(name);
  const errorType = errorTypeOf(res.statusCode, header('x-amzn-errortype'), captured.errorBody);
  return {
    service,
    operation: operationOf(req, service),
    status: res.statusCode,
    ...(errorType ? { errorType } : {}),
    at,
    ms: now - at,
    requestBytes: headerNumber(req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length']),
    responseBytes: headerNumber(header('content-length')),
  };
}

/** The ARN a Personalize Describe* request names (its one `…Arn` field), or undefined. */
export function describedArn(operation: string, input: unknown): string | undefined {
  if (!operation.startsWith('Describe') || typeof input !== 'object' || input === null) return undefined;
  const arn = Object.entries(input).find(([key, value]) => key.endsWith('Arn') && typeof value === 'string');
  return arn?.[1] as string | undefined;
}

/** Counts requests by service and operation, Describe calls by ARN, DynamoDB capacity by operation. */
export class RequestStats {
  private requests = new Map<string, Map<string, OperationStats>>();
  private describes = new Map<string, number>();
  private capacity = new Map<string, CapacityStats>();
  private since = new Date();
  private readonly listeners = new Set<(record: RequestRecord) => void>();

  record(record: RequestRecord): void {
    let byOperation = this.requests.get(record.service);
    if (!byOperation) {
      byOperation = new Map();
      this.requests.set(record.service, byOperation);
    }
    let stats = byOperation.get(record.operation);
    if (!stats) {
      stats = { count: 0, requestBytes: 0, responseBytes: 0, errors: {} };
      byOperation.set(record.operation, stats);
    }
    stats.count += 1;
    stats.requestBytes += record.requestBytes;
    stats.responseBytes += record.responseBytes;
    if (record.errorType) stats.errors[record.errorType] = (stats.errors[record.errorType] ?? 0) + 1;
    for (const listener of this.listeners) listener(record);
  }

  /** A Personalize control-plane call, as its front end parsed it. */
  personalizeCall(operation: string, input: unknown): void {
    const arn = describedArn(operation, input);
    if (arn) this.describes.set(arn, (this.describes.get(arn) ?? 0) + 1);
  }

  dynamodbCapacity(operation: string, readUnits: number, writeUnits: number): void {
    const stats = this.capacity.get(operation) ?? { readUnits: 0, writeUnits: 0, requests: 0 };
    stats.readUnits += readUnits;
    stats.writeUnits += writeUnits;
    stats.requests += 1;
    this.capacity.set(operation, stats);
  }

  /** Calls `listener` with every request recorded from now on; returns the unsubscribe function. */
  onRequest(listener: (record: RequestRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): RequestStatsSnapshot {
    const copy = <T extends object>(map: Map<string, T>) =>
      Object.fromEntries([...map].map(([key, value]) => [key, structuredClone(value)]));
    return {
      since: this.since.toISOString(),
      requests: Object.fromEntries([...this.requests].map(([service, ops]) => [service, copy(ops)])),
      describes: Object.fromEntries(this.describes),
      dynamodbCapacity: copy(this.capacity),
    };
  }

  reset(): void {
    this.requests = new Map();
    this.describes = new Map();
    this.capacity = new Map();
    this.since = new Date();
  }
}
