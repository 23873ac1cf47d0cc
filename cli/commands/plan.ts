import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { paginateListObjectsV2, S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ConfigIssue, ParameterFile } from '../../shared/config/types.js';
import { validate } from '../../shared/config/validate.js';
import {
  countActions,
  inspectPlan,
  nothingToDo,
  type PlanPreview,
  readOnly,
  type StepPreview,
} from '../../shared/resources/inspect.js';
import type { AccountScope } from '../../shared/resources/scope.js';
import type { RunsQueueTarget } from '../../shared/schedules/reconcile.js';
import {
  DATA_KINDS,
  dataModifiedAt,
  findDataLocations,
  type ListedObject,
} from '../../shared/uploads/data-locations.js';
import { type DataFound, planRun } from '../../shared/workflow/plan.js';
import { CommandError, EXIT, reportError } from '../command-error.js';
import { requireStackOutputs } from '../stack.js';
import type { Output } from './validate.js';

/**
 * `mpx plan <config>`: what uploading the parameter file would make a run do,
 * without doing any of it. The file is validated and planned as the run
 * starter plans it (shared/workflow/plan.ts), then every step is previewed
 * against the stack's Personalize and Scheduler state by
 * shared/resources/inspect.ts, with clients that refuse anything but
 * Describe*, List*, Get* and Head* requests.
 *
 * Data: a run reads the data next to its parameter file in S3, so the plan
 * reads `s3://<bucket>/train/<dataset group>/` when it holds interactions
 * data (`interactions.csv` or an `interactions/` folder), with S3's
 * LastModified deciding whether imports are re-used. Otherwise the data next
 * to the local file stands in, as if uploaded now (so every import is redone,
 * as it would be after `mpx upload`); with neither, the plan has no imports
 * and says that a run would wait for the data.
 *
 * Exit codes: 0 planned (even when a step would fail: the plan says so),
 * 1 the state could not be read, 2 an unreadable or invalid file, 3 no stack.
 */

export interface PlanOptions {
  readonly stage: string;
  readonly json?: boolean;
}

/** Where the data a run would import comes from. */
export interface DataSource {
  readonly data: DataFound;
  readonly modifiedAt: Partial<Record<keyof DataFound, string>>;
  /** How the plan says where the data is (undefined: nowhere). */
  readonly description?: string;
}

const STACK_OUTPUTS = [
  'PersonalizeBucketName',
  'PersonalizeRoleArn',
  'ScheduleGroupName',
  'RunsQueueUrl',
  'SchedulerRoleArn',
  'EventBusArn',
] as const;

const show = (issue: ConfigIssue) => `${issue.path === '' ? '(file)' : issue.path}: ${issue.message}`;

/** @throws CommandError (exit 2) when the file cannot be read or is not a valid parameter file. */
async function readConfig(file: string, io: Output): Promise<ParameterFile> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    throw new CommandError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      EXIT.USAGE,
    );
  }
  const result = validate(source);
  if (!result.config) {
    throw new CommandError(
      `${file} has ${result.errors.length} error(s), so there is nothing to plan (npx mpx validate ${file} shows them too):`,
      EXIT.USAGE,
      { details: result.errors.map(show) },
    );
  }
  for (const warning of result.warnings) io.err(`mpx plan: warning: ${show(warning)}`);
  return result.config;
}

/** The account and region of the stack's resources, from an ARN among its outputs (`arn:aws:events:<region>:<account>:…`). */
export function scopeOfArn(arn: string): AccountScope | undefined {
  const [prefix, , , region, account] = arn.split(':');
  return prefix === 'arn' && region && account && /^\d{12}$/.test(account) ? { region, account } : undefined;
}

/** The runs DLQ from the runs queue's RedrivePolicy attribute (what the functions' MPX_RUNS_DLQ_ARN names). */
export function deadLetterArnOf(redrivePolicy: string | undefined): string | undefined {
  if (!redrivePolicy) return undefined;
  try {
    const { deadLetterTargetArn } = JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown };
    return typeof deadLetterTargetArn === 'string' ? deadLetterTargetArn : undefined;
  } catch {
    return undefined;
  }
}

/** What the run's schedules step targets: the runs queue, the Scheduler role, the runs DLQ. */
async function runsQueueTarget(sqs: SQSClient, queueUrl: string, roleArn: string): Promise<RunsQueueTarget> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn', 'RedrivePolicy'] }),
  );
  const queueArn = Attributes?.QueueArn;
  const deadLetterArn = deadLetterArnOf(Attributes?.RedrivePolicy);
  if (!queueArn || !deadLetterArn) {
    throw new CommandError(
      `the runs queue ${queueUrl} has no ${queueArn ? 'RedrivePolicy' : 'QueueArn'}: cannot tell what its schedules would target`,
      EXIT.FAILED,
    );
  }
  return { queueArn, roleArn, deadLetterArn };
}

async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? [])
      if (object.Key)
        objects.push({ key: object.Key, ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
  }
  return objects;
}

/** The data files next to `file` in the layout the run reads (`<type>.csv`, `<type>/*.csv`), relative to its folder. */
async function localDataFiles(folder: string): Promise<string[]> {
  const files: string[] = [];
  for (const kind of DATA_KINDS) {
    const parts = await readdir(join(folder, kind), { withFileTypes: true }).catch(() => []);
    for (const part of parts) if (part.isFile()) files.push(`${kind}/${part.name}`);
    const single = await stat(join(folder, `${kind}.csv`)).catch(() => undefined);
    if (single?.isFile()) files.push(`${kind}.csv`);
  }
  return files;
}

