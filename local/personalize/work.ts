import { join } from 'node:path';
import { checkDatasetSchema, type DatasetSchema } from '../../shared/personalize/dataset-schema.js';
import { type DatasetKind, type Recipe, recipeByArn } from '../../shared/personalize/recipes.js';
import { hyperParameterDefaults } from './catalog.js';
import type { OperationContext } from './context.js';
import { live, statusOf } from './context.js';
import type { WorkContext, Workers, WorkOutcome } from './emulator.js';
import { importDataset } from './import/csv-import.js';
import { readDatasetBatches } from './import/read-dataset.js';
import type { Resource } from './model.js';
import { inDatasetGroup } from './operations/common.js';
import { currentSegments, type DatasetSegment, datasetKindOf } from './operations/datasets.js';
import { recipeOfVersion } from './operations/solutions.js';
import { runBatchJob } from './runtime/batch.js';
import { TrainingFailed, type TrainJob, trainInWorker } from './training/index.js';

/**
 * The real work behind imports and trainings. Imports stream CSVs from S3 into
 * normalized files under the data directory; trainings first run Personalize's
 * training-time data checks on the data their dataset group holds.
 */

export function schemaOf(ctx: OperationContext, dataset: Resource): DatasetSchema {
  const schema = ctx.store.resources.get(dataset.attributes.schemaArn as string);
  const check = checkDatasetSchema(schema?.attributes.schema, datasetKindOf(dataset));
  if (!check.ok) throw new Error(`the schema of ${dataset.arn} is not usable`);
  return check.schema;
}

/** Where a dataset's imported data lives; a dataset re-created under the same ARN gets a new folder. */
export function datasetDirectory(dataDir: string, dataset: Resource): string {
  return join(dataDir, 'datasets', `${encodeURIComponent(dataset.arn)}@${dataset.createdAt}`);
}

async function importWork(job: Resource, ctx: WorkContext): Promise<WorkOutcome> {
  const read = ctx.readOnly();
  const dataset = read.store.resources.get(job.parentArn as string);
  if (!dataset) return { ok: false, failureReason: `The dataset ${job.parentArn} no longer exists` };
  const outFile = join(datasetDirectory(ctx.dataDir, dataset), `${job.name}.csv`);
  const result = await importDataset({
    s3: ctx.s3(),
    dataLocation: (job.attributes.dataSource as { dataLocation: string }).dataLocation,
    schema: schemaOf(read, dataset),
    kind: datasetKindOf(dataset),
    outFile,
  });
  if (!result.ok) return result;
  return {
    ok: true,
    apply: () => {
      const segment: DatasetSegment = {
        importJobArn: job.arn,
        importMode: job.attributes.importMode === 'INCREMENTAL' ? 'INCREMENTAL' : 'FULL',
        file: result.file,
        rows: result.rows,
        finishedAt: ctx.clock.now(),
      };
      dataset.internal = {
        ...dataset.internal,
        segments: [...((dataset.internal?.segments ?? []) as DatasetSegment[]), segment],
      };
    },
  };
}

/** The data of one dataset kind in a dataset group: files and schema, or undefined when it has none. */
export function datasetData(
  ctx: OperationContext,
  datasetGroupArn: string,
  kind: DatasetKind,
): { files: string[]; schema: DatasetSchema; rows: number } | undefined {
  const dataset = inDatasetGroup(ctx, 'dataset', datasetGroupArn).find((d) => datasetKindOf(d) === kind);
  if (!dataset) return undefined;
  const segments = currentSegments(ctx, dataset);
  return {
    files: segments.map((s) => s.file),
    schema: schemaOf(ctx, dataset),
    rows: segments.reduce((n, s) => n + s.rows, 0),
  };
}

/**
 * Personalize's training-time checks: at least `minInteractions` interactions
 * after filtering by the solution's event type (and event value threshold), and
 * at least `minUsersWithTwoInteractions` users with two or more of them.
 * Returns the failure reason, or undefined when the data is enough.
 */
