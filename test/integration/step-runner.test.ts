import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import {
  DescribeDatasetImportJobCommand,
  ListEventTrackersCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud/index.js';
import { INSTANT, type LatencyProfile } from '../../local/personalize/profile.js';
import type { NotificationJson } from '../../shared/notify/sns-message.js';
import type { ConfiguredSchedule } from '../../shared/schedules/from-config.js';
import { lockHolder } from '../../shared/state/lock.js';
import {
  claimNotification,
  claimPoll,
  endStep,
  markNotified,
  readRun,
  readStep,
  type StateDeps,
} from '../../shared/state/runs.js';
import { type FinishOutcome, type FinishRunDeps, finishRunMessage } from '../../shared/workflow/finish-run.js';
import type { FinishMessage, RunRequestMessage, StepMessage } from '../../shared/workflow/messages.js';
import { type RunStepDeps, runStep, type StepRunResult } from '../../shared/workflow/run-step.js';
import { type StartOutcome, type StartRunDeps, startRun } from '../../shared/workflow/start-run.js';
import { createRunsTable } from '../support/runs-table.js';
import { interactionsCsv } from '../support/s3.js';

/**
 * The run starter, the step runner and the finisher driven directly, without
 * Lambda or SQS: their queues are in-memory recorders and a tiny pump delivers
 * what they send (ignoring delays), while DynamoDB, S3, SNS and Personalize
 * are the local cloud's, reached through the real SDK clients. Each scenario
 * works on a dataset group of its own.
 */

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const BUCKET = 'mpx-step-runner';
const TABLE = 'runs';
/** Instant Personalize, except the event tracker, which stays CREATE IN_PROGRESS long enough to poll it twice. */
const TRACKER_SECONDS = 1.5;
const PROFILE: LatencyProfile = { ...INSTANT, eventTracker: [0, TRACKER_SECONDS * 1000] };

let dataDir: string;
let cloud: LocalCloud;
let personalize: PersonalizeClient;
let state: StateDeps;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mpx-step-runner-'));
  cloud = await startLocalCloud({ dataDir, projectDir: false, port: 0, account: ACCOUNT, profile: PROFILE });
  await createRunsTable(cloud.clients.dynamodb, TABLE);
  await cloud.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  personalize = new PersonalizeClient({
    endpoint: cloud.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  state = { db: DynamoDBDocumentClient.from(cloud.clients.dynamodb), table: TABLE, now: () => new Date() };
}, 60_000);

afterAll(async () => {
  personalize?.destroy();
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------------
// Factories

/** A small parameter file: one interactions dataset, an event tracker and a popularity-count solution. */
function parameterFile(group: string): Record<string, unknown> {
  return {
    datasetGroup: { serviceConfig: { name: group } },
    datasets: {
      serviceConfig: { importMode: 'FULL' },
      interactions: {
        dataset: { serviceConfig: { name: `${group}-interactions` } },
        schema: {
          serviceConfig: {
            name: `${group}-interactions-schema`,
            schema: {
              type: 'record',
              name: 'Interactions',
              namespace: 'com.amazonaws.personalize.schema',
              fields: [
                { name: 'USER_ID', type: 'string' },
                { name: 'ITEM_ID', type: 'string' },
                { name: 'TIMESTAMP', type: 'long' },
                { name: 'EVENT_TYPE', type: 'string' },
              ],
              version: '1.0',
            },
          },
        },
      },
    },
    eventTracker: { serviceConfig: { name: `${group}-tracker` } },
    solutions: [
      {
        serviceConfig: { name: `${group}-popular`, recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count' },
      },
    ],
  };
}

/** Just enough interactions for Personalize's training checks (1,000, and 25 users with two or more). */
const ENOUGH_INTERACTIONS = interactionsCsv(50, 20, 40);

/** Uploads the group's data, then its parameter file, under `train/<group>/`. */
async function uploadGroup(group: string, interactions = ENOUGH_INTERACTIONS): Promise<void> {
  const put = (key: string, body: string) =>
    cloud.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `train/${group}/${key}`, Body: body }));
  await put('interactions.csv', interactions);
  await put('config.json', JSON.stringify(parameterFile(group), null, 2));
}

const startRequest = (group: string, eventTime = new Date().toISOString()): RunRequestMessage => ({
  version: 1,
  type: 'start',
  trigger: { type: 'upload', bucket: BUCKET, key: `train/${group}/config.json`, eventTime },
});

/** Step ids of the parameter file above. */
const ids = (group: string) => ({
  datasetGroup: 'datasetGroup',
  schema: 'schema:interactions',
  dataset: 'dataset:interactions',
  import: 'datasetImportJob:interactions',
  tracker: 'eventTracker',
  solution: `solution:${group}-popular`,
  version: `solutionVersion:${group}-popular`,
  notify: 'notify',
});

/** An SNS topic of the local cloud with an SQS subscriber, read like the legacy `sqs` notification consumers. */
async function notificationTopic(name: string): Promise<{ topicArn: string; received(): Promise<NotificationJson[]> }> {
  const { sns, sqs } = cloud.clients;
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-inbox` }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }));
  const all: NotificationJson[] = [];
  return {
    topicArn: TopicArn as string,
    /** Every notification received so far (drains the queue until it stays empty for a second). */
    received: async () => {
      for (;;) {
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        if (!Messages || Messages.length === 0) return [...all];
        for (const message of Messages) {
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
          all.push(JSON.parse((JSON.parse(message.Body ?? '{}') as { Message: string }).Message) as NotificationJson);
        }
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A tiny in-memory message pump

type Sent =
  | { readonly queue: 'steps'; readonly message: StepMessage; readonly delaySeconds?: number }
  | { readonly queue: 'finish'; readonly message: FinishMessage };

interface Harness {
  readonly group: string;
  readonly topic: Awaited<ReturnType<typeof notificationTopic>>;
  /** Sent and not delivered yet, oldest first. */
  readonly queue: Sent[];
  /** Everything ever sent to the steps and finish queues. */
  readonly sent: Sent[];
  readonly runRequests: RunRequestMessage[];
  /** Each call to reconcile the group's schedules: the group and the schedules of its file. */
  readonly reconciled: [string, readonly ConfiguredSchedule[]][];
  readonly events: PutEventsRequestEntry[];
  readonly counts: string[];
  readonly metrics: { name: string; value: number; unit: string }[];
  readonly finished: FinishOutcome[];
  readonly startDeps: StartRunDeps;
  readonly stepDeps: RunStepDeps;
  readonly finishDeps: FinishRunDeps;
  start(request?: RunRequestMessage, retry?: boolean): Promise<StartOutcome>;
  deliver(message: StepMessage, retry?: boolean): Promise<StepRunResult>;
  finish(message: FinishMessage): Promise<FinishOutcome>;
  /** Removes and returns the queued message of `stepId`'s poll `poll` (it fails the test when there is none). */
  take(stepId: string, poll: number): StepMessage;
  /**
   * Delivers queued messages in order until the queue is empty, or until the
   * next one matches `stop` (then removes and returns it undelivered).
   */
  pump(stop?: (sent: Sent) => boolean): Promise<Sent | undefined>;
  /** What was sent while `action` ran. */
  sentDuring(action: () => Promise<unknown>): Promise<Sent[]>;
}

let harnesses = 0;

async function harness(group: string): Promise<Harness> {
  harnesses += 1;
  const topic = await notificationTopic(`mpx-${group}-${harnesses}`);
  const queue: Sent[] = [];
  const sent: Sent[] = [];
  const send = (item: Sent) => {
    queue.push(item);
    sent.push(item);
  };
  const runRequests: RunRequestMessage[] = [];
  const reconciled: Harness['reconciled'] = [];
  const events: PutEventsRequestEntry[] = [];
  const counts: string[] = [];
  const metrics: Harness['metrics'] = [];
  const finished: FinishOutcome[] = [];
  const scope = { region: REGION, account: ACCOUNT };
  const sendRunRequest = async (message: RunRequestMessage) => {
    runRequests.push(message);
  };
  const startDeps: StartRunDeps = {
    state,
    bucket: BUCKET,
    s3: cloud.clients.s3,
    sns: cloud.clients.sns,
    topicArn: topic.topicArn,
    sendSteps: async (messages) => {
      for (const message of messages) send({ queue: 'steps', message });
    },
    sendRunRequest,
    dataWaitSeconds: 60,
    pollScale: 1,
  };
  const stepDeps: RunStepDeps = {
    state,
    personalize,
    scope,
    personalizeRoleArn: `arn:aws:iam::${ACCOUNT}:role/mpx-personalize`,
    eventBusName: 'default',
    pollScale: 1,
    sendSteps: async (messages, delaySeconds) => {
      for (const message of messages) send({ queue: 'steps', message, ...(delaySeconds ? { delaySeconds } : {}) });
    },
    sendFinish: async (message) => send({ queue: 'finish', message }),
    putEvents: async (entries) => {
      events.push(...entries);
    },
    telemetry: { count: (name, value = 1) => counts.push(...Array<string>(value).fill(name)) },
    reconcileSchedules: async (datasetGroup, configured) => {
      reconciled.push([datasetGroup, configured]);
      return { created: [], updated: [], deleted: [], unchanged: [] };
    },
    scheduleGroupArn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule-group/mpx-test`,
  };
  const finishDeps: FinishRunDeps = {
    state,
    personalize,
    sns: cloud.clients.sns,
    topicArn: topic.topicArn,
    scope,
    sendRunRequest,
    notifyOn: 'all',
    metric: (name, value, unit) => metrics.push({ name, value, unit }),
  };
  const h: Harness = {
    group,
    topic,
    queue,
    sent,
    runRequests,
    reconciled,
    events,
    counts,
    metrics,
    finished,
    startDeps,
    stepDeps,
    finishDeps,
    start: (request = startRequest(group), retry = false) => startRun(request, startDeps, retry),
    deliver: (message, retry = false) => runStep(message, stepDeps, retry),
    finish: async (message) => {
      const outcome = await finishRunMessage(message, finishDeps);
      finished.push(outcome);
      return outcome;
    },
    take: (stepId, poll) => {
      const index = queue.findIndex(
        (s) => s.queue === 'steps' && s.message.stepId === stepId && s.message.poll === poll,
      );
      const found = queue[index];
      if (found?.queue !== 'steps') throw new Error(`no queued message for ${stepId} poll ${poll}`);
      queue.splice(index, 1);
      return found.message;
    },
    pump: async (stop) => {
      for (let deliveries = 0; deliveries < 1_000; deliveries += 1) {
        const next = queue[0];
        if (!next) return undefined;
        if (stop?.(next)) return queue.shift();
        queue.shift();
        if (next.queue === 'finish') {
          await h.finish(next.message);
          continue;
        }
        // Delays are ignored; a short pause keeps a re-poll loop from hammering the emulator.
        if (next.message.poll > 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await h.deliver(next.message);
      }
      throw new Error(`the run of ${group} did not settle in 1,000 deliveries`);
    },
    sentDuring: async (action) => {
      const before = sent.length;
      await action();
      return sent.slice(before);
    },
  };
  return h;
}

const isStep = (stepId: string, poll: number) => (sent: Sent) =>
  sent.queue === 'steps' && sent.message.stepId === stepId && sent.message.poll === poll;

/** Starts a run of `group` (freshly uploaded) and returns its id. */
async function startedRun(h: Harness): Promise<string> {
  await uploadGroup(h.group);
  const outcome = await h.start();
  expect(outcome).toMatchObject({ status: 'running', datasetGroup: h.group });
  return (outcome as { runId: string }).runId;
}

const byStep = (a: Sent['message'], b: Sent['message']) =>
  ('stepId' in a ? a.stepId : '').localeCompare('stepId' in b ? b.stepId : '');

const DROPPED_DUPLICATE: StepRunResult = { status: 'dropped', why: 'duplicate or stale message' };

// ---------------------------------------------------------------------------------------------------------------

/*
 * Personalize allows five dataset groups per account (the emulator enforces it), so the scenarios share five
 * groups: the finisher's scenario is a second run of the whole run's group, and the duplicate/stale and crash
 * scenarios each walk one run, in the order their `it`s are written.
 */

describe('a whole run, pumped message by message', () => {
  let h: Harness;
  let runId: string;

  beforeAll(async () => {
    h = await harness('sr-whole');
    runId = await startedRun(h);
    await h.pump();
  }, 60_000);

  it('starts with the steps that depend on nothing, each at poll 0', () => {
    expect(h.sent.slice(0, 2).map((s) => s.message)).toEqual([
      { version: 1, runId, stepId: 'datasetGroup', poll: 0 },
      { version: 1, runId, stepId: 'schema:interactions', poll: 0 },
    ]);
  });

  it('ends SUCCEEDED with every step DONE and an ARN for each resource', async () => {
    const found = await readRun(state, runId);
    expect(found?.run).toMatchObject({ runId, datasetGroup: 'sr-whole', status: 'SUCCEEDED' });
    expect(found?.run.notifiedAt).toBeDefined();
    expect(found?.steps.filter((s) => s.status !== 'DONE')).toEqual([]);
    for (const step of found?.steps.filter((s) => s.kind !== 'notify' && s.kind !== 'schedules') ?? [])
      expect(step.arn, step.stepId).toMatch(/^arn:aws:personalize:us-east-1:000000000000:/);
    expect(h.finished).toEqual([{ status: 'SUCCEEDED', runId, notified: true }]);
  });

  it('publishes exactly one notification, saying the run succeeded', async () => {
    const notifications = await h.topic.received();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      datasetGroup: 'sr-whole',
      status: 'UPDATE COMPLETE',
      runId,
      trigger: `upload s3://${BUCKET}/train/sr-whole/config.json`,
    });
    const steps = notifications[0]?.steps ?? [];
    expect(steps.map((s) => s.kind)).toEqual(expect.arrayContaining(['datasetImportJob', 'solutionVersion']));
    expect(steps.filter((s) => s.status !== 'SUCCEEDED')).toEqual([]);
  });

  it('reconciles the group’s schedules once, with the file’s (none)', () => {
    expect(h.reconciled).toEqual([['sr-whole', []]]);
  });

  it('counts the created resources and the success, and frees the dataset group', async () => {
    expect(h.counts).toEqual(expect.arrayContaining(['DatasetGroupCreated', 'SolutionVersionCreated', 'Polls']));
    expect(h.metrics.filter((m) => m.name === 'JobSuccess')).toEqual([{ name: 'JobSuccess', value: 1, unit: 'Count' }]);
    expect(h.events.length).toBeGreaterThan(0);
    expect(await lockHolder(state, 'sr-whole')).toBeUndefined();
  });
});