/**
 * The data a run of the file would import: S3's `train/<dataset group>/`
 * when it holds interactions data, else the local folder's as if uploaded
 * `now`, else none.
 */
export async function findData(
  s3: S3Client,
  bucket: string,
  datasetGroup: string,
  file: string,
  now: Date,
): Promise<DataSource> {
  const folder = `train/${datasetGroup}/`;
  const objects = await listObjects(s3, bucket, folder);
  const inS3 = findDataLocations(
    bucket,
    folder,
    objects.map((o) => o.key),
  );
  if (inS3.interactions !== undefined) {
    return {
      data: inS3,
      modifiedAt: dataModifiedAt(bucket, inS3, objects),
      description: `s3://${bucket}/${folder}`,
    };
  }
  const local = dirname(file);
  const keys = (await localDataFiles(local)).map((f) => `${folder}${f}`);
  const nextToFile = findDataLocations(bucket, folder, keys);
  if (nextToFile.interactions !== undefined) {
    const modifiedAt = Object.fromEntries(Object.keys(nextToFile).map((kind) => [kind, now.toISOString()]));
    return {
      data: nextToFile,
      modifiedAt,
      description: `${local} (not in s3://${bucket}/${folder} yet: planned as if uploaded now)`,
    };
  }
  return { data: {}, modifiedAt: {} };
}

const labelOf = (step: StepPreview) => (step.stepId.includes(':') ? step.stepId : `${step.stepId} ${step.name}`);

/** The text report: one line per step, the schedule changes, a summary. */
export function planReport(preview: PlanPreview, source: string | undefined, groupName: string): string[] {
  const width = Math.max(...preview.steps.map((s) => s.action.length), 6);
  const lines = [
    `Plan for dataset group ${preview.datasetGroup}${source ? ` (data: ${source})` : ''}:`,
    ...preview.steps.map(
      (step) => `  ${step.action.padEnd(width)}  ${labelOf(step)}${step.detail ? ` — ${step.detail}` : ''}`,
    ),
  ];
  const { create, update, delete: deleted, unchanged } = preview.schedules;
  const parts = [
    ...(create.length > 0 ? [`create ${create.join(', ')}`] : []),
    ...(update.length > 0 ? [`update ${update.join(', ')}`] : []),
    ...(deleted.length > 0 ? [`delete ${deleted.join(', ')}`] : []),
    ...(unchanged.length > 0 ? [`${unchanged.length} unchanged`] : []),
  ];
  lines.push(`Schedules in group ${groupName}: ${parts.length > 0 ? parts.join('; ') : 'none'}`);
  if (nothingToDo(preview)) {
    lines.push(
      'Summary: nothing to do — a run of this file would re-use every resource and leave the schedules as they are.',
    );
    return lines;
  }
  const counts = countActions(preview.steps).map(([action, n]) => `${n} ${action}`);
  const schedules = `schedules: ${create.length} to create, ${update.length} to update, ${deleted.length} to delete`;
  lines.push(`Summary: ${counts.join(', ')}; ${schedules}.`);
  const failing = preview.steps.filter((s) => s.action === 'drift' || s.action === 'fail').map((s) => s.stepId);
  if (failing.length > 0) {
    lines.push(
      `A run of this file would fail at ${failing.join(', ')}: change the file to match, or the resources by hand.`,
    );
  }
  return lines;
}

export async function planCommand(file: string, options: PlanOptions, io: Output): Promise<number> {
  const now = new Date();
  let clients: { destroy(): void }[] = [];
  try {
    const config = await readConfig(file, io);
    const outputs = await requireStackOutputs(options.stage, STACK_OUTPUTS);
    const scope = scopeOfArn(outputs.EventBusArn);
    if (!scope) {
      throw new CommandError(`the stack's EventBusArn ${outputs.EventBusArn} names no account and region`, EXIT.FAILED);
    }
    const personalize = readOnly(new PersonalizeClient({ region: scope.region }), 'Personalize');
    const scheduler = readOnly(new SchedulerClient({}), 'Scheduler');
    const sqs = readOnly(new SQSClient({}), 'SQS');
    const s3 = readOnly(new S3Client({}), 'S3');
    clients = [personalize, scheduler, sqs, s3];

    const datasetGroup = config.datasetGroup.serviceConfig.name ?? '';
    const bucket = outputs.PersonalizeBucketName;
    const found = await findData(s3, bucket, datasetGroup, file, now);
    if (found.description === undefined) {
      io.err(
        `mpx plan: warning: no interactions data in s3://${bucket}/train/${datasetGroup}/ nor next to ${file}: a run of this file would wait for it, then give up; the plan has no imports`,
      );
    }
    const plan = planRun(config, found.data, bucket, { dataModifiedAt: found.modifiedAt });
    const target = await runsQueueTarget(sqs, outputs.RunsQueueUrl, outputs.SchedulerRoleArn);
    const preview = await inspectPlan(plan, {
      personalize,
      scope,
      personalizeRoleArn: outputs.PersonalizeRoleArn,
      now,
      schedules: { scheduler, groupName: outputs.ScheduleGroupName, target },
    });
    if (options.json) {
      io.out(
        JSON.stringify({ datasetGroup: preview.datasetGroup, steps: preview.steps, schedules: preview.schedules }),
      );
    } else {
      for (const line of planReport(preview, found.description, outputs.ScheduleGroupName)) io.out(line);
    }
    return EXIT.OK;
  } catch (error) {
    return reportError('plan', error, io);
  } finally {
    for (const client of clients) client.destroy();
  }
}
