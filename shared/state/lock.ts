import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { lockKey } from './keys.js';
import type { StateDeps } from './runs.js';

/**
 * One active run per dataset group (REFERENCE.md defect 19: runs raced). A run
 * takes the group's lock or joins its queue; releasing the lock hands it to the
 * oldest waiting run. Every operation is a conditional write, so two triggers
 * arriving together cannot both run, and repeating an operation is harmless.
 */

export type LockOutcome = { readonly acquired: true } | { readonly acquired: false; readonly activeRunId: string };

/**
 * Takes the lock for `runId`, or queues `runId` behind the active run with its
 * `kind` (`upload`, `schedule:<name>`): among waiting runs, the newest of a
 * kind supersedes the older ones (see `releaseLock`).
 */
export async function acquireLock(
  deps: StateDeps,
  datasetGroup: string,
  runId: string,
  kind = 'upload',
): Promise<LockOutcome> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: lockKey(datasetGroup),
        UpdateExpression: 'SET activeRunId = :run, since = :now',
        ConditionExpression: 'attribute_not_exists(activeRunId) OR activeRunId = :run',
        ExpressionAttributeValues: { ':run': runId, ':now': deps.now().toISOString() },
      }),
    );
    return { acquired: true };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const lock = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: lockKey(datasetGroup),
        UpdateExpression:
          'SET waiting = list_append(if_not_exists(waiting, :empty), :run), kinds = if_not_exists(kinds, :none), joins = if_not_exists(joins, :zero) + :one',
        ConditionExpression: 'attribute_exists(activeRunId) AND activeRunId <> :id AND NOT contains(waiting, :id)',
        ExpressionAttributeValues: { ':empty': [], ':run': [runId], ':id': runId, ':none': {}, ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    )
    .catch(async (error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return deps.db.send(new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }));
    });
  const item = 'Attributes' in lock ? lock.Attributes : (lock as { Item?: Record<string, unknown> }).Item;
  if (item?.activeRunId === runId) return { acquired: true };
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: lockKey(datasetGroup),
      UpdateExpression: 'SET kinds.#id = :kind',
      ExpressionAttributeNames: { '#id': runId },
      ExpressionAttributeValues: { ':kind': kind },
    }),
  );
  return { acquired: false, activeRunId: String(item?.activeRunId) };
}

/**
 * Which waiting run goes next (pure): the oldest, after the newest of each
 * kind has superseded the older ones of its kind (two uploads waiting behind
 * a run: only the newer file matters).
 */
export function nextInLine(
  waiting: readonly string[],
  kinds: Readonly<Record<string, string>>,
): { readonly next?: string; readonly superseded: readonly string[]; readonly rest: readonly string[] } {
  const newestOfKind = new Map<string, string>();
  for (const runId of waiting) newestOfKind.set(kinds[runId] ?? runId, runId);
  const kept = waiting.filter((runId) => newestOfKind.get(kinds[runId] ?? runId) === runId);
  const superseded = waiting.filter((runId) => !kept.includes(runId));
  const [next, ...rest] = kept;
  return { ...(next === undefined ? {} : { next }), superseded, rest };
}

export interface Handover {
  /** The run that now holds the lock. */
  readonly next?: string;
  /** Waiting runs a newer run of the same kind replaced, each with the run that replaced it. */
  readonly superseded: readonly { readonly runId: string; readonly by: string }[];
}

/**
 * Releases the lock held by `runId` and hands it to the next waiting run (see
 * `nextInLine`). `settle` records the superseded runs *before* they leave the
 * queue, so a crash in between cannot leave one waiting forever; it must be
 * idempotent (a lost race reads the queue again and settles again).
 */
export async function releaseLock(
  deps: StateDeps,
  datasetGroup: string,
  runId: string,
  settle: (superseded: Handover['superseded']) => Promise<void> = async () => undefined,
): Promise<Handover> {
  const current = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }),
  );
  if (current.Item?.activeRunId !== runId) return { superseded: [] };
  // Every join of the queue counts in `joins`: unchanged means nobody joined since the read.
  const joins = typeof current.Item.joins === 'number' ? current.Item.joins : undefined;
  const waiting = (current.Item.waiting ?? []) as string[];
  const kinds = (current.Item.kinds ?? {}) as Record<string, string>;
  const { next, superseded, rest } = nextInLine(waiting, kinds);
  const by = (superseded: string) =>
    waiting.filter((r) => (kinds[r] ?? r) === (kinds[superseded] ?? superseded)).at(-1) as string;
  const replaced = superseded.map((r) => ({ runId: r, by: by(r) }));
  await settle(replaced);
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: lockKey(datasetGroup),
        UpdateExpression:
          next === undefined
            ? 'REMOVE activeRunId, kinds SET waiting = :empty'
            : 'SET activeRunId = :next, waiting = :rest, since = :now',
        // Nobody joined the queue since it was read (else read again).
        ConditionExpression:
          joins === undefined
            ? 'activeRunId = :run AND attribute_not_exists(joins)'
            : 'activeRunId = :run AND joins = :joins',
        ExpressionAttributeValues: {
          ':run': runId,
          ...(joins === undefined ? {} : { ':joins': joins }),
          ...(next === undefined
            ? { ':empty': [] }
            : { ':next': next, ':rest': rest, ':now': deps.now().toISOString() }),
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return releaseLock(deps, datasetGroup, runId, settle);
    throw error;
  }
  return { ...(next === undefined ? {} : { next }), superseded: replaced };
}

/** The run holding the dataset group's lock, if any. */
export async function lockHolder(deps: StateDeps, datasetGroup: string): Promise<string | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }),
  );
  return typeof Item?.activeRunId === 'string' ? Item.activeRunId : undefined;
}
