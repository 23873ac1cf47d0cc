import * as sdk from '@aws-sdk/client-personalize';
import { structureShape } from '../../shared/personalize/sdk-shape.js';
import type { ResourceKind } from './arns.js';
import { GONE } from './lifecycle.js';
import { effectiveAttributes, epochSeconds, lastUpdated, type Resource, updateStatus, view } from './model.js';

/**
 * How each kind of resource appears in responses. Which fields a Describe or a
 * List returns is read from the SDK's own output shapes (`DatasetGroup$`,
 * `DatasetGroupSummary$`...), so responses carry exactly the fields the SDK
 * deserializes.
 */

interface KindInfo {
  readonly shape: string;
  readonly summary: string;
  readonly arnKey: string;
  readonly nameKey: 'name' | 'jobName';
  /** Key of the object in a Describe response (`describeDatasetGroup` → `datasetGroup`). */
  readonly describeKey: string;
  readonly listKey: string;
  readonly label: string;
}

export const KINDS: Readonly<Record<ResourceKind, KindInfo>> = {
  datasetGroup: info('DatasetGroup', 'datasetGroupArn', 'datasetGroup', 'datasetGroups', 'dataset group'),
  schema: info('DatasetSchema', 'schemaArn', 'schema', 'schemas', 'schema', 'DatasetSchemaSummary'),
  dataset: info('Dataset', 'datasetArn', 'dataset', 'datasets', 'dataset'),
  datasetImportJob: info(
    'DatasetImportJob',
    'datasetImportJobArn',
    'datasetImportJob',
    'datasetImportJobs',
    'dataset import job',
    undefined,
    'jobName',
  ),
  eventTracker: info('EventTracker', 'eventTrackerArn', 'eventTracker', 'eventTrackers', 'event tracker'),
  filter: info('Filter', 'filterArn', 'filter', 'Filters', 'filter'),
  solution: info('Solution', 'solutionArn', 'solution', 'solutions', 'solution'),
  solutionVersion: info(
    'SolutionVersion',
    'solutionVersionArn',
    'solutionVersion',
    'solutionVersions',
    'solution version',
  ),
  campaign: info('Campaign', 'campaignArn', 'campaign', 'campaigns', 'campaign'),
  recommender: info('Recommender', 'recommenderArn', 'recommender', 'recommenders', 'recommender'),
  batchInferenceJob: info(
    'BatchInferenceJob',
    'batchInferenceJobArn',
    'batchInferenceJob',
    'batchInferenceJobs',
    'batch inference job',
    undefined,
    'jobName',
  ),
  batchSegmentJob: info(
    'BatchSegmentJob',
    'batchSegmentJobArn',
    'batchSegmentJob',
    'batchSegmentJobs',
    'batch segment job',
    undefined,
    'jobName',
  ),
};

function info(
  shape: string,
  arnKey: string,
  describeKey: string,
  listKey: string,
  label: string,
  summary = `${shape}Summary`,
  nameKey: 'name' | 'jobName' = 'name',
): KindInfo {
  return { shape, summary, arnKey, nameKey, describeKey, listKey, label };
}

const membersCache = new Map<string, readonly string[]>();

/** Member names of an SDK structure, e.g. `members('Campaign')`. */
export function members(shape: string): readonly string[] {
  let list = membersCache.get(shape);
  if (!list) {
    list = structureShape((sdk as unknown as Record<string, unknown>)[`${shape}$`]).members;
    membersCache.set(shape, list);
  }
  return list;
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** Everything Describe could say about a resource, before it is cut to the SDK shape. */
function fullView(resource: Resource, now: number, extra: Record<string, unknown>): Record<string, unknown> {
  const kind = KINDS[resource.kind];
  const status = view(resource, now);
  const out: Record<string, unknown> = {
    ...effectiveAttributes(resource, now),
    ...(resource.name ? { [kind.nameKey]: resource.name } : {}),
    [kind.arnKey]: resource.arn,
    creationDateTime: epochSeconds(resource.createdAt),
    lastUpdatedDateTime: epochSeconds(lastUpdated(resource, now)),
    ...(status.status === GONE ? {} : { status: status.status }),
    ...(status.failureReason ? { failureReason: status.failureReason } : {}),
    ...extra,
  };
  if (resource.datasetGroupArn && resource.kind !== 'datasetGroup') out.datasetGroupArn = resource.datasetGroupArn;
  return out;
}

/** The Describe object of a resource (`{datasetGroup: {...}}`'s inner value). */
export function describe(
  resource: Resource,
  now: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return pick(fullView(resource, now, extra), members(KINDS[resource.kind].shape));
}

/** The List summary of a resource. */
export function summarize(
  resource: Resource,
  now: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return pick(fullView(resource, now, extra), members(KINDS[resource.kind].summary));
}

/** `latestCampaignUpdate` / `latestRecommenderUpdate`. */
export function describeUpdate(resource: Resource, now: number, shape: string): Record<string, unknown> | undefined {
  const update = resource.update;
  if (!update) return undefined;
  const status = updateStatus(update, now);
  return pick(
    {
      ...update.attributes,
      status: status.status,
      ...(status.failureReason ? { failureReason: status.failureReason } : {}),
      creationDateTime: epochSeconds(update.createdAt),
      lastUpdatedDateTime: epochSeconds(Math.max(update.createdAt, status.since)),
    },
    members(shape),
  );
}
