import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSolutionMetricsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalCloud } from '../../local/cloud/index.js';
import { generateDataset } from '../../local/personalize/data/generate.js';
import { writeDataset } from '../../local/personalize/data/write.js';
import { REALISTIC, scaledProfile } from '../../local/personalize/profile.js';
import { validate } from '../../shared/config/validate.js';
import { describeTask } from '../../shared/schedules/from-config.js';
import { readSchedules, scheduleNamePrefix } from '../../shared/schedules/reconcile.js';
import { listRuns, readRun, type StateDeps, type StepRecord } from '../../shared/state/runs.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { startError } from '../start-error.js';
import { type RunView, runExitCode, watchRun } from '../watch-run.js';
import { scheduleView } from './schedules.js';
import type { Output } from './validate.js';

/**
 * `mpx demo` (= `npm run demo`): mpx doing its whole job on the local cloud,
 * as a user would see it. It starts the local cloud (the realistic latency
 * profile, 600× faster), generates the default example data, uploads data
 * and parameter file under `train/<dataset group>/` (the file last), follows
 * the run, then shows what it made: resources, offline metrics side by side,
 * recommendations with and without a filter, the batch output, the schedules
 * and the notification. Exit codes: 0 the run succeeded; 1 it failed, or the
 * demo could not run (a port in use, no run started), each said in one line;
 * 2 bad options.
 */

export interface DemoOptions {
  readonly keep?: boolean;
  readonly port: string;
  readonly speed: string;
  /** Where the local cloud keeps its state (default: a fresh temporary folder). */
  readonly dataDir?: string;
  /** Redraw the progress table in place (a terminal). */
  readonly live?: boolean;
  /** Writes without a newline (the in-place table). */
  readonly write?: (text: string) => void;
  /** With --keep: resolves when the local cloud should stop (default: on SIGINT or SIGTERM). */
  readonly untilStopped?: () => Promise<void>;
  /** The demo data set's size (tests make it small). */
  readonly users?: number;
  readonly items?: number;
  readonly interactions?: number;
}

const DATASET_GROUP = 'retail-demo';
const DEMO_USER = 'u7';

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

