import { readFile, rm } from 'node:fs/promises';
import { replaceFile } from '../durable-fs.js';
import { type DynaliteClient, type DynamoResult, dynamoError, type JsonObject } from './dynalite-client.js';
import type { ReadWriteLock } from './read-write-lock.js';

/**
 * TransactWriteItems and TransactGetItems, which dynalite does not implement,
 * composed from dynalite's own single-item operations so that conditions and
 * update expressions keep dynalite's semantics:
 *
 * 1. under the exclusive lock (no other request interleaves), read every
 *    target item as it is (consistent reads);
 * 2. write an intent file with those originals (fsync);
 * 3. apply each action with its condition: Put/Update/Delete as themselves,
 *    ConditionCheck as a no-op write guarded by the condition (a Put of the
 *    unchanged item, or a Delete of the absent one);
 * 4. if any condition failed, put the originals back and answer
 *    TransactionCanceledException with one reason per action;
 * 5. make LevelDB durable, remove the intent, answer.
 * If the process dies between 2 and 5, `recover()` at the next start puts the
 * originals back: the transaction was never acknowledged, and it is undone.
 */

type Action = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

interface PlannedAction {
  readonly action: Action;
  readonly input: JsonObject;
  readonly tableName: string;
  readonly key: JsonObject;
}

interface Original {
  readonly TableName: string;
  readonly Key: JsonObject;
  readonly Item?: JsonObject;
}

const ACTIONS: readonly Action[] = ['Put', 'Update', 'Delete', 'ConditionCheck'];
const MAX_ACTIONS = 100;
const TOKEN_TTL_MS = 10 * 60 * 1000;

export class TransactionCoordinator {
  private readonly tokens = new Map<string, { at: number; fingerprint: string; result: DynamoResult }>();

  constructor(
    private readonly dynalite: DynaliteClient,
    private readonly lock: ReadWriteLock,
    private readonly intentFile: string,
    private readonly makeDurable: () => Promise<void>,
  ) {}

  /** Undoes a transaction interrupted by a crash (see the module comment). */
  async recover(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.intentFile, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const originals = JSON.parse(text) as Original[];
    for (const original of originals) await this.restore(original);
    await this.makeDurable();
    await rm(this.intentFile, { force: true });
  }

