import { readFile } from 'node:fs/promises';
import { replaceFile } from '../durable-fs.js';
import { type DynaliteClient, type DynamoResult, dynamoError, type JsonObject } from './dynalite-client.js';
import type { ReadWriteLock } from './read-write-lock.js';

/**
 * Time to live, which dynalite lacks (it has no UpdateTimeToLive and always
 * describes TTL as DISABLED). The setting per table is kept in a JSON file
 * next to the LevelDB folder; a sweeper deletes expired items the way
 * DynamoDB does in the background: items whose TTL attribute is a Number of
 * epoch seconds at or before now, each deleted with a condition re-checking it.
 * Like DynamoDB, expired items stay readable until the sweeper gets to them.
 */

interface TtlFile {
  readonly version: 1;
  /** Table name → TTL attribute name, for tables with TTL enabled. */
  readonly tables: Record<string, string>;
}

export class TimeToLive {
  private sweeping: Promise<void> | undefined;

  private constructor(
    private readonly file: string,
    private readonly tables: Map<string, string>,
    private readonly dynalite: DynaliteClient,
    private readonly lock: ReadWriteLock,
  ) {}

  static async open(file: string, dynalite: DynaliteClient, lock: ReadWriteLock): Promise<TimeToLive> {
    let tables: Record<string, string> = {};
    try {
      tables = (JSON.parse(await readFile(file, 'utf8')) as TtlFile).tables;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new TimeToLive(file, new Map(Object.entries(tables)), dynalite, lock);
  }

  /** UpdateTimeToLive, with DynamoDB's checks (table exists, no enabling twice or disabling when off). */
  async update(request: JsonObject): Promise<DynamoResult> {
    const tableName = request.TableName;
    const specification = request.TimeToLiveSpecification as { Enabled?: unknown; AttributeName?: unknown } | undefined;
    if (typeof tableName !== 'string' || !specification) {
      return dynamoError(400, 'ValidationException', 'TableName and TimeToLiveSpecification are required');
    }
    const { Enabled: enabled, AttributeName: attributeName } = specification;
    if (typeof enabled !== 'boolean' || typeof attributeName !== 'string' || attributeName.length === 0) {
      return dynamoError(400, 'ValidationException', 'TimeToLiveSpecification needs Enabled and AttributeName');
    }
    const described = await this.dynalite.call('DescribeTable', { TableName: tableName });
    if (described.status !== 200) return described;
    const current = this.tables.get(tableName);
    if (enabled && current !== undefined)
      return dynamoError(400, 'ValidationException', 'TimeToLive is already enabled');
    if (!enabled && current === undefined)
      return dynamoError(400, 'ValidationException', 'TimeToLive is already disabled');
    if (enabled) this.tables.set(tableName, attributeName);
    else this.tables.delete(tableName);
    await this.save();
    return {
      status: 200,
      body: { TimeToLiveSpecification: { Enabled: enabled, AttributeName: attributeName } },
      error: undefined,
    };
  }

  /** DescribeTimeToLive's answer for a table dynalite has just described successfully. */
  describe(tableName: string): JsonObject {
    const attributeName = this.tables.get(tableName);
    return {
      TimeToLiveDescription:
        attributeName === undefined
          ? { TimeToLiveStatus: 'DISABLED' }
          : { TimeToLiveStatus: 'ENABLED', AttributeName: attributeName },
    };
  }

  /** Forgets a deleted table's setting (a table created again with the same name starts without TTL). */
  async forget(tableName: string): Promise<void> {
    if (this.tables.delete(tableName)) await this.save();
  }

  /** Deletes expired items from every table with TTL enabled; one sweep at a time. */
  sweep(now = Date.now()): Promise<void> {
    this.sweeping ??= this.sweepAll(Math.floor(now / 1000)).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepAll(nowSeconds: number): Promise<void> {
    for (const [tableName, attributeName] of [...this.tables]) {
      const keys = await this.dynalite.keyAttributes(tableName);
      if (!Array.isArray(keys)) continue;
      const names = { '#ttl': attributeName, ...Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])) };
      const expired = { ':now': { N: String(nowSeconds) } };
      let start: JsonObject | undefined;
      do {
        const page = await this.lock.shared(() =>
          this.dynalite.call('Scan', {
            TableName: tableName,
            FilterExpression: '#ttl <= :now',
            ProjectionExpression: keys.map((_, i) => `#k${i}`).join(', '),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: expired,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        if (page.status !== 200) break;
        for (const key of (page.body.Items ?? []) as JsonObject[]) {
          await this.lock.shared(() =>
            this.dynalite.call('DeleteItem', {
              TableName: tableName,
              Key: key,
              ConditionExpression: '#ttl <= :now',
              ExpressionAttributeNames: { '#ttl': attributeName },
              ExpressionAttributeValues: expired,
            }),
          );
        }
        start = page.body.LastEvaluatedKey as JsonObject | undefined;
      } while (start);
    }
  }

  private async save(): Promise<void> {
    const file: TtlFile = { version: 1, tables: Object.fromEntries(this.tables) };
    await replaceFile(this.file, JSON.stringify(file));
  }
}
