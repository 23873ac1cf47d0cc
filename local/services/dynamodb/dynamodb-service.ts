import { randomUUID } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import {
  createUpstream,
  forward,
  forwardableHeaders,
  readBody,
  responseHeaders,
  send,
  type Upstream,
} from '../http-forward.js';
import { DynaliteClient, type DynamoResult, dynamoError, errorName, type JsonObject } from './dynalite-client.js';
import { coalesced, ReadWriteLock } from './read-write-lock.js';
import { TimeToLive } from './time-to-live.js';
import { TransactionCoordinator } from './transactions.js';

/**
 * DynamoDB: dynalite on a loopback port with its LevelDB folder under the data
 * directory, behind a handler that adds what dynalite lacks (transactions,
 * TTL) and makes writes durable before answering:
 * - LevelDB writes its log with write(2) before dynalite answers, so a write
 *   survives `kill -9`; the handler also fdatasyncs the log files after every
 *   successful write (group-committed) so it survives a power loss too;
 * - CreateTable/UpdateTable/DeleteTable are answered only once dynalite has
 *   finished the status transition it schedules after answering, so an
 *   acknowledged table is never left CREATING by a crash.
 */

interface DynaliteOptions {
  path: string;
  createTableMs: number;
  deleteTableMs: number;
  updateTableMs: number;
}

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'CreateTable',
  'UpdateTable',
  'DeleteTable',
  'TagResource',
  'UntagResource',
]);
const TABLE_CHANGES = new Set(['CreateTable', 'UpdateTable', 'DeleteTable']);
/** Item operations whose capacity units a capacity observer is told (transactions are not measured). */
const CAPACITY_READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
const CAPACITY_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** Told the capacity units of each measured request (request statistics, local/stats.ts). */
export type CapacityObserver = (operation: string, readUnits: number, writeUnits: number) => void;
const BODY_LIMIT = 16 * 1024 * 1024;
const SETTLE_TIMEOUT_MS = 10_000;

export interface DynamoDbServiceOptions {
  readonly dir: string;
  readonly region: string;
  readonly account: string;
  /** How often expired TTL items are deleted; 0 disables the sweeper. */
  readonly ttlSweepIntervalMs: number;
}

interface Parts {
  readonly server: Server;
  readonly upstream: Upstream;
  readonly dynalite: DynaliteClient;
  readonly lock: ReadWriteLock;
  readonly levelDir: string;
  readonly ttl: TimeToLive;
  readonly transactions: TransactionCoordinator;
  readonly syncLog: () => Promise<void>;
}

export class DynamoDbService {
  private readonly sweeper: NodeJS.Timeout | undefined;
  /**
   * When set, item reads and writes ask dynalite for their consumed capacity
   * (unless the client asked itself), report it here, and the answer is
   * returned without it, as the client asked. A write refused by its
   * condition counts 1 write unit, as DynamoDB bills it.
   */
  capacityObserver: CapacityObserver | undefined;

  private constructor(
    private readonly parts: Parts,
    sweepIntervalMs: number,
  ) {
    if (sweepIntervalMs > 0) {
      this.sweeper = setInterval(() => {
        parts.ttl.sweep().catch(() => undefined);
      }, sweepIntervalMs);
      this.sweeper.unref();
    }
  }

