import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RunPlan } from '../workflow/plan.js';
import { expiresAt, runKey, runsByGroupKey, STEP_PREFIX, stepIdOf, stepKey } from './keys.js';

/**
 * Run and step state. A run is created once per idempotency key (a redelivered
 * trigger finds it); each step records how many of its dependencies are still
 * open, and completing a step decrements its dependents' counters with
 * conditional writes, so the step that brings a counter to zero — and only
 * that one — learns that its dependent is ready (exactly-once enqueue over
 * at-least-once delivery).
 */

export type RunStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED';
export type StepStatus = 'WAITING' | 'READY' | 'DONE' | 'FAILED' | 'SKIPPED';

export interface StepRecord {
  readonly stepId: string;
  readonly kind: string;
  readonly name: string;
  readonly status: StepStatus;
  readonly openDependencies: number;
  readonly dependents: readonly string[];
  readonly arn?: string;
  readonly failureReason?: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly datasetGroup: string;
  readonly trigger: string;
  readonly status: RunStatus;
  readonly startedAt: string;
}

export interface StateDeps {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly now: () => Date;
}

/**
 * Creates the run and its steps unless the run exists already (same id = same
 * trigger). Resolves with the steps ready to start (no dependencies), or an
 * empty list when the run had been created before.
 */
export async function createRun(
  deps: StateDeps,
  run: Omit<RunRecord, 'status' | 'startedAt'>,
  plan: RunPlan,
): Promise<string[]> {
  const now = deps.now();
  const startedAt = now.toISOString();
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.table,
        Item: {
          ...runKey(run.runId),
          ...runsByGroupKey(run.datasetGroup, startedAt, run.runId),
          ...run,
          status: 'RUNNING',
          startedAt,
          expiresAt: expiresAt(now),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return [];
    throw error;
  }
  const dependents = new Map<string, string[]>();
  for (const step of plan.steps)
    for (const dependency of step.dependsOn)
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), step.id]);
  const items = plan.steps.map((step) => ({
    ...stepKey(run.runId, step.id),
    stepId: step.id,
    kind: step.kind,
    name: step.name,
    status: step.dependsOn.length === 0 ? 'READY' : 'WAITING',
    openDependencies: step.dependsOn.length,
    dependents: dependents.get(step.id) ?? [],
    expiresAt: expiresAt(now),
  }));
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await deps.db.send(new BatchWriteCommand({ RequestItems: { [deps.table]: requests } }));
      requests = (result.UnprocessedItems?.[deps.table] ?? []) as typeof requests;
    }
  }
  return plan.steps.filter((s) => s.dependsOn.length === 0).map((s) => s.id);
}

const ignoreConditionFailure = (error: unknown): undefined => {
  if (error instanceof ConditionalCheckFailedException) return undefined;
  throw error;
};

/**
 * Marks a step done and releases its dependents; resolves with the dependents
 * this call made ready. Each (step, dependent) pair decrements the dependent's
 * counter at most once (recorded in `releasedBy`), and only the call that
 * moves a dependent from WAITING to READY gets it back — so duplicate and
 * concurrent deliveries release every step exactly once, and a delivery that
 * follows a crash half-way finishes the decrements the crashed one left.
 */
export async function completeStep(deps: StateDeps, runId: string, stepId: string, arn: string): Promise<string[]> {
  await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: stepKey(runId, stepId),
        UpdateExpression: 'SET #status = :done, arn = :arn, finishedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :done',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'DONE', ':arn': arn, ':now': deps.now().toISOString() },
      }),
    )
    .catch(ignoreConditionFailure);
  const step = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: stepKey(runId, stepId), ConsistentRead: true }),
  );
  const ready: string[] = [];
  for (const dependent of (step.Item?.dependents ?? []) as string[]) {
    const key = stepKey(runId, dependent);
    const decremented = await deps.db
      .send(
        new UpdateCommand({
          TableName: deps.table,
          Key: key,
          UpdateExpression: 'SET openDependencies = openDependencies - :one ADD releasedBy :by',
          ConditionExpression: 'NOT contains(releasedBy, :step)',
          ExpressionAttributeValues: { ':one': 1, ':by': new Set([stepId]), ':step': stepId },
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch(ignoreConditionFailure);
    const state =
      decremented?.Attributes ??
      (await deps.db.send(new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: true }))).Item;
    if (state?.openDependencies !== 0 || state.status !== 'WAITING') continue;
    const claimed = await deps.db
      .send(
        new UpdateCommand({
          TableName: deps.table,
          Key: key,
          UpdateExpression: 'SET #status = :ready',
          ConditionExpression: '#status = :waiting AND openDependencies = :zero',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':ready': 'READY', ':waiting': 'WAITING', ':zero': 0 },
        }),
      )
      .catch(ignoreConditionFailure);
    if (claimed) ready.push(dependent);
  }
  return ready;
}

export async function readRun(
  deps: StateDeps,
  runId: string,
): Promise<{ run: RunRecord; steps: StepRecord[] } | undefined> {
  const run = await deps.db.send(new GetCommand({ TableName: deps.table, Key: runKey(runId) }));
  if (!run.Item) return undefined;
  const steps: StepRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({
        TableName: deps.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :step)',
        ExpressionAttributeValues: { ':pk': runKey(runId).pk, ':step': STEP_PREFIX },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) steps.push({ ...(item as StepRecord), stepId: stepIdOf(item.sk as string) });
    start = page.LastEvaluatedKey;
  } while (start);
  return { run: run.Item as RunRecord, steps };
}

export interface RunSummary {
  readonly runId: string;
  readonly datasetGroup: string;
  readonly trigger: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/** Runs of one dataset group (newest first, through the GSI), or of every group (a scan). */
export async function listRuns(deps: StateDeps, datasetGroup?: string): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey'> = await deps.db.send(
      datasetGroup === undefined
        ? new ScanCommand({
            TableName: deps.table,
            FilterExpression: 'sk = :run',
            ExpressionAttributeValues: { ':run': 'RUN' },
            ExclusiveStartKey: start,
          })
        : new QueryCommand({
            TableName: deps.table,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :group',
            ExpressionAttributeValues: { ':group': runsByGroupKey(datasetGroup, '', '').gsi1pk },
            ScanIndexForward: false,
            ExclusiveStartKey: start,
          }),
    );
    for (const item of page.Items ?? []) {
      runs.push({
        runId: item.runId,
        datasetGroup: item.datasetGroup,
        trigger: item.trigger,
        status: item.status,
        startedAt: item.startedAt,
        ...(item.finishedAt ? { finishedAt: item.finishedAt } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}
