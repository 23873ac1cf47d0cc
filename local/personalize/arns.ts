/**
 * Personalize ARNs (PERSONALIZE.md "ARNs"). Names are unique per account and
 * region, so most ARNs are built from the name alone; solution versions and
 * event trackers get 8-hex ids.
 */

export type ResourceKind =
  | 'datasetGroup'
  | 'schema'
  | 'dataset'
  | 'datasetImportJob'
  | 'eventTracker'
  | 'filter'
  | 'solution'
  | 'solutionVersion'
  | 'campaign'
  | 'recommender'
  | 'batchInferenceJob'
  | 'batchSegmentJob';

export interface Scope {
  readonly region: string;
  readonly account: string;
}

const RESOURCE_TYPE: Readonly<Record<ResourceKind, string>> = {
  datasetGroup: 'dataset-group',
  schema: 'schema',
  dataset: 'dataset',
  datasetImportJob: 'dataset-import-job',
  eventTracker: 'event-tracker',
  filter: 'filter',
  solution: 'solution',
  solutionVersion: 'solution',
  campaign: 'campaign',
  recommender: 'recommender',
  batchInferenceJob: 'batch-inference-job',
  batchSegmentJob: 'batch-segment-job',
};

/** The ARN of a resource; `path` is the part after the resource type (`name`, `dsg/INTERACTIONS`, `solution/abcd1234`). */
export function arnOf(scope: Scope, kind: ResourceKind, path: string): string {
  return `arn:aws:personalize:${scope.region}:${scope.account}:${RESOURCE_TYPE[kind]}/${path}`;
}

const ARN = /^arn:aws[a-z-]*:personalize:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/;

/** The kind of resource an ARN names, or undefined when it is not a Personalize resource ARN. */
export function kindOfArn(arn: string): ResourceKind | undefined {
  const match = ARN.exec(arn);
  if (!match) return undefined;
  const [, , , type, path = ''] = match;
  if (type === 'solution') return path.includes('/') ? 'solutionVersion' : 'solution';
  return (Object.entries(RESOURCE_TYPE) as [ResourceKind, string][]).find(([, t]) => t === type)?.[0];
}

export const isPersonalizeArn = (value: string): boolean => ARN.test(value);
