import type {
  CreateBatchInferenceJobRequest,
  CreateBatchSegmentJobRequest,
  CreateCampaignRequest,
  CreateDatasetGroupRequest,
  CreateDatasetImportJobRequest,
  CreateDatasetRequest,
  CreateEventTrackerRequest,
  CreateFilterRequest,
  CreateRecommenderRequest,
  CreateSolutionRequest,
  CreateSolutionVersionRequest,
  Tag,
} from '@aws-sdk/client-personalize';
import type { DatasetKind } from '../personalize/recipes.js';
import type { OFFLINE_METRICS } from './schema.js';

/**
 * The normalized parameter file `validate` returns: defaults applied, root tags
 * inherited, `performAutoML` dropped. Shapes are today's Personalize Create*
 * requests minus the fields mpx fills in (ARNs of parents, data locations, roles).
 */

export type Tags = Tag[];

export type DatasetGroupConfig = {
  serviceConfig: CreateDatasetGroupRequest;
  workflowConfig?: { schedules?: { import?: string }; maxAge?: string };
};

export type ImportDefaults = Omit<
  CreateDatasetImportJobRequest,
  'datasetArn' | 'dataSource' | 'roleArn' | 'jobName'
> & {
  jobName?: string;
};

export type DatasetConfig = {
  dataset: { serviceConfig: Omit<CreateDatasetRequest, 'schemaArn' | 'datasetGroupArn' | 'datasetType'> };
  /** `schema` is the Avro record as an object (or the JSON text the API takes). */
  schema: { serviceConfig: { name: string; schema: unknown; domain?: string } };
};

export type BatchJobWorkflow = { schedule?: string; maxAge?: string };

type JobOwned = 'solutionVersionArn' | 'jobInput' | 'jobOutput' | 'roleArn' | 'jobName';

export type BatchInferenceJobConfig = {
  serviceConfig: Omit<CreateBatchInferenceJobRequest, JobOwned> & { jobName?: string };
  workflowConfig?: BatchJobWorkflow;
};

export type BatchSegmentJobConfig = {
  serviceConfig: Omit<CreateBatchSegmentJobRequest, JobOwned> & { jobName?: string };
  workflowConfig?: BatchJobWorkflow;
};

export type CampaignConfig = {
  serviceConfig: Omit<CreateCampaignRequest, 'solutionVersionArn'>;
  workflowConfig?: { maxAge?: string };
};

export type OfflineMetric = (typeof OFFLINE_METRICS)[number];

export type SolutionConfig = {
  serviceConfig: Omit<CreateSolutionRequest, 'datasetGroupArn'> & {
    recipeArn: string;
    solutionVersion?: Omit<CreateSolutionVersionRequest, 'solutionArn'>;
  };
  workflowConfig?: {
    schedules?: { full?: string; update?: string };
    maxAge?: string;
    promotion?: { metric: OfflineMetric; minRatio: number };
  };
  campaigns?: CampaignConfig[];
  batchInferenceJobs?: BatchInferenceJobConfig[];
  batchSegmentJobs?: BatchSegmentJobConfig[];
};

export type ParameterFile = {
  tags?: Tags;
  datasetGroup: DatasetGroupConfig;
  datasets: { serviceConfig?: ImportDefaults } & { interactions: DatasetConfig } & Partial<
      Record<Exclude<DatasetKind, 'interactions'>, DatasetConfig>
    >;
  eventTracker?: { serviceConfig: Omit<CreateEventTrackerRequest, 'datasetGroupArn'> };
  filters?: { serviceConfig: Omit<CreateFilterRequest, 'datasetGroupArn'> }[];
  solutions?: SolutionConfig[];
  recommenders?: { serviceConfig: Omit<CreateRecommenderRequest, 'datasetGroupArn'> }[];
};

/** One finding, with the JSON path it concerns (`solutions[2].campaigns[0].serviceConfig.minProvisionedTPS`). */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}
