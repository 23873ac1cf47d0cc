import { checkDatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import {
  arn,
  create,
  createTimeline,
  find,
  invalidInputIf,
  live,
  type Operation,
  type OperationContext,
  requireNew,
  requireStatus,
  startDelete,
  statusOf,
} from '../context.js';
import { alreadyExists, inUse, invalidInput, limitExceeded } from '../errors.js';
import { PENDING_STATUSES, type Resource } from '../model.js';
import { describeOperation, inDatasetGroup, listOperation } from './common.js';

/** API dataset types (case-insensitive) → the dataset kind and the ARN suffix. */
const DATASET_TYPES: Readonly<Record<string, { kind: DatasetKind; suffix: string }>> = {
  interactions: { kind: 'interactions', suffix: 'INTERACTIONS' },
  items: { kind: 'items', suffix: 'ITEMS' },
  users: { kind: 'users', suffix: 'USERS' },
  actions: { kind: 'actions', suffix: 'ACTIONS' },
  action_interactions: { kind: 'action_interactions', suffix: 'ACTION_INTERACTIONS' },
};

export function datasetKindOf(dataset: Resource): DatasetKind {
  return (DATASET_TYPES[String(dataset.attributes.datasetType).toLowerCase()] as { kind: DatasetKind }).kind;
}

/** One import's data (a normalized CSV file written by the import work), or the rows streamed by the events API. */
export interface DatasetSegment {
  /** The import job, or `streamed` for rows from PutEvents/PutItems/PutUsers. */
  readonly importJobArn: string;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly file: string;
  readonly rows: number;
  readonly finishedAt: number;
}

export const STREAMED = 'streamed';

/**
 * The data a dataset holds now: its last FULL import among ACTIVE imports, the
 * INCREMENTAL ones after it, and every streamed row (a FULL import replaces
 * bulk data only, as in Personalize).
 */
export function currentSegments(ctx: OperationContext, dataset: Resource): DatasetSegment[] {
  const segments = (dataset.internal?.segments ?? []) as DatasetSegment[];
  const streamed = segments.filter((segment) => segment.importJobArn === STREAMED);
  const all = segments.filter((segment) => {
    const job = ctx.store.resources.get(segment.importJobArn);
    return job !== undefined && statusOf(job, ctx) === 'ACTIVE';
  });
  all.sort((a, b) => a.finishedAt - b.finishedAt);
  const lastFull = all.map((s) => s.importMode).lastIndexOf('FULL');
  return [...all.slice(Math.max(0, lastFull)), ...streamed];
}

export const schemaOperations: Record<string, Operation> = {
  CreateSchema(input, ctx) {
    const name = input.name as string;
    const schemaArn = arn(ctx, 'schema', name);
    requireNew(ctx, 'schema', schemaArn, name);
    const check = checkDatasetSchema(input.schema);
    if (!check.ok) {
      const problems = check.problems.map((p) => (p.path.length > 0 ? `${p.path.join('.')}: ${p.message}` : p.message));
      throw invalidInput(`Invalid schema: ${problems.join('; ')}`);
    }
    if (live(ctx, 'schema').length >= ctx.quotas.schemas) {
      throw limitExceeded(`You have reached the maximum number of schemas (${ctx.quotas.schemas})`);
    }
    create(ctx, {
      kind: 'schema',
      arn: schemaArn,
      name,
      timeline: [{ status: 'ACTIVE', at: ctx.now }],
      attributes: { schema: input.schema, domain: input.domain },
    });
    return { schemaArn };
  },

  DescribeSchema: describeOperation('schema'),
  ListSchemas: listOperation('schema'),

  DeleteSchema(input, ctx) {
    const schema = find(ctx, input.schemaArn, 'schema');
    const user = live(ctx, 'dataset').find((d) => d.attributes.schemaArn === schema.arn);
    if (user) throw inUse(`The schema ${schema.arn} is used by the dataset ${user.arn}`);
    schema.timeline = [...schema.timeline, { status: '__GONE__', at: ctx.now }];
    ctx.mutated = true;
    return {};
  },
};

export const datasetOperations: Record<string, Operation> = {
  CreateDataset(input, ctx) {
    const group = find(ctx, input.datasetGroupArn, 'datasetGroup');
    requireStatus(ctx, group, ['ACTIVE'], 'creating a dataset in it');
    const type = DATASET_TYPES[String(input.datasetType).toLowerCase()];
    if (!type) {
      throw invalidInput(
        `datasetType must be one of Interactions, Items, Users, Actions, Action_Interactions, not ${String(input.datasetType)}`,
      );
    }
    const schema = find(ctx, input.schemaArn, 'schema');
    const check = checkDatasetSchema(schema.attributes.schema, type.kind);
    if (!check.ok) {
      throw invalidInput(
        `The schema ${schema.arn} cannot be used for a ${input.datasetType} dataset: ${check.problems.map((p) => p.message).join('; ')}`,
      );
    }
    invalidInputIf(
      (schema.attributes.domain ?? null) !== (group.attributes.domain ?? null),
      `The schema's domain (${String(schema.attributes.domain ?? 'none')}) does not match the dataset group's (${String(group.attributes.domain ?? 'none')})`,
    );
    const datasetArn = arn(ctx, 'dataset', `${group.name}/${type.suffix}`);
    const existing = inDatasetGroup(ctx, 'dataset', group.arn).find((d) => d.arn === datasetArn);
    if (existing)
      throw alreadyExists(`The dataset group ${group.arn} already has a ${input.datasetType} dataset: ${datasetArn}`);
    create(ctx, {
      kind: 'dataset',
      arn: datasetArn,
      name: input.name as string,
      datasetGroupArn: group.arn,
      timeline: createTimeline(ctx, 'dataset'),
      attributes: { datasetType: input.datasetType, schemaArn: schema.arn },
      tags: input.tags,
      internal: { segments: [] },
    });
    return { datasetArn };
  },

  DescribeDataset: describeOperation('dataset'),
  ListDatasets: listOperation('dataset', 'datasetGroupArn'),

  DeleteDataset(input, ctx) {
    const dataset = find(ctx, input.datasetArn, 'dataset');
    requireStatus(ctx, dataset, ['ACTIVE', 'CREATE FAILED'], 'deleting it');
    const running = live(ctx, 'datasetImportJob').find(
      (job) => job.parentArn === dataset.arn && PENDING_STATUSES.includes(statusOf(job, ctx)),
    );
    if (running) throw inUse(`The dataset ${dataset.arn} has an import in progress: ${running.arn}`);
    startDelete(ctx, dataset);
    return {};
  },

  CreateDatasetImportJob(input, ctx) {
    const dataset = find(ctx, input.datasetArn, 'dataset');
    requireStatus(ctx, dataset, ['ACTIVE'], 'importing into it');
    const jobName = input.jobName as string;
    const jobArn = arn(ctx, 'datasetImportJob', jobName);
    requireNew(ctx, 'datasetImportJob', jobArn, jobName);
    const pending = live(ctx, 'datasetImportJob').filter((job) => PENDING_STATUSES.includes(statusOf(job, ctx)));
    if (pending.length >= ctx.quotas.pendingImportJobs) {
      throw limitExceeded(`More than ${ctx.quotas.pendingImportJobs} resources with PENDING or IN_PROGRESS status.`);
    }
    create(ctx, {
      kind: 'datasetImportJob',
      arn: jobArn,
      name: jobName,
      datasetGroupArn: dataset.datasetGroupArn as string,
      parentArn: dataset.arn,
      timeline: createTimeline(ctx, 'datasetImportJob', true),
      attributes: {
        datasetArn: dataset.arn,
        dataSource: input.dataSource,
        roleArn: input.roleArn,
        importMode: input.importMode ?? 'FULL',
        publishAttributionMetricsToS3: input.publishAttributionMetricsToS3 ?? false,
      },
      tags: input.tags,
      work: true,
    });
    return { datasetImportJobArn: jobArn };
  },

  DescribeDatasetImportJob: describeOperation('datasetImportJob'),
  ListDatasetImportJobs: listOperation('datasetImportJob', 'datasetArn'),
};
