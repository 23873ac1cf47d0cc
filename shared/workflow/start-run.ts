import { createHash } from 'node:crypto';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ParameterFile } from '../config/types.js';
import { validate } from '../config/validate.js';
import { configurationErrorNotification } from '../notify/sns-message.js';
import { acquireLock } from '../state/lock.js';
import { createRun, markRunning, readRun, type StateDeps, unstartedSteps } from '../state/runs.js';
import {
  DATA_KINDS,
  dataFolderOf,
  dataModifiedAt,
  findDataLocations,
  type ListedObject,
} from '../uploads/data-locations.js';
import type { RunRequestMessage, ScheduledRunRequest, StepMessage, UploadTrigger } from './messages.js';
import { planRun } from './plan.js';
import type { RunPolicy } from './policy.js';

/**
 * The run starter: turns a trigger into a planned, persisted run, takes the
 * dataset group's lock (or queues behind the active run) and sends the steps
 * that can start. Safe to run twice with the same message: the run id is
 * derived from the trigger, creation is conditional, the lock is re-entrant,
 * and a duplicate step message is let through only once (`claimPoll`).
 */

export interface StartRunDeps {
  readonly state: StateDeps;
  /** The data bucket (scheduled runs read their parameter file and data there). */
  readonly bucket: string;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly sendSteps: (messages: readonly StepMessage[]) => Promise<void>;
  /** Sends a request back to the runs queue after a delay (looking again for data). */
  readonly sendRunRequest: (message: RunRequestMessage, delaySeconds: number) => Promise<void>;
  /** How long a parameter file waits for its data before the run is given up. */
  readonly dataWaitSeconds: number;
  /** Multiplies the delay between looks for data (1 on AWS). */
  readonly pollScale: number;
  /** The ordering policy (benchmarks replay the original's with `reference`). */
  readonly policy?: RunPolicy;
}

export type StartOutcome =
  | { readonly status: 'invalid'; readonly datasetGroup: string; readonly errors: number }
  | { readonly status: 'running' | 'queued' | 'duplicate'; readonly runId: string; readonly datasetGroup: string }
  | { readonly status: 'awaiting-data' | 'no-data'; readonly datasetGroup: string }
  | { readonly status: 'unknown-run'; readonly runId: string };

/** Seconds between two looks for the data of a parameter file uploaded before it. */
export const DATA_CHECK_SECONDS = 60;

const stamp = (time: string) => time.replace(/[-:]/g, '').replace(/\.\d+/, '');
const hash = (...parts: readonly string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 10);

/** `20261128T120102Z-3fa9c2d1e0`: sortable by trigger time, the same for every delivery of one trigger. */
export function runIdFor(trigger: UploadTrigger): string {
  return `${stamp(trigger.eventTime)}-${hash(trigger.bucket, trigger.key, trigger.versionId ?? '', trigger.eTag ?? '', trigger.eventTime)}`;
}

/** The run of one firing of a schedule: the same for every delivery (and retry) of that firing. */
export function scheduledRunId(request: ScheduledRunRequest): string {
  return `${stamp(request.scheduledTime)}-${hash(request.scheduleName, request.scheduledTime)}`;
}

export const triggerLabel = (trigger: UploadTrigger): string => `upload s3://${trigger.bucket}/${trigger.key}`;

async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? [])
      if (object.Key)
        objects.push({ key: object.Key, ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
  }
  return objects;
}

/** Takes the lock and sends the ready steps, or leaves the run QUEUED behind the group's active run. */
async function launch(
  deps: StartRunDeps,
  runId: string,
  datasetGroup: string,
  kind: string,
): Promise<'running' | 'queued'> {
  const lock = await acquireLock(deps.state, datasetGroup, runId, kind);
  if (!lock.acquired) return 'queued';
  await markRunning(deps.state, runId);
  const ready = await unstartedSteps(deps.state, runId);
  await deps.sendSteps(ready.map((stepId) => ({ version: 1, runId, stepId, poll: 0 })));
  return 'running';
}