describe('the finish message of a run (a second run of the whole run’s group)', () => {
  let h: Harness;
  let runId: string;
  let finish: FinishMessage;

  beforeAll(async () => {
    h = await harness('sr-whole');
    const started = await h.start();
    expect(started).toMatchObject({ status: 'running' });
    runId = (started as { runId: string }).runId;
    finish = (await h.pump((sent) => sent.queue === 'finish'))?.message as FinishMessage;
  }, 60_000);

  it('delivered twice at once, publishes exactly one notification', async () => {
    expect(finish).toEqual({ version: 1, runId });
    const outcomes = await Promise.all([h.finish(finish), h.finish(finish)]);
    expect(outcomes.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(outcomes.filter((o) => o.status !== 'dropped' && o.notified)).toHaveLength(1);
    const notifications = await h.topic.received();
    expect(notifications.map((n) => [n.runId, n.status])).toEqual([[runId, 'UPDATE COMPLETE']]);
    expect(h.metrics.filter((m) => m.name === 'JobSuccess')).toHaveLength(1);
  });

  it('redelivered later (a retry after the notification went out), publishes none', async () => {
    expect(await h.finish(finish)).toEqual({ status: 'SUCCEEDED', runId, notified: false });
    expect(await h.topic.received()).toHaveLength(1);
    expect(h.metrics.filter((m) => m.name === 'JobSuccess')).toHaveLength(1);
    expect((await readRun(state, runId))?.run.status).toBe('SUCCEEDED');
  });
});

describe('the notification claim', () => {
  it('lets one sender at a time claim a run’s notification, and another only after a crashed claim lapsed', async () => {
    const at = (iso: string) => ({ ...state, now: () => new Date(iso) });
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { runKey } = await import('../../shared/state/keys.js');
    await state.db.send(
      new PutCommand({ TableName: state.table, Item: { ...runKey('claim-run'), status: 'SUCCEEDED' } }),
    );
    expect(await claimNotification(at('2026-11-28T12:00:00Z'), 'claim-run', 300)).toBe(true);
    // A concurrent delivery (first or retried) is turned away while the claim holds…
    expect(await claimNotification(at('2026-11-28T12:04:00Z'), 'claim-run', 300)).toBe(false);
    // …the redelivery after its holder crashed gets it once the lease has lapsed…
    expect(await claimNotification(at('2026-11-28T12:06:00Z'), 'claim-run', 300)).toBe(true);
    // …and once the notification went out, nobody does.
    await markNotified(state, 'claim-run');
    expect(await claimNotification(at('2026-11-28T13:00:00Z'), 'claim-run', 300)).toBe(false);
  });
});

describe('duplicate and stale step messages', () => {
  const group = 'sr-dup';
  const { tracker, version, solution } = ids(group);
  let h: Harness;
  let runId: string;

  beforeAll(async () => {
    h = await harness(group);
    runId = await startedRun(h);
  }, 60_000);

  it('a stale one (its poll behind the step’s counter) is dropped, retried or not', async () => {
    const poll0 = (await h.pump(isStep(tracker, 0)))?.message as StepMessage;
    expect(await h.deliver(poll0)).toEqual({ status: 'pending', step: `eventTracker ${group}-tracker` });
    expect(await h.deliver(h.take(tracker, 1))).toEqual({ status: 'pending', step: `eventTracker ${group}-tracker` });
    expect((await readStep(state, runId, tracker))?.polls).toBe(2);

    const sent = await h.sentDuring(async () => {
      expect(await h.deliver(poll0)).toEqual(DROPPED_DUPLICATE);
      expect(await h.deliver(poll0, true)).toEqual(DROPPED_DUPLICATE);
    });
    expect(sent).toEqual([]);
    expect((await readStep(state, runId, tracker))?.polls).toBe(2);
    const datasetGroupArn = (await readStep(state, runId, 'datasetGroup'))?.arn;
    const { eventTrackers } = await personalize.send(new ListEventTrackersCommand({ datasetGroupArn }));
    expect(eventTrackers).toHaveLength(1);
  });

  it('a duplicate one (same poll, not a retry) is dropped and never creates a second resource', async () => {
    const message = (await h.pump(isStep(version, 0)))?.message as StepMessage;

    // Two deliveries of the same message at once: one starts the training, the other is turned away.
    const results = await Promise.all([h.deliver(message), h.deliver(message)]);
    expect(results).toContainEqual(DROPPED_DUPLICATE);
    expect(results).toContainEqual({ status: 'pending', step: `solutionVersion ${group}-popular` });
    // And once more, later.
    const late = await h.sentDuring(async () => expect(await h.deliver(message)).toEqual(DROPPED_DUPLICATE));
    expect(late).toEqual([]);

    await h.pump();
    expect((await readRun(state, runId))?.run.status).toBe('SUCCEEDED');
    const solutionArn = (await readStep(state, runId, solution))?.arn;
    const { solutionVersions } = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
    expect(solutionVersions).toHaveLength(1);
    expect(h.sent.filter(isStep(version, 1))).toHaveLength(1);
    expect(await h.topic.received()).toHaveLength(1);
  }, 60_000);
});

describe('crash recovery', () => {
  const group = 'sr-crash';
  const { datasetGroup, tracker } = ids(group);
  let h: Harness;
  let runId: string;

  beforeAll(async () => {
    h = await harness(group);
    runId = await startedRun(h);
  }, 60_000);

  it('a DONE step redelivered as a retry re-sends the dependents its crashed delivery released', async () => {
    const poll1 = (await h.pump(isStep(datasetGroup, 1)))?.message as StepMessage;

    // The delivery of poll 1 found the group ACTIVE and ended the step, then died before sending anything.
    expect(await claimPoll(state, runId, datasetGroup, 1)).toBe(true);
    const arn = (await readStep(state, runId, datasetGroup))?.arn as string;
    const released = await endStep(state, runId, datasetGroup, { arn });
    expect(released).toContain(tracker);

    // A plain duplicate sends nothing…
    const duplicate = await h.sentDuring(async () =>
      expect(await h.deliver(poll1)).toEqual({ status: 'dropped', why: 'step already DONE' }),
    );
    expect(duplicate).toEqual([]);
    // …SQS's redelivery (a retry) sends what the crashed attempt released.
    const resent = await h.sentDuring(async () =>
      expect(await h.deliver(poll1, true)).toEqual({ status: 'dropped', why: 'step already DONE; dependents re-sent' }),
    );
    expect(resent.map((s) => s.message).sort(byStep)).toEqual(
      [...released].sort().map((stepId) => ({ version: 1, runId, stepId, poll: 0 })),
    );
  });

  it('a poll claimed by a delivery that crashed runs again on the retry, which sends the next poll', async () => {
    const poll0 = (await h.pump(isStep(tracker, 0)))?.message as StepMessage;
    expect(await h.deliver(poll0)).toMatchObject({ status: 'pending' });
    const poll1 = h.take(tracker, 1);

    // The delivery of poll 1 claimed it, then died before polling Personalize.
    expect(await claimPoll(state, runId, tracker, 1)).toBe(true);
    // A duplicate of it is still turned away…
    expect(await h.deliver(poll1)).toEqual(DROPPED_DUPLICATE);
    // …but SQS's redelivery of it (a retry) runs the step again.
    const sent = await h.sentDuring(async () =>
      expect(await h.deliver(poll1, true)).toEqual({ status: 'pending', step: `eventTracker ${group}-tracker` }),
    );
    expect(sent).toEqual([
      { queue: 'steps', message: { version: 1, runId, stepId: tracker, poll: 2 }, delaySeconds: expect.any(Number) },
    ]);
  });

  it('and the run still ends SUCCEEDED, with one notification', async () => {
    await h.pump();
    expect((await readRun(state, runId))?.run.status).toBe('SUCCEEDED');
    expect(await h.topic.received()).toHaveLength(1);
  }, 60_000);
});

describe('two runs of one dataset group', () => {
  it('queues the second until the first finishes, then resumes it', async () => {
    const h = await harness('sr-lock');
    await uploadGroup(h.group);
    const first = await h.start(startRequest(h.group, '2026-11-28T10:00:00.000Z'));
    expect(first).toMatchObject({ status: 'running' });
    const firstRunId = (first as { runId: string }).runId;

    let second: StartOutcome | undefined;
    const sentForSecond = await h.sentDuring(async () => {
      second = await h.start(startRequest(h.group, '2026-11-28T10:05:00.000Z'));
    });
    expect(second).toMatchObject({ status: 'queued', datasetGroup: h.group });
    expect(sentForSecond).toEqual([]);
    const secondRunId = (second as { runId: string }).runId;
    expect(secondRunId).not.toBe(firstRunId);
    expect((await readRun(state, secondRunId))?.run.status).toBe('QUEUED');

    await h.pump();
    expect((await readRun(state, firstRunId))?.run.status).toBe('SUCCEEDED');
    expect((await readRun(state, secondRunId))?.run.status).toBe('QUEUED');
    expect(h.runRequests).toEqual([{ version: 1, type: 'resume', runId: secondRunId }]);
    expect(await lockHolder(state, h.group)).toBe(secondRunId);

    const resumed = await h.sentDuring(async () =>
      expect(await h.start(h.runRequests[0])).toEqual({ status: 'running', runId: secondRunId, datasetGroup: h.group }),
    );
    expect(resumed.map((s) => s.message)).toEqual([
      { version: 1, runId: secondRunId, stepId: 'datasetGroup', poll: 0 },
      { version: 1, runId: secondRunId, stepId: 'schema:interactions', poll: 0 },
    ]);
    expect((await readRun(state, secondRunId))?.run.status).toBe('RUNNING');
  }, 60_000);
});

describe('a step that fails', () => {
  let h: Harness;
  let runId: string;

  beforeAll(async () => {
    h = await harness('sr-fail');
    const lines = ENOUGH_INTERACTIONS.split('\n');
    lines[3] = 'u0,i1,not-a-timestamp,click';
    await uploadGroup(h.group, lines.join('\n'));
    const outcome = await h.start();
    runId = (outcome as { runId: string }).runId;
    await h.pump();
  }, 60_000);

  it('ends FAILED with Personalize’s reason', async () => {
    const step = await readStep(state, runId, ids('sr-fail').import);
    expect(step?.status).toBe('FAILED');
    const { datasetImportJob } = await personalize.send(
      new DescribeDatasetImportJobCommand({ datasetImportJobArn: step?.arn }),
    );
    expect(datasetImportJob?.status).toBe('CREATE FAILED');
    expect(datasetImportJob?.failureReason).toMatch(/not-a-timestamp/);
    expect(step?.failureReason).toContain(datasetImportJob?.failureReason);
  });

  it('skips the steps that depend on it, with the reason', async () => {
    const version = await readStep(state, runId, ids('sr-fail').version);
    expect(version).toMatchObject({ status: 'SKIPPED', skipReason: 'datasetImportJob:interactions failed' });
    expect(version?.arn).toBeUndefined();
  });

  it('lets the independent steps finish, and the run end FAILED with one notification', async () => {
    const found = await readRun(state, runId);
    const status = Object.fromEntries((found?.steps ?? []).map((s) => [s.stepId, s.status]));
    const id = ids('sr-fail');
    expect(status).toMatchObject({
      [id.datasetGroup]: 'DONE',
      [id.schema]: 'DONE',
      [id.dataset]: 'DONE',
      [id.import]: 'FAILED',
      [id.tracker]: 'DONE',
      [id.solution]: 'DONE',
      [id.version]: 'SKIPPED',
      [id.notify]: 'DONE',
    });
    expect(found?.run.status).toBe('FAILED');
    const notifications = await h.topic.received();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ runId, status: 'UPDATE FAILED' });
    expect(notifications[0]?.description).toMatch(/^datasetImportJob interactions: .*not-a-timestamp/);
    expect(h.metrics.map((m) => m.name)).toContain('JobFailure');
  });
});