export async function trainingDataProblem(version: Resource, ctx: WorkContext): Promise<string | undefined> {
  const read = ctx.readOnly();
  const groupArn = version.datasetGroupArn as string;
  // aws-next-best-action learns from action interactions; every other recipe from interactions.
  const source: DatasetKind =
    recipeOfVersion(version).recipeType === 'PERSONALIZED_ACTIONS' ? 'action_interactions' : 'interactions';
  const interactions = datasetData(read, groupArn, source);
  if (!interactions || interactions.rows === 0) {
    return `The ${source} dataset has no data: import ${source.replace('_', ' ')} before training`;
  }
  for (const kind of recipeOfVersion(version).requiresDatasets) {
    const data = datasetData(read, groupArn, kind);
    if (!data || data.rows === 0)
      return `${recipeOfVersion(version).name} needs data in the ${kind} dataset: import it before training`;
  }
  const fields = interactions.schema.fields.map((f) => f.name);
  const userIndex = fields.indexOf('USER_ID');
  const typeIndex = fields.indexOf('EVENT_TYPE');
  const valueIndex = fields.indexOf('EVENT_VALUE');
  const eventType = version.attributes.eventType as string | undefined;
  const threshold = (version.attributes.solutionConfig as { eventValueThreshold?: string } | undefined)
    ?.eventValueThreshold;
  const minValue = threshold === undefined ? undefined : Number(threshold);
  const perUser = new Map<unknown, number>();
  let count = 0;
  for await (const batch of readDatasetBatches(interactions.files, interactions.schema)) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    for (const row of batch) {
      if (eventType !== undefined && row[typeIndex] !== eventType) continue;
      if (minValue !== undefined && !(Number(row[valueIndex]) >= minValue)) continue;
      count += 1;
      perUser.set(row[userIndex], (perUser.get(row[userIndex]) ?? 0) + 1);
    }
  }
  const filtered = [
    eventType === undefined ? '' : ` of event type ${eventType}`,
    minValue === undefined ? '' : ` with EVENT_VALUE >= ${threshold}`,
  ].join('');
  if (count < ctx.thresholds.minInteractions) {
    return `Insufficient training data: there are ${count} interactions${filtered}; at least ${ctx.thresholds.minInteractions} are required`;
  }
  let usersWithTwo = 0;
  for (const n of perUser.values()) if (n >= 2) usersWithTwo += 1;
  if (usersWithTwo < ctx.thresholds.minUsersWithTwoInteractions) {
    return `Insufficient training data: ${usersWithTwo} users have at least 2 interactions${filtered}; at least ${ctx.thresholds.minUsersWithTwoInteractions} such users are required`;
  }
  return undefined;
}

/** Where a solution version's or recommender's model lives. */
export function modelFile(dataDir: string, resource: Resource): string {
  return join(dataDir, 'models', `${encodeURIComponent(resource.arn)}@${resource.createdAt}.model`);
}

/** The training job for a solution version or a recommender, from the data its dataset group holds now. */
function trainJob(resource: Resource, ctx: WorkContext, recipe: Recipe, metrics: boolean): TrainJob {
  const read = ctx.readOnly();
  const groupArn = resource.datasetGroupArn as string;
  const data = (kind: DatasetKind) => {
    const found = datasetData(read, groupArn, kind);
    return found && found.rows > 0 ? { files: found.files, schema: found.schema } : undefined;
  };
  const solutionConfig = (resource.attributes.solutionConfig ?? {}) as {
    eventValueThreshold?: string;
    algorithmHyperParameters?: Record<string, string>;
  };
  const actions = recipe.recipeType === 'PERSONALIZED_ACTIONS';
  const interactions = data(actions ? 'action_interactions' : 'interactions') as NonNullable<ReturnType<typeof data>>;
  const items = data(actions ? 'actions' : 'items');
  const users = data('users');
  const eventType = resource.attributes.eventType as string | undefined;
  const previous = resource.attributes.trainingMode === 'UPDATE' ? previousModel(read, resource) : undefined;
  return {
    recipe: recipe.name,
    interactions,
    ...(items ? { items } : {}),
    ...(users ? { users } : {}),
    hyperParameters: { ...hyperParameterDefaults(recipe), ...solutionConfig.algorithmHyperParameters },
    seed: 42,
    ...(eventType ? { eventType } : {}),
    ...(solutionConfig.eventValueThreshold !== undefined
      ? { eventValueThreshold: Number(solutionConfig.eventValueThreshold) }
      : {}),
    ...(previous ? { previousModelFile: previous } : {}),
    modelFile: modelFile(ctx.dataDir, resource),
    metrics,
  };
}

