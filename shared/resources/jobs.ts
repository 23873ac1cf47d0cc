import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateDatasetImportJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeDatasetImportJobCommand,
  type PersonalizeClient,
  paginateListBatchInferenceJobs,
  paginateListBatchSegmentJobs,
  paginateListDatasetImportJobs,
} from '@aws-sdk/client-personalize';
import { jobBaseOf, timestampedName } from '../config/names.js';
import type { BatchInferenceJobConfig, BatchSegmentJobConfig, ImportDefaults } from '../config/types.js';
import { createdNow, done, doneWithNote, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { type Dated, reusableBatchJob, reusableImport } from './freshness.js';
import { describeOrUndefined, drift } from './named.js';
import { type AccountScope, personalizeArn } from './scope.js';
import { isAlreadyExists, rejectable } from './sdk-errors.js';
import { outcomeOfStatus } from './status.js';

/**
 * Import and batch jobs are named `<base>_YYYY_MM_DD_HH_MM_SS` from the time
 * the step first ran, so every delivery of a step computes the same name and
 * finds the job an earlier delivery started: Personalize refuses a second job
 * of the same name, which makes the create idempotent (ARCHITECTURE.md §5).
 */

interface Job {
  readonly label: string;
  readonly jobName: string;
  readonly arn: string;
  /** What the job runs on; a same-named job on anything else was not started by this step. */
  readonly parent: { readonly field: string; readonly arn: string };
  describe(): Promise<{ status?: string; failureReason?: string; parentArn?: string } | undefined>;
  create(): Promise<string | undefined>;
  /** An ACTIVE job this step may use instead of starting one (shared/resources/freshness.ts), with why. */
  reuse?(): Promise<{ readonly arn: string; readonly note: string } | undefined>;
}

async function ensureJob(job: Job): Promise<StepOutcome> {
  const existing = await job.describe();
  if (!existing) {
    const reused = await job.reuse?.();
    if (reused) return doneWithNote(reused.arn, reused.note);
    try {
      return createdNow(
        pending('CREATE PENDING', (await rejectable(job.label, job.jobName, () => job.create())) ?? job.arn),
      );
    } catch (error) {
      if (isAlreadyExists(error)) return pending('CREATE PENDING', job.arn);
      throw error;
    }
  }
  const differences = drift({ [job.parent.field]: job.parent.arn }, { [job.parent.field]: existing.parentArn });
  if (differences.length > 0) {
    return failed(`${job.label} ${job.arn} was not started by this step: ${differences.join('; ')}`, job.arn);
  }
  const outcome = outcomeOfStatus(job.label, job.arn, existing.status, existing.failureReason);
  return outcome.type === 'done' ? done(job.arn) : outcome;
}

export interface DesiredImportJob {
  readonly datasetArn: string;
  readonly jobBaseName: string;
  readonly dataLocation: string;
  /** When the data was last written; undefined imports every time. */
  readonly dataModifiedAt?: Date;
  readonly roleArn: string;
  readonly intentAt: Date;
  readonly serviceConfig: ImportDefaults;
}

/** ACTIVE jobs of this step's base name (`<base>_<timestamp>`), from summaries of a list call. */
export function activeOfBase(
  summaries: readonly { status?: string; jobName?: string; creationDateTime?: Date; arn?: string }[],
  base: string,
): Dated[] {
  return summaries.flatMap((s) =>
    s.status === 'ACTIVE' && s.arn && s.creationDateTime && jobBaseOf(s.jobName) === base
      ? [{ arn: s.arn, createdAt: s.creationDateTime }]
      : [],
  );
}

/**
 * Finds this step's import job or starts it.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export function ensureDatasetImportJob(
  client: PersonalizeClient,
  scope: AccountScope,
  desired: DesiredImportJob,
): Promise<StepOutcome> {
  const jobName = timestampedName(desired.jobBaseName, desired.intentAt);
  const { jobName: _base, ...serviceConfig } = desired.serviceConfig;
  return ensureJob({
    label: 'dataset import job',
    jobName,
    arn: personalizeArn(scope, 'dataset-import-job', jobName),
    parent: { field: 'datasetArn', arn: desired.datasetArn },
    describe: async () => {
      const arn = personalizeArn(scope, 'dataset-import-job', jobName);
      const found = await describeOrUndefined(() =>
        client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })),
      );
      const job = found?.datasetImportJob;
      return job && { status: job.status, failureReason: job.failureReason, parentArn: job.datasetArn };
    },
    reuse: async () => {
      const summaries = [];
      for await (const page of paginateListDatasetImportJobs({ client }, { datasetArn: desired.datasetArn }))
        for (const s of page.datasetImportJobs ?? []) summaries.push({ ...s, arn: s.datasetImportJobArn });
      const latest = reusableImport(activeOfBase(summaries, desired.jobBaseName), desired.dataModifiedAt);
      return latest && { arn: latest.arn, note: 're-used: the data has not changed since this import' };
    },
    create: async () => {
      const request = {
        ...serviceConfig,
        jobName,
        datasetArn: desired.datasetArn,
        dataSource: { dataLocation: desired.dataLocation },
        roleArn: desired.roleArn,
      };
      return (await client.send(new CreateDatasetImportJobCommand(request))).datasetImportJobArn;
    },
  });
}

/** Where a batch job writes: its own folder under the solution's prefix (`<prefix><job name>/`, as the original). */
export function batchOutputPath(outputPrefix: string, jobName: string): string {
  return `${outputPrefix.endsWith('/') ? outputPrefix : `${outputPrefix}/`}${jobName}/`;
}

interface DesiredBatchJob<ServiceConfig> {
  readonly solutionVersionArn: string;
  readonly jobBaseName: string;
  readonly inputPath: string;
  readonly outputPrefix: string;
  readonly roleArn: string;
  readonly intentAt: Date;
  readonly serviceConfig: ServiceConfig;
  /** Run a new job even when one ran on this version (a scheduled job). */
  readonly force?: boolean;
  readonly maxAgeSeconds?: number;
}

/** The re-use rule of batch jobs over the jobs a list call returned. */
export function reuseBatchJob<ServiceConfig>(
  desired: DesiredBatchJob<ServiceConfig>,
  summaries: readonly { status?: string; jobName?: string; creationDateTime?: Date; arn?: string }[],
) {
  const latest = reusableBatchJob(activeOfBase(summaries, desired.jobBaseName), {
    force: desired.force === true,
    now: desired.intentAt,
    ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
  });
  return latest && { arn: latest.arn, note: 're-used: this job already ran on the solution version in use' };
}

export type DesiredBatchInferenceJob = DesiredBatchJob<BatchInferenceJobConfig['serviceConfig']>;
export type DesiredBatchSegmentJob = DesiredBatchJob<BatchSegmentJobConfig['serviceConfig']>;

/** The request fields mpx owns; the rest of the job's serviceConfig passes through as the user wrote it. */
function batchRequest<ServiceConfig extends { jobName?: string }>(desired: DesiredBatchJob<ServiceConfig>) {
  const jobName = timestampedName(desired.jobBaseName, desired.intentAt);
  const { jobName: _base, ...serviceConfig } = desired.serviceConfig;
  return {
    ...serviceConfig,
    jobName,
    solutionVersionArn: desired.solutionVersionArn,
    jobInput: { s3DataSource: { path: desired.inputPath } },
    jobOutput: { s3DataDestination: { path: batchOutputPath(desired.outputPrefix, jobName) } },
    roleArn: desired.roleArn,
  };
}

/**
 * Finds this step's batch inference job or starts it.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export function ensureBatchInferenceJob(
  client: PersonalizeClient,
  scope: AccountScope,
  desired: DesiredBatchInferenceJob,
): Promise<StepOutcome> {
  const request = batchRequest(desired);
  const arn = personalizeArn(scope, 'batch-inference-job', request.jobName);
  return ensureJob({
    label: 'batch inference job',
    jobName: request.jobName,
    arn,
    parent: { field: 'solutionVersionArn', arn: desired.solutionVersionArn },
    describe: async () => {
      const found = await describeOrUndefined(() =>
        client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })),
      );
      const job = found?.batchInferenceJob;
      return job && { status: job.status, failureReason: job.failureReason, parentArn: job.solutionVersionArn };
    },
    reuse: async () => {
      const summaries = [];
      for await (const page of paginateListBatchInferenceJobs(
        { client },
        { solutionVersionArn: desired.solutionVersionArn },
      ))
        for (const s of page.batchInferenceJobs ?? []) summaries.push({ ...s, arn: s.batchInferenceJobArn });
      return reuseBatchJob(desired, summaries);
    },
    create: async () => (await client.send(new CreateBatchInferenceJobCommand(request))).batchInferenceJobArn,
  });
}

/**
 * Finds this step's batch segment job or starts it.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export function ensureBatchSegmentJob(
  client: PersonalizeClient,
  scope: AccountScope,
  desired: DesiredBatchSegmentJob,
): Promise<StepOutcome> {
  const request = batchRequest(desired);
  const arn = personalizeArn(scope, 'batch-segment-job', request.jobName);
  return ensureJob({
    label: 'batch segment job',
    jobName: request.jobName,
    arn,
    parent: { field: 'solutionVersionArn', arn: desired.solutionVersionArn },
    describe: async () => {
      const found = await describeOrUndefined(() =>
        client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn })),
      );
      const job = found?.batchSegmentJob;
      return job && { status: job.status, failureReason: job.failureReason, parentArn: job.solutionVersionArn };
    },
    reuse: async () => {
      const summaries = [];
      for await (const page of paginateListBatchSegmentJobs(
        { client },
        { solutionVersionArn: desired.solutionVersionArn },
      ))
        for (const s of page.batchSegmentJobs ?? []) summaries.push({ ...s, arn: s.batchSegmentJobArn });
      return reuseBatchJob(desired, summaries);
    },
    create: async () => (await client.send(new CreateBatchSegmentJobCommand(request))).batchSegmentJobArn,
  });
}