async function readConfig(deps: StartRunDeps, bucket: string, key: string, versionId?: string) {
  const object = await deps.s3.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
  );
  return validate((await object.Body?.transformToString('utf-8')) ?? '');
}

async function reportInvalid(
  deps: StartRunDeps,
  datasetGroup: string,
  location: string,
  errors: readonly { path: string; message: string }[],
): Promise<StartOutcome> {
  const notification = configurationErrorNotification(datasetGroup, location, errors);
  await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...notification }));
  return { status: 'invalid', datasetGroup, errors: errors.length };
}

/** Plans, persists and launches a run; `retry` when SQS delivers the request again. */
async function startPlanned(
  deps: StartRunDeps,
  run: { readonly runId: string; readonly datasetGroup: string; readonly trigger: string; readonly kind: string },
  plan: ReturnType<typeof planRun>,
  retry: boolean,
): Promise<StartOutcome> {
  const { runId, datasetGroup } = run;
  const created = await createRun(deps.state, { runId, datasetGroup, trigger: run.trigger }, plan, { retry });
  if (created === 'creating-elsewhere') return { status: 'duplicate', runId, datasetGroup };
  const found = await readRun(deps.state, runId);
  if (found && ['SUCCEEDED', 'FAILED', 'SUPERSEDED'].includes(found.run.status))
    return { status: 'duplicate', runId, datasetGroup };
  return { status: await launch(deps, runId, datasetGroup, run.kind), runId, datasetGroup };
}

/** An upload: the exact version uploaded, with the data next to it — or a bounded wait for that data. */
async function startUpload(
  deps: StartRunDeps,
  trigger: UploadTrigger,
  deadline: string | undefined,
  retry: boolean,
): Promise<StartOutcome> {
  const result = await readConfig(deps, trigger.bucket, trigger.key, trigger.versionId);
  if (!result.config) {
    // Uploaded again since onConfigUpload checked it (an unversioned bucket): report as it would have.
    const datasetGroup = /^train\/([^/]+)\//.exec(trigger.key)?.[1] ?? 'UNKNOWN';
    return reportInvalid(deps, datasetGroup, `s3://${trigger.bucket}/${trigger.key}`, result.errors);
  }
  const config = result.config;
  const datasetGroup = config.datasetGroup.serviceConfig.name ?? '';
  const folder = dataFolderOf(trigger.key);
  const objects = await listObjects(deps.s3, trigger.bucket, folder);
  const data = findDataLocations(
    trigger.bucket,
    folder,
    objects.map((o) => o.key),
  );
  const declared = DATA_KINDS.filter((kind) => config.datasets[kind] !== undefined);
  const missing = declared.filter((kind) => data[kind] === undefined);
  const waiting =
    data.interactions === undefined || (missing.length > 0 && stillArriving(objects, deps.state.now(), deps.pollScale));
  if (waiting) {
    const until = deadline ?? new Date(deps.state.now().getTime() + deps.dataWaitSeconds * 1000).toISOString();
    if (deps.state.now().toISOString() < until) {
      const delay = Math.max(1, Math.round(DATA_CHECK_SECONDS * deps.pollScale));
      await deps.sendRunRequest({ version: 1, type: 'await-data', trigger, deadline: until }, delay);
      return { status: 'awaiting-data', datasetGroup };
    }
    // Out of time: a run without interactions cannot train; without the others it can (they may be streamed).
    if (data.interactions === undefined) return reportNoData(deps, trigger, datasetGroup, folder);
  }
  const plan = planRun(config, data, trigger.bucket, {
    dataModifiedAt: dataModifiedAt(trigger.bucket, data, objects),
    ...(deps.policy ? { policy: deps.policy } : {}),
  });
  return startPlanned(
    deps,
    { runId: runIdFor(trigger), datasetGroup, trigger: triggerLabel(trigger), kind: 'upload' },
    plan,
    retry,
  );
}