/** The model of the solution's latest ACTIVE version before this one (UPDATE folds new data into it). */
function previousModel(ctx: OperationContext, version: Resource): string | undefined {
  const earlier = live(ctx, 'solutionVersion').find(
    (v) =>
      v.parentArn === version.parentArn &&
      v.arn !== version.arn &&
      statusOf(v, ctx) === 'ACTIVE' &&
      v.internal?.modelFile,
  );
  return earlier?.internal?.modelFile as string | undefined;
}

async function trainingWork(version: Resource, ctx: WorkContext): Promise<WorkOutcome> {
  const problem = await trainingDataProblem(version, ctx);
  if (problem) return { ok: false, failureReason: problem };
  const recipe = recipeOfVersion(version);
  try {
    const outcome = await trainInWorker(trainJob(version, ctx, recipe, true), ctx.signal);
    return {
      ok: true,
      apply: () => {
        version.internal = { ...version.internal, modelFile: outcome.modelFile, metrics: outcome.metrics };
      },
    };
  } catch (error) {
    if (error instanceof TrainingFailed) return { ok: false, failureReason: error.message };
    throw error;
  }
}

/** Domain recommenders train their recipe's model when they are created. */
async function recommenderWork(recommender: Resource, ctx: WorkContext): Promise<WorkOutcome> {
  const recipe = recipeByArn(recommender.attributes.recipeArn as string) as Recipe;
  const interactions = datasetData(ctx.readOnly(), recommender.datasetGroupArn as string, 'interactions');
  if (!interactions || interactions.rows === 0) {
    return {
      ok: false,
      failureReason: 'The interactions dataset has no data: import interactions before creating a recommender',
    };
  }
  try {
    const outcome = await trainInWorker(trainJob(recommender, ctx, recipe, false), ctx.signal);
    return {
      ok: true,
      apply: () => (recommender.internal = { ...recommender.internal, modelFile: outcome.modelFile }),
    };
  } catch (error) {
    if (error instanceof TrainingFailed) return { ok: false, failureReason: error.message };
    throw error;
  }
}

/** Batch inference and batch segment jobs: JSON Lines in S3 → `<file>.out` and `_CHECK` in S3. */
async function batchWork(job: Resource, ctx: WorkContext): Promise<WorkOutcome> {
  const input = job.attributes.jobInput as { s3DataSource: { path: string } };
  const output = job.attributes.jobOutput as { s3DataDestination: { path: string } };
  const deployment = await ctx.models.deployment(job.attributes.solutionVersionArn as string);
  const result = await runBatchJob(
    {
      kind: job.kind as 'batchInferenceJob' | 'batchSegmentJob',
      deployment,
      inputPath: input.s3DataSource.path,
      outputPath: output.s3DataDestination.path,
      numResults: Number(job.attributes.numResults ?? 25),
      ...(job.attributes.filterArn ? { filterArn: job.attributes.filterArn as string } : {}),
    },
    ctx.s3(),
    ctx.models,
    ctx.signal,
  );
  return result.ok ? { ok: true } : result;
}

export const DEFAULT_WORKERS: Workers = {
  datasetImportJob: importWork,
  solutionVersion: trainingWork,
  recommender: recommenderWork,
  batchInferenceJob: batchWork,
  batchSegmentJob: batchWork,
};