  /**
   * Starts dynalite on the LevelDB folder `<dir>/leveldb` and undoes a
   * transaction a crash interrupted.
   */
  static async start(options: DynamoDbServiceOptions): Promise<DynamoDbService> {
    const levelDir = join(options.dir, 'leveldb');
    const server = startDynalite(
      { path: levelDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
      options.region,
      options.account,
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const upstream = createUpstream((server.address() as AddressInfo).port);
    const dynalite = new DynaliteClient(upstream, options.region);
    const lock = new ReadWriteLock();
    const syncLog = coalesced(() => syncLevelLog(levelDir));
    const ttl = await TimeToLive.open(join(options.dir, 'time-to-live.json'), dynalite, lock);
    const transactions = new TransactionCoordinator(
      dynalite,
      lock,
      join(options.dir, 'transaction-intent.json'),
      syncLog,
    );
    await transactions.recover();
    return new DynamoDbService(
      { server, upstream, dynalite, lock, levelDir, ttl, transactions, syncLog },
      options.ttlSweepIntervalMs,
    );
  }

  /** Deletes expired TTL items now (the sweeper does it periodically). */
  sweepExpiredItems(now?: number): Promise<void> {
    return this.parts.ttl.sweep(now);
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.parts.upstream.port}`;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { transactions, ttl, lock, syncLog } = this.parts;
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1);
    const raw = await readBody(req, BODY_LIMIT);
    switch (operation) {
      case 'TransactWriteItems':
      case 'TransactGetItems':
      case 'UpdateTimeToLive': {
        const input = parseObject(raw);
        const result = !input
          ? dynamoError(400, 'SerializationException', 'Start of structure or map found where not expected.')
          : operation === 'TransactWriteItems'
            ? await transactions.write(input)
            : operation === 'TransactGetItems'
              ? await transactions.get(input)
              : await ttl.update(input);
        await sendJson(res, result);
        return;
      }
      default:
        await lock.shared(async () => {
          const observer = this.capacityObserver;
          const measured =
            observer && (CAPACITY_READS.has(operation) || CAPACITY_WRITES.has(operation))
              ? askCapacity(raw)
              : undefined;
          const upstream = await forward(this.parts.upstream, {
            method: req.method ?? 'POST',
            path: req.url ?? '/',
            headers: forwardableHeaders(req.headers),
            body: measured?.raw ?? raw,
          });
          let body = await readBody(upstream);
          const status = upstream.statusCode ?? 502;
          const headers = responseHeaders(upstream.headers);
          if (observer && measured) {
            const taken = takeCapacity(body, measured.strip);
            const refused = status === 400 && errorName(parseObject(body) ?? {}) === 'ConditionalCheckFailedException';
            const units = status === 200 ? taken.units : refused ? 1 : 0;
            observer(operation, CAPACITY_READS.has(operation) ? units : 0, CAPACITY_WRITES.has(operation) ? units : 0);
            if (measured.strip && status === 200) {
              body = taken.body;
              headers['x-amz-crc32'] = String(crc32(body));
            }
          }
          if (status === 200) {
            const tableName = parseObject(raw)?.TableName;
            if (TABLE_CHANGES.has(operation) && typeof tableName === 'string') {
              await this.settle(tableName, operation === 'DeleteTable');
              if (operation === 'DeleteTable') await ttl.forget(tableName);
            }
            if (WRITES.has(operation)) await syncLog();
            if (operation === 'DescribeTimeToLive' && typeof tableName === 'string') {
              body = Buffer.from(JSON.stringify(ttl.describe(tableName)));
              headers['x-amz-crc32'] = String(crc32(body));
            }
          }
          await send(res, status, headers, body);
        });
    }
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const { server, upstream } = this.parts;
    upstream.agent.destroy();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  }

  /** Waits for dynalite's scheduled CREATING→ACTIVE (or DELETING→gone) write. */
  private async settle(tableName: string, deleted: boolean): Promise<void> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const described = await this.parts.dynalite.call('DescribeTable', { TableName: tableName });
      if (deleted && described.error === 'ResourceNotFoundException') return;
      const table = described.body.Table as
        | { TableStatus?: string; GlobalSecondaryIndexes?: { IndexStatus?: string }[] }
        | undefined;
      const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
      if (!deleted && table?.TableStatus === 'ACTIVE' && indexesActive) return;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/**
 * Starts dynalite. dynalite reads the account and region it writes into table
 * ARNs from the environment when it opens its store, so they are set for the
 * duration of that synchronous call only.
 */
function startDynalite(options: DynaliteOptions, region: string, account: string): Server {
  const require = createRequire(import.meta.url);
  const dynalite = require('dynalite') as (options: DynaliteOptions) => Server;
  const saved = { AWS_REGION: process.env.AWS_REGION, AWS_ACCOUNT_ID: process.env.AWS_ACCOUNT_ID };
  process.env.AWS_REGION = region;
  process.env.AWS_ACCOUNT_ID = account;
  try {
    return dynalite(options);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** fdatasyncs LevelDB's write-ahead log files (`*.log`; `LOG` is its text log). */
async function syncLevelLog(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.log')) continue;
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(join(dir, name), 'r');
      await handle.datasync();
    } catch (error) {
      // LevelDB may have just rotated the file away.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    } finally {
      await handle?.close();
    }
  }
}

/** The request with `ReturnConsumedCapacity: TOTAL` added, and whether the answer must lose it again. */
function askCapacity(raw: Buffer): { raw: Buffer; strip: boolean } | undefined {
  const input = parseObject(raw);
  if (!input) return undefined;
  if (input.ReturnConsumedCapacity === 'TOTAL' || input.ReturnConsumedCapacity === 'INDEXES')
    return { raw, strip: false };
  return { raw: Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'TOTAL' })), strip: true };
}

/** The capacity units an answer reports (one object, or one per table in batches), and the answer without them. */
function takeCapacity(body: Buffer, strip: boolean): { units: number; body: Buffer } {
  const answer = parseObject(body);
  const consumed = answer?.ConsumedCapacity;
  if (!answer || consumed === undefined) return { units: 0, body };
  const units = (Array.isArray(consumed) ? consumed : [consumed]).reduce(
    (sum: number, c) => sum + Number((c as { CapacityUnits?: number }).CapacityUnits ?? 0),
    0,
  );
  if (!strip) return { units, body };
  const { ConsumedCapacity: _taken, ...rest } = answer;
  return { units, body: Buffer.from(JSON.stringify(rest)) };
}

function parseObject(raw: Buffer): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(raw.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, result: DynamoResult): Promise<void> {
  const body = Buffer.from(JSON.stringify(result.body));
  return send(
    res,
    result.status,
    {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  );
}
