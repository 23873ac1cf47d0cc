import type { ParameterFile, Tags } from './types.js';

/**
 * Defaults and tag inheritance, applied to a copy of a structurally valid file.
 *
 * Root `tags` apply to every taggable resource without `tags` of its own; an
 * explicit `[]` opts a resource out (REFERENCE.md "Keep"). Solution tags do not
 * flow to its versions. Defaults:
 * - import jobs: `importMode: FULL`;
 * - solution versions: `trainingMode: FULL`;
 * - campaigns: `minProvisionedTPS: 1` (the original required it although its
 *   validator did not, REFERENCE.md defect 5);
 * - solutions: `performAutoTraining: false` — the pipeline trains on its own
 *   schedule; Personalize's weekly auto-training would bill twice;
 * - `performAutoML` is dropped (deprecated by Personalize).
 */
export function normalize(input: ParameterFile): ParameterFile {
  const config = structuredClone(input);
  const root = config.tags;
  const inherit = <T extends { tags?: Tags }>(serviceConfig: T): T => {
    if (serviceConfig.tags === undefined && root !== undefined && root.length > 0) {
      serviceConfig.tags = structuredClone(root);
    }
    return serviceConfig;
  };

  inherit(config.datasetGroup.serviceConfig);
  config.datasets.serviceConfig = inherit({ importMode: 'FULL' as const, ...config.datasets.serviceConfig });
  for (const key of ['interactions', 'items', 'users', 'actions', 'action_interactions'] as const) {
    const dataset = config.datasets[key];
    if (dataset) inherit(dataset.dataset.serviceConfig);
  }
  if (config.eventTracker) inherit(config.eventTracker.serviceConfig);
  for (const filter of config.filters ?? []) inherit(filter.serviceConfig);
  for (const recommender of config.recommenders ?? []) inherit(recommender.serviceConfig);
  for (const solution of config.solutions ?? []) {
    const service = solution.serviceConfig as typeof solution.serviceConfig & { performAutoML?: boolean };
    delete service.performAutoML;
    service.performAutoTraining ??= false;
    inherit(service);
    service.solutionVersion = inherit({ trainingMode: 'FULL' as const, ...service.solutionVersion });
    for (const campaign of solution.campaigns ?? []) {
      campaign.serviceConfig.minProvisionedTPS ??= 1;
      inherit(campaign.serviceConfig);
    }
    for (const job of solution.batchInferenceJobs ?? []) inherit(job.serviceConfig);
    for (const job of solution.batchSegmentJobs ?? []) inherit(job.serviceConfig);
  }
  return config;
}
