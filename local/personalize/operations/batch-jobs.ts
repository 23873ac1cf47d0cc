import {
  arn,
  create,
  find,
  invalidInputIf,
  live,
  type Operation,
  type OperationContext,
  requireNew,
  requireStatus,
  statusOf,
} from '../context.js';
import { limitExceeded } from '../errors.js';
import { phases } from '../lifecycle.js';
import { PENDING_STATUSES } from '../model.js';
import { describeOperation, listOperation } from './common.js';
import { recipeOfVersion } from './solutions.js';

type JobKind = 'batchInferenceJob' | 'batchSegmentJob';

function createJob(kind: JobKind, input: Record<string, unknown>, ctx: OperationContext): string {
  const version = find(ctx, input.solutionVersionArn, 'solutionVersion');
  requireStatus(ctx, version, ['ACTIVE'], 'running a batch job on it');
  const recipe = recipeOfVersion(version);
  if (kind === 'batchInferenceJob') {
    invalidInputIf(!recipe.supportsBatchInference, `${recipe.name} does not support batch inference jobs`);
  } else {
    invalidInputIf(
      !recipe.supportsBatchSegment,
      `Batch segment jobs need a USER_SEGMENTATION recipe, not ${recipe.name}`,
    );
  }
  if (input.filterArn !== undefined) find(ctx, input.filterArn, 'filter');
  const jobName = input.jobName as string;
  const jobArn = arn(ctx, kind, jobName);
  requireNew(ctx, kind, jobArn, jobName);
  const quota =
    kind === 'batchInferenceJob' ? ctx.quotas.pendingBatchInferenceJobs : ctx.quotas.pendingBatchSegmentJobs;
  if (live(ctx, kind).filter((job) => PENDING_STATUSES.includes(statusOf(job, ctx))).length >= quota) {
    throw limitExceeded(`More than ${quota} resources with PENDING or IN_PROGRESS status.`);
  }
  const { solutionVersionArn: _version, jobName: _name, tags, ...rest } = input;
  create(ctx, {
    kind,
    arn: jobArn,
    name: jobName,
    datasetGroupArn: version.datasetGroupArn as string,
    parentArn: version.arn,
    timeline: phases(ctx.now, ctx.profile[kind], ['PENDING', 'IN PROGRESS', 'ACTIVE'], {
      failedStatus: 'CREATE FAILED',
    }),
    attributes: {
      ...rest,
      solutionVersionArn: version.arn,
      numResults: input.numResults ?? 25,
      ...(kind === 'batchInferenceJob'
        ? {
            batchInferenceJobMode: input.batchInferenceJobMode ?? 'BATCH_INFERENCE',
            batchInferenceJobConfig: input.batchInferenceJobConfig ?? {},
          }
        : {}),
    },
    tags,
    work: true,
  });
  return jobArn;
}

export const batchJobOperations: Record<string, Operation> = {
  CreateBatchInferenceJob: (input, ctx) => ({ batchInferenceJobArn: createJob('batchInferenceJob', input, ctx) }),
  DescribeBatchInferenceJob: describeOperation('batchInferenceJob'),
  ListBatchInferenceJobs: listOperation('batchInferenceJob', 'solutionVersionArn'),
  CreateBatchSegmentJob: (input, ctx) => ({ batchSegmentJobArn: createJob('batchSegmentJob', input, ctx) }),
  DescribeBatchSegmentJob: describeOperation('batchSegmentJob'),
  ListBatchSegmentJobs: listOperation('batchSegmentJob', 'solutionVersionArn'),
};
