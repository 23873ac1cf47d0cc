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
import type { StepDesired } from '../resources/desired.js';
import type { RunPlan, StepKind } from '../workflow/plan.js';
import { expiresAt, runKey, runsByGroupKey, STEP_PREFIX, stepIdOf, stepKey } from './keys.js';

/**
 * Run and step state. A run is created once per idempotency key (a redelivered
 * trigger finds it); each step records how many of its dependencies are still
 * open, and completing a step decrements its dependents' counters with
 * conditional writes, so the step that brings a counter to zero — and only
 * that one — learns that its dependent is ready (exactly-once enqueue over
 * at-least-once delivery).
 */

/** CREATING only while the steps are being written; `mpx runs` shows it as QUEUED. */
export type RunStatus = 'CREATING' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SUPERSEDED';
export type StepStatus = 'WAITING' | 'READY' | 'DONE' | 'FAILED' | 'SKIPPED';

export interface StepRecord {
  readonly stepId: string;
  readonly kind: StepKind;
  readonly name: string;
  readonly status: StepStatus;
  readonly openDependencies: number;
  readonly dependents: readonly string[];
  readonly desired: StepDesired;
  /** ARNs of the finished dependencies, by step id. */
  readonly inputs: Readonly<Record<string, string>>;
  /** How many times the step has run (its first run is poll 0). */
  readonly polls: number;
  readonly arn?: string;
  /** Personalize's last reported status. */
  readonly lastStatus?: string;
  readonly failureReason?: string;
  /** Why the step cannot run: a dependency failed. */
  readonly skipReason?: string;
  readonly intentAt?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** True when this run created (or updated) the resource rather than finding it ready. */
  readonly created?: boolean;
  /** What the run report must say besides the status (a re-used resource, a held promotion). */
  readonly note?: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly datasetGroup: string;
  /** `upload s3://bucket/train/x/config.json`, `schedule mpx-dev-x-import`… */
  readonly trigger: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly notifiedAt?: string;
  /** The run that replaced this one while it waited. */
  readonly supersededBy?: string;
}

export interface StateDeps {
  readonly db: DynamoDBDocumentClient;
  readonly table: string;
  readonly now: () => Date;
}

const TERMINAL: ReadonlySet<StepStatus> = new Set(['DONE', 'FAILED', 'SKIPPED']);
export const isTerminal = (status: StepStatus): boolean => TERMINAL.has(status);

export type CreateOutcome = 'created' | 'exists' | 'creating-elsewhere';

/**
 * Creates the run and its steps unless the run exists already (same id = same
 * trigger). The run item is written first (CREATING), then the steps, then
 * the run becomes QUEUED; a concurrent duplicate trigger sees CREATING and
 * leaves the work to the first, and a redelivery after a crash half-way
 * (`retry`) writes the steps again — nothing has run yet, so nothing is lost.
 */
export async function createRun(
  deps: StateDeps,
  run: Omit<RunRecord, 'status' | 'startedAt'>,
  plan: RunPlan,
  options: { readonly retry?: boolean } = {},
): Promise<CreateOutcome> {
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
          status: 'CREATING',
          startedAt,
          stepCount: plan.steps.length,
          expiresAt: expiresAt(now),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const existing = await deps.db.send(
      new GetCommand({ TableName: deps.table, Key: runKey(run.runId), ConsistentRead: true }),
    );
    if (existing.Item?.status !== 'CREATING') return 'exists';
    if (!options.retry) return 'creating-elsewhere';
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
    desired: step.desired,
    inputs: {},
    polls: 0,
    expiresAt: expiresAt(now),
  }));
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const result = await deps.db.send(new BatchWriteCommand({ RequestItems: { [deps.table]: requests } }));
      requests = (result.UnprocessedItems?.[deps.table] ?? []) as typeof requests;
    }
  }
  await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(run.runId),
        UpdateExpression: 'SET #status = :queued',
        ConditionExpression: '#status = :creating',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':queued': 'QUEUED', ':creating': 'CREATING' },
      }),
    )
    .catch(ignoreConditionFailure);
  return 'created';
}

/** Steps that are READY and never ran: the ones to send when a run starts (or a start is redelivered). */
export async function unstartedSteps(deps: StateDeps, runId: string): Promise<string[]> {
  const found = await readRun(deps, runId);
  return (found?.steps ?? []).filter((s) => s.status === 'READY' && s.polls === 0).map((s) => s.stepId);
}

const ignoreConditionFailure = (error: unknown): undefined => {
  if (error instanceof ConditionalCheckFailedException) return undefined;
  throw error;
};

