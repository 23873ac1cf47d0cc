import { createHash } from 'node:crypto';
import { GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { validate } from '../config/validate.js';
import { configurationErrorNotification } from '../notify/sns-message.js';
import { acquireLock } from '../state/lock.js';
import { createRun, markRunning, readRun, type StateDeps, unstartedSteps } from '../state/runs.js';
import { dataFolderOf, findDataLocations } from '../uploads/data-locations.js';
import type { RunRequestMessage, StepMessage, UploadTrigger } from './messages.js';
import { planRun } from './plan.js';

/**
 * The run starter: turns a trigger into a planned, persisted run, takes the
 * dataset group's lock (or queues behind the active run) and sends the steps
 * that can start. Safe to run twice with the same message: the run id is
 * derived from the trigger, creation is conditional, the lock is re-entrant,
 * and a duplicate step message is let through only once (`claimPoll`).
 */

export interface StartRunDeps {
  readonly state: StateDeps;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly sendSteps: (messages: readonly StepMessage[]) => Promise<void>;
}

export type StartOutcome =
  | { readonly status: 'invalid'; readonly datasetGroup: string; readonly errors: number }
  | { readonly status: 'running' | 'queued' | 'duplicate'; readonly runId: string; readonly datasetGroup: string }
  | { readonly status: 'unknown-run'; readonly runId: string };

/** `20261128T120102Z-3fa9c2d1e0`: sortable by trigger time, the same for every delivery of one trigger. */
export function runIdFor(trigger: UploadTrigger): string {
  const stamp = trigger.eventTime.replace(/[-:]/g, '').replace(/\.\d+/, '');
  const hash = createHash('sha256')
    .update([trigger.bucket, trigger.key, trigger.versionId ?? '', trigger.eTag ?? '', trigger.eventTime].join('\n'))
    .digest('hex')
    .slice(0, 10);
  return `${stamp}-${hash}`;
}

export const triggerLabel = (trigger: UploadTrigger): string => `upload s3://${trigger.bucket}/${trigger.key}`;

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
  }
  return keys;
}

/** Takes the lock and sends the ready steps, or leaves the run QUEUED behind the group's active run. */
async function launch(deps: StartRunDeps, runId: string, datasetGroup: string): Promise<'running' | 'queued'> {
  const lock = await acquireLock(deps.state, datasetGroup, runId);
  if (!lock.acquired) return 'queued';
  await markRunning(deps.state, runId);
  const ready = await unstartedSteps(deps.state, runId);
  await deps.sendSteps(ready.map((stepId) => ({ version: 1, runId, stepId, poll: 0 })));
  return 'running';
}

/**
 * Handles one runs-queue message. `retry` is true when SQS delivers it again
 * (a previous attempt failed or crashed). Throws on I/O failures only, so the
 * message is retried; an invalid parameter file is reported and ends here.
 */
export async function startRun(message: RunRequestMessage, deps: StartRunDeps, retry: boolean): Promise<StartOutcome> {
  if (message.type === 'resume') {
    const found = await readRun(deps.state, message.runId);
    if (!found) return { status: 'unknown-run', runId: message.runId };
    const status = await launch(deps, message.runId, found.run.datasetGroup);
    return { status, runId: message.runId, datasetGroup: found.run.datasetGroup };
  }

  const { trigger } = message;
  const object = await deps.s3.send(
    new GetObjectCommand({
      Bucket: trigger.bucket,
      Key: trigger.key,
      ...(trigger.versionId ? { VersionId: trigger.versionId } : {}),
    }),
  );
  const result = validate((await object.Body?.transformToString('utf-8')) ?? '');
  if (!result.config) {
    // Uploaded again since onConfigUpload checked it (an unversioned bucket): report as it would have.
    const datasetGroup = /^train\/([^/]+)\//.exec(trigger.key)?.[1] ?? 'UNKNOWN';
    const notification = configurationErrorNotification(
      datasetGroup,
      `s3://${trigger.bucket}/${trigger.key}`,
      result.errors,
    );
    await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...notification }));
    return { status: 'invalid', datasetGroup, errors: result.errors.length };
  }
  const config = result.config;
  const datasetGroup = config.datasetGroup.serviceConfig.name ?? '';
  const folder = dataFolderOf(trigger.key);
  const data = findDataLocations(trigger.bucket, folder, await listKeys(deps.s3, trigger.bucket, folder));
  const plan = planRun(config, data, trigger.bucket);
  const runId = runIdFor(trigger);
  const created = await createRun(deps.state, { runId, datasetGroup, trigger: triggerLabel(trigger) }, plan, {
    retry,
  });
  if (created === 'creating-elsewhere') return { status: 'duplicate', runId, datasetGroup };
  const found = await readRun(deps.state, runId);
  if (found && ['SUCCEEDED', 'FAILED'].includes(found.run.status)) return { status: 'duplicate', runId, datasetGroup };
  return { status: await launch(deps, runId, datasetGroup), runId, datasetGroup };
}
