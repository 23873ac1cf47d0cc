import { join } from 'node:path';
import { checkDatasetSchema, type DatasetSchema } from '../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../shared/personalize/recipes.js';
import type { OperationContext } from './context.js';
import type { WorkContext, Workers, WorkOutcome } from './emulator.js';
import { importDataset } from './import/csv-import.js';
import { readDatasetBatches } from './import/read-dataset.js';
import type { Resource } from './model.js';
import { inDatasetGroup } from './operations/common.js';
import { currentSegments, type DatasetSegment, datasetKindOf } from './operations/datasets.js';
import { recipeOfVersion } from './operations/solutions.js';

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
  const interactions = datasetData(read, groupArn, 'interactions');
  if (!interactions || interactions.rows === 0) {
    return 'The interactions dataset has no data: import interactions before training';
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

async function trainingWork(version: Resource, ctx: WorkContext): Promise<WorkOutcome> {
  const problem = await trainingDataProblem(version, ctx);
  return problem ? { ok: false, failureReason: problem } : { ok: true };
}

export const DEFAULT_WORKERS: Workers = {
  datasetImportJob: importWork,
  solutionVersion: trainingWork,
};