/**
 * Whether data is still arriving next to a parameter file (REFERENCE.md
 * defect 18): a CSV in the folder changed within the last look's
 * interval. A file whose declared datasets lack data waits while the folder
 * changes, so CSVs uploaded one after another all make the run; a dataset
 * that never gets a CSV (streamed with PutUsers, say) costs one look.
 */
export function stillArriving(objects: readonly ListedObject[], now: Date, pollScale: number): boolean {
  const window = Math.max(1, DATA_CHECK_SECONDS * pollScale) * 1000;
  return objects.some(
    (o) =>
      o.key.toLowerCase().endsWith('.csv') &&
      o.lastModified !== undefined &&
      now.getTime() - o.lastModified.getTime() < window,
  );
}

/** The wait for interactions ran out: say so, create nothing. */
async function reportNoData(
  deps: StartRunDeps,
  trigger: UploadTrigger,
  datasetGroup: string,
  folder: string,
): Promise<StartOutcome> {
  await reportInvalid(deps, datasetGroup, `s3://${trigger.bucket}/${trigger.key}`, [
    {
      path: 'datasets.interactions',
      message: `no interactions data arrived in s3://${trigger.bucket}/${folder} (interactions.csv or an interactions/ folder of CSV files) within ${deps.dataWaitSeconds} s of the parameter file; upload the data, then the parameter file again`,
    },
  ]);
  return { status: 'no-data', datasetGroup };
}

/** The parameter file a scheduled run reads: the newest `.json` directly in `train/<dataset group>/`. */
function newestConfigKey(objects: readonly ListedObject[], folder: string): string | undefined {
  return objects
    .filter((o) => o.key.endsWith('.json') && !o.key.slice(folder.length).includes('/'))
    .sort((a, b) => (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0))[0]?.key;
}

async function startScheduled(
  deps: StartRunDeps,
  bucket: string,
  request: ScheduledRunRequest,
  retry: boolean,
): Promise<StartOutcome> {
  const folder = `train/${request.datasetGroup}/`;
  const objects = await listObjects(deps.s3, bucket, folder);
  const key = newestConfigKey(objects, folder);
  if (!key) {
    return reportInvalid(deps, request.datasetGroup, `s3://${bucket}/${folder}`, [
      { path: '', message: `schedule ${request.scheduleName} fired, but there is no parameter file in ${folder}` },
    ]);
  }
  const result = await readConfig(deps, bucket, key);
  if (!result.config) return reportInvalid(deps, request.datasetGroup, `s3://${bucket}/${key}`, result.errors);
  const config: ParameterFile = result.config;
  const data = findDataLocations(
    bucket,
    folder,
    objects.map((o) => o.key),
  );
  const plan = planRun(config, data, bucket, {
    dataModifiedAt: dataModifiedAt(bucket, data, objects),
    task: request.task,
    ...(deps.policy ? { policy: deps.policy } : {}),
  });
  return startPlanned(
    deps,
    {
      runId: scheduledRunId(request),
      datasetGroup: request.datasetGroup,
      trigger: `schedule ${request.scheduleName} ${request.scheduledTime}`,
      kind: `schedule:${request.scheduleName}`,
    },
    plan,
    retry,
  );
}

/**
 * Handles one runs-queue message. `retry` is true when SQS delivers it again
 * (a previous attempt failed or crashed). Throws on I/O failures only, so the
 * message is retried; an invalid parameter file is reported and ends here.
 */
export async function startRun(message: RunRequestMessage, deps: StartRunDeps, retry: boolean): Promise<StartOutcome> {
  switch (message.type) {
    case 'resume': {
      const found = await readRun(deps.state, message.runId);
      if (!found) return { status: 'unknown-run', runId: message.runId };
      const status = await launch(deps, message.runId, found.run.datasetGroup, 'resume');
      return { status, runId: message.runId, datasetGroup: found.run.datasetGroup };
    }
    case 'start':
      return startUpload(deps, message.trigger, undefined, retry);
    case 'await-data':
      return startUpload(deps, message.trigger, message.deadline, retry);
    case 'schedule':
      return startScheduled(deps, deps.bucket, message, retry);
  }
}
