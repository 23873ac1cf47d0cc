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

/** Takes the lock for `runId`, or queues `runId` behind the active run. */
export async function acquireLock(deps: StateDeps, datasetGroup: string, runId: string): Promise<LockOutcome> {
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
        UpdateExpression: 'SET waiting = list_append(if_not_exists(waiting, :empty), :run)',
        ConditionExpression: 'attribute_exists(activeRunId) AND activeRunId <> :id AND NOT contains(waiting, :id)',
        ExpressionAttributeValues: { ':empty': [], ':run': [runId], ':id': runId },
        ReturnValues: 'ALL_NEW',
      }),
    )
    .catch(async (error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return deps.db.send(new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }));
    });
  const item = 'Attributes' in lock ? lock.Attributes : (lock as { Item?: Record<string, unknown> }).Item;
  if (item?.activeRunId === runId) return { acquired: true };
  return { acquired: false, activeRunId: String(item?.activeRunId) };
}

/** Releases the lock held by `runId`; resolves with the run that now holds it, if one was waiting. */
export async function releaseLock(deps: StateDeps, datasetGroup: string, runId: string): Promise<string | undefined> {
  const current = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }),
  );
  if (current.Item?.activeRunId !== runId) return undefined;
  const waiting = (current.Item.waiting ?? []) as string[];
  const next = waiting[0];
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: lockKey(datasetGroup),
        UpdateExpression:
          next === undefined ? 'REMOVE activeRunId' : 'SET activeRunId = :next, waiting = :rest, since = :now',
        ConditionExpression: 'activeRunId = :run',
        ExpressionAttributeValues: {
          ':run': runId,
          ...(next === undefined ? {} : { ':next': next, ':rest': waiting.slice(1), ':now': deps.now().toISOString() }),
        },
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
  return next;
}

/** The run holding the dataset group's lock, if any. */
export async function lockHolder(deps: StateDeps, datasetGroup: string): Promise<string | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: lockKey(datasetGroup), ConsistentRead: true }),
  );
  return typeof Item?.activeRunId === 'string' ? Item.activeRunId : undefined;
}