describe('a parameter file whose declared datasets lack data', () => {
  /** The small file, with a users dataset declared too. */
  function withUsers(group: string): Record<string, unknown> {
    const file = parameterFile(group) as { datasets: Record<string, unknown> };
    file.datasets.users = {
      dataset: { serviceConfig: { name: `${group}-users` } },
      schema: {
        serviceConfig: {
          name: `${group}-users-schema`,
          schema: {
            type: 'record',
            name: 'Users',
            namespace: 'com.amazonaws.personalize.schema',
            fields: [
              { name: 'USER_ID', type: 'string' },
              { name: 'TIER', type: 'string', categorical: true },
            ],
            version: '1.0',
          },
        },
      },
    };
    return file;
  }
  const put = (key: string, body: string) =>
    cloud.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  /** The starter's view of time, `seconds` from now. */
  const later = (h: Harness, seconds: number): StartRunDeps => ({
    ...h.startDeps,
    state: { ...state, now: () => new Date(Date.now() + seconds * 1000) },
  });

  it('waits while CSVs are still arriving, so users uploaded after interactions make the run', async () => {
    const h = await harness('sr-arriving');
    await put('train/sr-arriving/interactions.csv', ENOUGH_INTERACTIONS);
    await put('train/sr-arriving/config.json', JSON.stringify(withUsers('sr-arriving')));
    expect(await h.start()).toEqual({ status: 'awaiting-data', datasetGroup: 'sr-arriving' });
    expect(h.runRequests).toEqual([
      expect.objectContaining({ type: 'await-data', trigger: expect.objectContaining({ key: expect.any(String) }) }),
    ]);
    await put('train/sr-arriving/users.csv', 'USER_ID,TIER\nu1,gold\nu2,silver\n');
    // A minute later nothing new arrived: the run starts, importing both.
    const outcome = await startRun(h.runRequests[0] as RunRequestMessage, later(h, 61), false);
    expect(outcome).toMatchObject({ status: 'running', datasetGroup: 'sr-arriving' });
    const found = await readRun(state, (outcome as { runId: string }).runId);
    expect(found?.steps.filter((s) => s.kind === 'datasetImportJob').map((s) => s.stepId)).toEqual([
      'datasetImportJob:interactions',
      'datasetImportJob:users',
    ]);
  });

  it('starts without a dataset that gets no CSV once the folder is quiet (its data may be streamed)', async () => {
    const h = await harness('sr-streamed');
    await put('train/sr-streamed/interactions.csv', ENOUGH_INTERACTIONS);
    await put('train/sr-streamed/config.json', JSON.stringify(withUsers('sr-streamed')));
    const outcome = await startRun(startRequest('sr-streamed'), later(h, 61), false);
    expect(outcome).toMatchObject({ status: 'running' });
    const found = await readRun(state, (outcome as { runId: string }).runId);
    expect(found?.steps.map((s) => s.stepId)).toContain('dataset:users');
    expect(found?.steps.map((s) => s.stepId)).not.toContain('datasetImportJob:users');
  });

  it('gives up at the deadline when no interactions came, saying so and creating nothing', async () => {
    const h = await harness('sr-nodata');
    await put('train/sr-nodata/config.json', JSON.stringify(parameterFile('sr-nodata')));
    const request: RunRequestMessage = {
      version: 1,
      type: 'await-data',
      trigger: {
        type: 'upload',
        bucket: BUCKET,
        key: 'train/sr-nodata/config.json',
        eventTime: new Date().toISOString(),
      },
      deadline: new Date(Date.now() - 1000).toISOString(),
    };
    expect(await h.start(request)).toEqual({ status: 'no-data', datasetGroup: 'sr-nodata' });
    expect(h.runRequests).toEqual([]);
    const [notification, ...others] = await h.topic.received();
    expect(others).toEqual([]);
    expect(notification).toMatchObject({ datasetGroup: 'sr-nodata', status: 'UPDATE FAILED' });
    expect(JSON.stringify(notification?.description)).toMatch(/datasets\.interactions: no interactions data arrived/);
  });
});