/** QUEUED → RUNNING once the run holds its dataset group's lock; false when it was not QUEUED. */
export async function markRunning(deps: StateDeps, runId: string): Promise<boolean> {
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(runId),
        UpdateExpression: 'SET #status = :running, runningAt = :now',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING', ':queued': 'QUEUED', ':now': deps.now().toISOString() },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

/** RUNNING → SUCCEEDED | FAILED; false when another delivery finished it first. */
export async function finishRun(deps: StateDeps, runId: string, status: 'SUCCEEDED' | 'FAILED'): Promise<boolean> {
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(runId),
        UpdateExpression: 'SET #status = :status, finishedAt = :now',
        ConditionExpression: '#status = :running',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status, ':running': 'RUNNING', ':now': deps.now().toISOString() },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

/** QUEUED → SUPERSEDED: a newer request of the same kind replaced this waiting run (reported, not lost). */
export async function markSuperseded(deps: StateDeps, runId: string, by: string): Promise<boolean> {
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(runId),
        UpdateExpression: 'SET #status = :superseded, supersededBy = :by, finishedAt = :now',
        ConditionExpression: '#status = :queued',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':superseded': 'SUPERSEDED',
          ':queued': 'QUEUED',
          ':by': by,
          ':now': deps.now().toISOString(),
        },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

/**
 * Claims the sending of the run's notification for `leaseSeconds`: false when
 * it went out already, or another delivery is sending it right now. A claim
 * whose holder crashed lapses, so the message's redelivery (after the queue's
 * visibility timeout) sends it — exactly once, short of a crash between the
 * publish and `markNotified`.
 */
export async function claimNotification(deps: StateDeps, runId: string, leaseSeconds: number): Promise<boolean> {
  const now = deps.now();
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(runId),
        UpdateExpression: 'SET notifyClaimedAt = :now',
        ConditionExpression:
          'attribute_not_exists(notifiedAt) AND (attribute_not_exists(notifyClaimedAt) OR notifyClaimedAt < :lapsed)',
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':lapsed': new Date(now.getTime() - leaseSeconds * 1000).toISOString(),
        },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

/** Records that the run's notification went out; false when it had been recorded already. */
export async function markNotified(deps: StateDeps, runId: string): Promise<boolean> {
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: runKey(runId),
        UpdateExpression: 'SET notifiedAt = :now',
        ConditionExpression: 'attribute_not_exists(notifiedAt)',
        ExpressionAttributeValues: { ':now': deps.now().toISOString() },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

export async function readStep(deps: StateDeps, runId: string, stepId: string): Promise<StepRecord | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: stepKey(runId, stepId), ConsistentRead: true }),
  );
  return Item ? ({ ...Item, stepId } as StepRecord) : undefined;
}

/**
 * Claims poll number `poll` of a READY step: only one delivery of the message
 * for that poll gets true (duplicates of a message see the counter moved on).
 */
export async function claimPoll(deps: StateDeps, runId: string, stepId: string, poll: number): Promise<boolean> {
  const now = deps.now().toISOString();
  const updated = await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: stepKey(runId, stepId),
        UpdateExpression: 'SET polls = :next, startedAt = if_not_exists(startedAt, :now), polledAt = :now',
        ConditionExpression: '#status = :ready AND polls = :poll',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':next': poll + 1, ':poll': poll, ':ready': 'READY', ':now': now },
      }),
    )
    .catch(ignoreConditionFailure);
  return updated !== undefined;
}

/** The time of the step's first create attempt, recorded before it (the intent); the same on every later call. */
export async function recordIntent(deps: StateDeps, runId: string, stepId: string): Promise<Date> {
  const { Attributes } = await deps.db.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: stepKey(runId, stepId),
      UpdateExpression: 'SET intentAt = if_not_exists(intentAt, :now)',
      ExpressionAttributeValues: { ':now': deps.now().toISOString() },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return new Date(String(Attributes?.intentAt));
}

/** Remembers what Personalize said last (for `mpx runs show` and the notification). */
export async function recordProgress(
  deps: StateDeps,
  runId: string,
  stepId: string,
  progress: { readonly arn?: string; readonly lastStatus: string; readonly created?: boolean; readonly note?: string },
): Promise<void> {
  const sets = ['lastStatus = :status'];
  const values: Record<string, unknown> = { ':status': progress.lastStatus };
  if (progress.note) {
    sets.push('note = :note');
    values[':note'] = progress.note;
  }
  if (progress.arn) {
    sets.push('arn = :arn');
    values[':arn'] = progress.arn;
  }
  if (progress.created) {
    sets.push('created = :created');
    values[':created'] = true;
  }
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: stepKey(runId, stepId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeValues: values,
    }),
  );
}

type Ending = { readonly arn: string } | { readonly failureReason: string; readonly arn?: string };

/**
 * Ends a step (DONE with its ARN, or FAILED with the reason) and releases its
 * dependents; resolves with the dependents this call made ready. Each (step,
 * dependent) pair decrements the dependent's counter at most once (recorded in
 * `releasedBy`), and only the call that moves a dependent from WAITING to
 * READY gets it back — so duplicate and concurrent deliveries release every
 * step exactly once, and a delivery that follows a crash half-way finishes the
 * decrements the crashed one left. A done step hands its ARN to its
 * dependents' `inputs`; a failed one makes its dependents SKIPPED (with the
 * reason) once their counters reach zero, and so on down the graph — except
 * the final notify step, which always runs. Independent branches go on.
 */