export async function demoCommand(options: DemoOptions, io: Output): Promise<number> {
  const started = Date.now();
  const logs: string[] = [];
  let cloud: LocalCloud | undefined;
  let dataDir: string | undefined;
  try {
    const speed = Number(options.speed);
    if (!(speed > 0)) throw new CommandError(`--speed must be a positive number, not ${options.speed}`, EXIT.USAGE);
    dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'mpx-demo-')));
    const { startLocalCloud } = await import('../../local/cloud/index.js');
    io.out(`Starting the local cloud (Personalize's realistic timings, ${speed}× faster)…`);
    cloud = await startLocalCloud({
      dataDir,
      port: Number(options.port),
      profile: scaledProfile(REALISTIC, speed),
      log: (line) => logs.push(line),
    }).catch((error: unknown) => {
      throw startError(error, 'the local cloud', options.port);
    });
    const packaged = cloud.packaging?.reused
      ? 'reused package'
      : `packaged in ${cloud.packaging?.seconds.toFixed(1)} s`;
    io.out(`Local cloud ready at ${cloud.endpoint} (${packaged}) after ${seconds(started)} s`);
    const code = await runDemo(cloud, dataDir, options, io, started);
    if (code !== EXIT.OK) showLogs(logs, io);
    if (options.keep) {
      for (const line of keepRunningLines(cloud.endpoint, cloud.region, dataDir)) io.out(line);
      await (options.untilStopped ?? untilSignalled)();
    }
    return code;
  } catch (error) {
    // The functions' and the local cloud's last lines usually say why; the error itself stays the last line.
    showLogs(logs, io);
    return reportError('demo', error, io);
  } finally {
    await cloud?.stop();
    if (dataDir && !options.keep && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

function showLogs(logs: readonly string[], io: Output): void {
  if (logs.length === 0) return;
  io.err('Function and local-cloud output (last 40 lines):');
  for (const line of logs.slice(-40)) io.err(`  ${line}`);
}

async function runDemo(
  cloud: LocalCloud,
  dataDir: string,
  options: DemoOptions,
  io: Output,
  started: number,
): Promise<number> {
  const bucket = cloud.outputs.PersonalizeBucketName as string;
  const sdk = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const personalize = new PersonalizeClient(sdk);
  const runtime = new PersonalizeRuntimeClient(sdk);
  const state: StateDeps = {
    db: DynamoDBDocumentClient.from(cloud.clients.dynamodb),
    table: cloud.outputs.RunsTableName as string,
    now: () => new Date(),
  };
  try {
    const inbox = await subscribeInbox(cloud);

    // 1. The data a user would bring, and the parameter file that goes with it.
    const folder = join(dataDir, 'upload');
    const dataset = generateDataset({
      users: options.users ?? 2000,
      items: options.items ?? 1000,
      interactions: options.interactions ?? 60_000,
      seed: 42,
    });
    const written = await writeDataset(dataset, folder, { datasetGroup: DATASET_GROUP });
    const configText = await readFile(join(folder, 'config.json'), 'utf8');
    const config = validate(configText).config;
    if (!config) throw new Error('the generated parameter file does not validate');
    const personalization = `${DATASET_GROUP}-personalization`;
    const batchInput = dataset.users
      .slice(0, 20)
      .map((u) => JSON.stringify({ userId: u.id }))
      .join('\n');

    io.out('');
    io.out(`Uploading to s3://${bucket}/ as a user would (data first, the parameter file last):`);
    for (const file of written.files.filter((f) => f.name !== 'config.json')) {
      const key = `train/${DATASET_GROUP}/${file.name}`;
      await put(cloud, bucket, key, await readFile(file.path));
      io.out(`  ${key}  (${file.rows ?? 0} rows)`);
    }
    const batchKey = `batch/${DATASET_GROUP}/${personalization}/job_config.json`;
    await put(cloud, bucket, batchKey, `${batchInput}\n`);
    io.out(`  ${batchKey}  (20 users for the batch inference job)`);
    await put(cloud, bucket, `train/${DATASET_GROUP}/config.json`, configText);
    io.out(`  train/${DATASET_GROUP}/config.json`);

    // 2. The run, live.
    const runId = await waitForRun(state, DATASET_GROUP);
    io.out('');
    const view: RunView = options.live && options.write ? { kind: 'table', write: options.write } : { kind: 'lines' };
    const ended = await watchRun(state, runId, { view, intervalMs: 250 }, io);
    if (!ended) throw new CommandError(`the run ${runId} is no longer in the runs table`, EXIT.FAILED);
    io.out('');
    const found = await readRun(state, runId);
    const steps = found?.steps.filter((s) => s.kind !== 'notify') ?? [];
    io.out(
      `Run ${runId} ${ended} in ${seconds(Date.parse(found?.run.startedAt ?? ''))} s (Personalize timings ÷ ${options.speed}).`,
    );

    // 3. What it made.
    io.out('');
    io.out('Resources:');
    for (const line of table(
      steps.map((s) => [s.kind, s.name, s.status, s.arn ?? s.failureReason ?? s.skipReason ?? '']),
    ))
      io.out(`  ${line}`);
    if (ended === 'SUCCEEDED') {
      await showMetrics(personalize, steps, io);
      await showRecommendations(runtime, steps, io);
      await showBatchOutput(cloud, bucket, steps, io);
    }
    await showSchedules(cloud, io);
    await showNotification(cloud, inbox, io);
    io.out('');
    io.out(`Demo finished in ${seconds(started)} s.`);
    return runExitCode(ended);
  } finally {
    personalize.destroy();
    runtime.destroy();
  }
}

async function put(cloud: LocalCloud, bucket: string, key: string, body: string | Buffer): Promise<void> {
  await cloud.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

/** An SQS queue subscribed to the notification topic, as a user's subscriber would be. */
async function subscribeInbox(cloud: LocalCloud): Promise<string> {
  const { QueueUrl } = await cloud.clients.sqs.send(new CreateQueueCommand({ QueueName: 'demo-notifications' }));
  const { Attributes } = await cloud.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await cloud.clients.sns.send(
    new SubscribeCommand({ TopicArn: cloud.outputs.SNSTopicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn }),
  );
  return QueueUrl as string;
}

async function waitForRun(state: StateDeps, datasetGroup: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [run] = await listRuns(state, datasetGroup);
    if (run) return run.runId;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new CommandError(
    `no run of ${datasetGroup} started within 30 s of the upload of its parameter file; the function output above says why`,
    EXIT.FAILED,
  );
}

async function showMetrics(personalize: PersonalizeClient, steps: readonly StepRecord[], io: Output): Promise<void> {
  const versions = steps.filter((s) => s.kind === 'solutionVersion' && s.arn);
  const metrics = await Promise.all(
    versions.map(
      async (v) => (await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: v.arn }))).metrics ?? {},
    ),
  );
  const names = [...new Set(metrics.flatMap((m) => Object.keys(m)))].sort();
  io.out('');
  io.out('Offline metrics of the new solution versions (Personalize’s hold-out protocol):');
  const rows = [
    ['metric', ...versions.map((v) => v.name.replace(`${DATASET_GROUP}-`, ''))],
    ...names.map((name) => [
      name,
      ...metrics.map((m) => (m[name] === undefined ? '' : (m[name] as number).toFixed(4))),
    ]),
  ];
  for (const line of table(rows)) io.out(`  ${line}`);
}