  async write(request: JsonObject): Promise<DynamoResult> {
    const items = request.TransactItems;
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ACTIONS) {
      return validation(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS} and greater than or equal to 1`,
      );
    }
    const token = typeof request.ClientRequestToken === 'string' ? request.ClientRequestToken : undefined;
    const fingerprint = JSON.stringify(items);
    if (token !== undefined) {
      const previous = this.tokens.get(token);
      if (previous && Date.now() - previous.at < TOKEN_TTL_MS) {
        if (previous.fingerprint !== fingerprint) {
          return dynamoError(
            400,
            'IdempotentParameterMismatchException',
            'The request uses the same client token as a previous, but non-identical request.',
          );
        }
        return previous.result;
      }
    }
    const planned: PlannedAction[] = [];
    for (const item of items as JsonObject[]) {
      const plan = await this.plan(item);
      if ('status' in plan) return plan;
      planned.push(plan);
    }
    const targets = new Set(planned.map((p) => `${p.tableName}\u0000${canonical(p.key)}`));
    if (targets.size !== planned.length) {
      return validation('Transaction request cannot include multiple operations on one item');
    }
    const result = await this.lock.exclusive(() => this.apply(planned));
    if (token !== undefined && result.status === 200) {
      const now = Date.now();
      for (const [old, entry] of this.tokens) if (now - entry.at >= TOKEN_TTL_MS) this.tokens.delete(old);
      this.tokens.set(token, { at: now, fingerprint, result });
    }
    return result;
  }

  async get(request: JsonObject): Promise<DynamoResult> {
    const items = request.TransactItems;
    if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ACTIONS) {
      return validation(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS} and greater than or equal to 1`,
      );
    }
    return this.lock.exclusive(async () => {
      const responses: JsonObject[] = [];
      for (const item of items as JsonObject[]) {
        const get = item.Get as JsonObject | undefined;
        if (!get) return validation('TransactGetItems accepts only Get actions');
        const read = await this.dynalite.call('GetItem', { ...get, ConsistentRead: true });
        if (read.status !== 200) return read;
        responses.push(read.body.Item ? { Item: read.body.Item } : {});
      }
      return { status: 200, body: { Responses: responses }, error: undefined };
    });
  }

  private async plan(item: JsonObject): Promise<PlannedAction | DynamoResult> {
    const present = ACTIONS.filter((action) => item[action] !== undefined);
    const action = present[0];
    if (present.length !== 1 || action === undefined) {
      return validation('TransactItems can only contain one of Check, Put, Update or Delete');
    }
    const input = item[action] as JsonObject;
    const tableName = input.TableName;
    if (typeof tableName !== 'string') return validation('TableName is required');
    if (action !== 'Put') {
      if (typeof input.Key !== 'object' || input.Key === null) return validation('Key is required');
      return { action, input, tableName, key: input.Key as JsonObject };
    }
    const attributes = await this.dynalite.keyAttributes(tableName);
    if (!Array.isArray(attributes)) return attributes;
    const putItem = (input.Item ?? {}) as JsonObject;
    const key: JsonObject = {};
    for (const name of attributes) {
      if (putItem[name] === undefined) {
        return validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
      }
      key[name] = putItem[name];
    }
    return { action, input, tableName, key };
  }

  private async apply(planned: PlannedAction[]): Promise<DynamoResult> {
    const originals: Original[] = [];
    for (const p of planned) {
      const read = await this.dynalite.call('GetItem', { TableName: p.tableName, Key: p.key, ConsistentRead: true });
      if (read.status !== 200) return read;
      const item = read.body.Item as JsonObject | undefined;
      originals.push({ TableName: p.tableName, Key: p.key, ...(item ? { Item: item } : {}) });
    }
    await replaceFile(this.intentFile, JSON.stringify(originals));
    const reasons: JsonObject[] = [];
    const applied: Original[] = [];
    let failure: DynamoResult | undefined;
    for (const [index, p] of planned.entries()) {
      const original = originals[index] as Original;
      const outcome = await this.dynalite.call(...this.operation(p, original));
      if (outcome.status === 200) {
        reasons.push({ Code: 'None' });
        if (p.action !== 'ConditionCheck') applied.push(original);
      } else if (outcome.error === 'ConditionalCheckFailedException') {
        const returnOld = p.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && original.Item;
        reasons.push({
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          ...(returnOld ? { Item: original.Item } : {}),
        });
      } else {
        failure = outcome;
        break;
      }
    }
    const cancelled = failure !== undefined || reasons.some((r) => r.Code !== 'None');
    if (cancelled) for (const original of applied.reverse()) await this.restore(original);
    await this.makeDurable();
    await rm(this.intentFile, { force: true });
    if (failure) return failure;
    if (!cancelled) return { status: 200, body: {}, error: undefined };
    return dynamoError(
      400,
      'TransactionCanceledException',
      `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
      { CancellationReasons: reasons },
    );
  }

  /** The single-item operation that performs (or, for ConditionCheck, checks) one action. */
  private operation(p: PlannedAction, original: Original): [string, JsonObject] {
    const condition = pick(p.input, ['ConditionExpression', 'ExpressionAttributeNames', 'ExpressionAttributeValues']);
    switch (p.action) {
      case 'Put':
        return ['PutItem', { TableName: p.tableName, Item: p.input.Item, ...condition }];
      case 'Update':
        return [
          'UpdateItem',
          { TableName: p.tableName, Key: p.key, UpdateExpression: p.input.UpdateExpression, ...condition },
        ];
      case 'Delete':
        return ['DeleteItem', { TableName: p.tableName, Key: p.key, ...condition }];
      case 'ConditionCheck':
        return original.Item
          ? ['PutItem', { TableName: p.tableName, Item: original.Item, ...condition }]
          : ['DeleteItem', { TableName: p.tableName, Key: p.key, ...condition }];
    }
  }

  private async restore(original: Original): Promise<void> {
    const result = original.Item
      ? await this.dynalite.call('PutItem', { TableName: original.TableName, Item: original.Item })
      : await this.dynalite.call('DeleteItem', { TableName: original.TableName, Key: original.Key });
    if (result.status !== 200 && result.error !== 'ResourceNotFoundException') {
      throw new Error(`could not restore an item of ${original.TableName}: ${JSON.stringify(result.body)}`);
    }
  }
}

function validation(message: string): DynamoResult {
  return dynamoError(400, 'ValidationException', message);
}

function pick(input: JsonObject, names: readonly string[]): JsonObject {
  const result: JsonObject = {};
  for (const name of names) if (input[name] !== undefined) result[name] = input[name];
  return result;
}

/** JSON with sorted keys, so that equal keys compare equal whatever their attribute order. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