export async function endStep(deps: StateDeps, runId: string, stepId: string, ending: Ending): Promise<string[]> {
  const failure = 'failureReason' in ending ? ending.failureReason : undefined;
  const values: Record<string, unknown> = {
    ':status': failure === undefined ? 'DONE' : 'FAILED',
    ':now': deps.now().toISOString(),
    ':done': 'DONE',
    ':failed': 'FAILED',
    ':skipped': 'SKIPPED',
  };
  const sets = ['#status = :status', 'finishedAt = :now'];
  if (ending.arn) {
    sets.push('arn = :arn');
    values[':arn'] = ending.arn;
  }
  if (failure !== undefined) {
    sets.push('failureReason = :reason');
    values[':reason'] = failure;
  }
  await deps.db
    .send(
      new UpdateCommand({
        TableName: deps.table,
        Key: stepKey(runId, stepId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND NOT #status IN (:done, :failed, :skipped)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      }),
    )
    .catch(ignoreConditionFailure);
  return release(deps, runId, stepId);
}

/** Marks a step done and releases its dependents (see `endStep`). */
export const completeStep = (deps: StateDeps, runId: string, stepId: string, arn: string): Promise<string[]> =>
  endStep(deps, runId, stepId, { arn });

async function release(deps: StateDeps, runId: string, stepId: string): Promise<string[]> {
  const step = await readStep(deps, runId, stepId);
  if (!step || !isTerminal(step.status)) return [];
  const skipReason =
    step.status === 'FAILED'
      ? `${stepId} failed`
      : step.status === 'SKIPPED'
        ? (step.skipReason ?? `${stepId} was skipped`)
        : undefined;
  const ready: string[] = [];
  for (const dependent of step.dependents) {
    const key = stepKey(runId, dependent);
    const sets = ['openDependencies = openDependencies - :one'];
    const values: Record<string, unknown> = { ':one': 1, ':by': new Set([stepId]), ':step': stepId };
    const names: Record<string, string> = {};
    if (step.status === 'DONE' && step.arn) {
      sets.push('inputs.#from = :arn');
      names['#from'] = stepId;
      values[':arn'] = step.arn;
    }
    if (skipReason !== undefined) {
      sets.push('skipReason = if_not_exists(skipReason, :skip)');
      values[':skip'] = skipReason;
    }
    const decremented = await deps.db
      .send(
        new UpdateCommand({
          TableName: deps.table,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')} ADD releasedBy :by`,
          ConditionExpression: 'NOT contains(releasedBy, :step)',
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch(ignoreConditionFailure);
    const state =
      decremented?.Attributes ??
      (await deps.db.send(new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: true }))).Item;
    if (!state) continue;
    if (state.status === 'SKIPPED') {
      // A crash may have left a skipped step's own dependents unreleased.
      ready.push(...(await release(deps, runId, dependent)));
      continue;
    }
    if (state.openDependencies !== 0 || state.status !== 'WAITING') continue;
    const skip = state.skipReason !== undefined && state.kind !== 'notify';
    const claimed = await deps.db
      .send(
        new UpdateCommand({
          TableName: deps.table,
          Key: key,
          UpdateExpression: skip ? 'SET #status = :next, finishedAt = :now' : 'SET #status = :next',
          ConditionExpression: '#status = :waiting AND openDependencies = :zero',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':next': skip ? 'SKIPPED' : 'READY',
            ':waiting': 'WAITING',
            ':zero': 0,
            ...(skip ? { ':now': deps.now().toISOString() } : {}),
          },
        }),
      )
      .catch(ignoreConditionFailure);
    if (!claimed) continue;
    if (skip) ready.push(...(await release(deps, runId, dependent)));
    else ready.push(dependent);
  }
  return ready;
}

/**
 * The dependents of a step that are READY but never ran: after a crash between
 * releasing them and sending their messages, a redelivery sends them again
 * (a duplicate message is harmless: `claimPoll` lets one through).
 */
export async function unstartedDependents(deps: StateDeps, runId: string, stepId: string): Promise<string[]> {
  const step = await readStep(deps, runId, stepId);
  const found: string[] = [];
  for (const dependent of step?.dependents ?? []) {
    const state = await readStep(deps, runId, dependent);
    if (state?.status === 'READY' && state.polls === 0) found.push(dependent);
    else if (state?.status === 'SKIPPED') found.push(...(await unstartedDependents(deps, runId, dependent)));
  }
  return found;
}

export async function readRun(
  deps: StateDeps,
  runId: string,
): Promise<{ run: RunRecord; steps: StepRecord[] } | undefined> {
  const run = await deps.db.send(new GetCommand({ TableName: deps.table, Key: runKey(runId), ConsistentRead: true }));
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
        ConsistentRead: true,
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
        status: item.status === 'CREATING' ? 'QUEUED' : item.status,
        startedAt: item.startedAt,
        ...(item.finishedAt ? { finishedAt: item.finishedAt } : {}),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}