async function showRecommendations(
  runtime: PersonalizeRuntimeClient,
  steps: readonly StepRecord[],
  io: Output,
): Promise<void> {
  const campaign = steps.find((s) => s.kind === 'campaign' && s.name === `${DATASET_GROUP}-personalization-campaign`);
  const filter = steps.find((s) => s.kind === 'filter' && s.name === `${DATASET_GROUP}-in-category`);
  if (!campaign?.arn) return;
  const plain = await runtime.send(
    new GetRecommendationsCommand({ campaignArn: campaign.arn, userId: DEMO_USER, numResults: 5 }),
  );
  io.out('');
  io.out(`Recommendations for user ${DEMO_USER} from ${campaign.name}:`);
  io.out(`  ${(plain.itemList ?? []).map((i) => `${i.itemId} (${(i.score ?? 0).toFixed(3)})`).join(', ')}`);
  if (!filter?.arn) return;
  const filtered = await runtime.send(
    new GetRecommendationsCommand({
      campaignArn: campaign.arn,
      userId: DEMO_USER,
      numResults: 5,
      filterArn: filter.arn,
      filterValues: { CATEGORY: '"books"' },
    }),
  );
  io.out(`  with filter ${filter.name} (CATEGORY = "books"):`);
  io.out(`  ${(filtered.itemList ?? []).map((i) => `${i.itemId} (${(i.score ?? 0).toFixed(3)})`).join(', ')}`);
}

async function showBatchOutput(
  cloud: LocalCloud,
  bucket: string,
  steps: readonly StepRecord[],
  io: Output,
): Promise<void> {
  const job = steps.find((s) => s.kind === 'batchInferenceJob' && s.arn);
  if (!job?.arn) return;
  const jobName = job.arn.slice(job.arn.lastIndexOf('/') + 1);
  const key = `batch/${DATASET_GROUP}/${DATASET_GROUP}-personalization/${jobName}/job_config.json.out`;
  const object = await cloud.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const lines = ((await object.Body?.transformToString()) ?? '').trim().split('\n');
  io.out('');
  io.out(`Batch inference output s3://${bucket}/${key} (${lines.length} lines), first 3:`);
  for (const line of lines.slice(0, 3)) io.out(`  ${line.length > 150 ? `${line.slice(0, 147)}...` : line}`);
}

/** The schedules the run put in EventBridge Scheduler for the group, as `mpx schedules list` shows them. */
async function showSchedules(cloud: LocalCloud, io: Output): Promise<void> {
  const deps = { scheduler: cloud.clients.scheduler, groupName: cloud.outputs.ScheduleGroupName as string };
  const schedules = await readSchedules(deps, scheduleNamePrefix(DATASET_GROUP));
  io.out('');
  io.out(`Schedules the run created in EventBridge Scheduler (group ${deps.groupName}; next fire times, UTC):`);
  for (const view of schedules.map((s) => scheduleView(s, new Date()))) {
    const task = view.task ? describeTask(view.task) : '?';
    io.out(`  ${view.name}: ${task}, ${view.expression} → ${view.nextFireTimes.slice(0, 2).join(', ')}`);
  }
}

async function showNotification(cloud: LocalCloud, inbox: string, io: Output): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { Messages } = await cloud.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: inbox, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }),
    );
    const body = Messages?.[0]?.Body;
    if (!body) continue;
    const envelope = JSON.parse(body) as { Subject?: string; Message: string };
    const message = JSON.parse(envelope.Message) as { summary: string; status: string; steps?: unknown[] };
    io.out('');
    io.out(`Notification on the topic (${envelope.Subject}):`);
    io.out(`  ${message.status}: ${message.summary} (${message.steps?.length ?? 0} steps reported)`);
    return;
  }
  io.out('');
  io.out('No notification arrived on the topic within 10 s.');
}

/** What `--keep` prints: where the local cloud's state is and how to point this CLI, the AWS CLI or an SDK at it. */
export function keepRunningLines(endpoint: string, region: string, dataDir: string): string[] {
  return [
    '',
    `The local cloud keeps running (state in ${dataDir}); Ctrl-C stops it. Point any AWS tool at it:`,
    `  export AWS_ENDPOINT_URL=${endpoint} AWS_REGION=${region}`,
    '  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local   # any credentials: the local cloud does not check them',
    `  npx mpx runs list                          # this CLI (or: npx mpx --endpoint ${endpoint} runs list)`,
    '  aws personalize list-campaigns             # the AWS CLI',
    `  new PersonalizeRuntimeClient({ endpoint: '${endpoint}', region: '${region}', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })   # any SDK`,
  ];
}

function untilSignalled(): Promise<void> {
  return new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}
