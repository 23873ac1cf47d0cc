import { batchJobBaseName } from '../config/names.js';
import type { ParameterFile } from '../config/types.js';
import { parseFilterExpression } from '../filters/parse.js';
import type { DatasetKind, Recipe } from '../personalize/recipes.js';
import { recipeByArn } from '../personalize/recipes.js';

/**
 * The planner: a pure function from a normalized parameter file and the data
 * found next to it to the DAG of steps a run executes. Only true dependencies
 * are edges (ARCHITECTURE.md §3): the event tracker does not wait for imports;
 * a filter waits only for the datasets it references; a solution version waits
 * for the imports it trains on; campaigns and batch jobs wait only for their
 * own solution version.
 */

export type StepKind =
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
  | 'batchSegmentJob'
  | 'notify';

export interface PlannedStep {
  /** Unique within the run and stable across runs of the same file: `dataset:interactions`, `campaign:my-campaign`. */
  readonly id: string;
  readonly kind: StepKind;
  /** The Personalize name (or job base name) of the resource. */
  readonly name: string;
  readonly dependsOn: readonly string[];
}

export interface RunPlan {
  readonly steps: readonly PlannedStep[];
}

/** Which datasets have data next to the parameter file (`<type>.csv` or a `<type>/` folder). */
export type DataFound = Readonly<Partial<Record<DatasetKind, boolean>>>;

const DATASET_KINDS: readonly DatasetKind[] = ['interactions', 'items', 'users', 'actions', 'action_interactions'];

/** Recipes that learn from interactions alone; every other one also reads item, user or action data. */
const INTERACTIONS_ONLY = new Set(['aws-popularity-count', 'aws-trending-now', 'aws-sims']);

const FILTER_DATASETS: Readonly<Record<string, DatasetKind>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
  Actions: 'actions',
  ActionInteractions: 'action_interactions',
};

/** The imports a solution version of `recipe` trains on. */
export function trainingImports(recipe: Recipe | undefined, imports: ReadonlyMap<DatasetKind, string>): string[] {
  if (recipe?.recipeType === 'PERSONALIZED_ACTIONS') {
    return (['action_interactions', 'actions'] as const).flatMap((k) =>
      imports.has(k) ? [imports.get(k) as string] : [],
    );
  }
  if (recipe && INTERACTIONS_ONLY.has(recipe.name))
    return imports.has('interactions') ? [imports.get('interactions') as string] : [];
  return (['interactions', 'items', 'users'] as const).flatMap((k) =>
    imports.has(k) ? [imports.get(k) as string] : [],
  );
}

export function planRun(config: ParameterFile, data: DataFound): RunPlan {
  const steps: PlannedStep[] = [];
  const add = (step: PlannedStep) => {
    steps.push(step);
    return step.id;
  };
  const group = add({
    kind: 'datasetGroup',
    id: 'datasetGroup',
    name: config.datasetGroup.serviceConfig.name ?? '',
    dependsOn: [],
  });

  const datasets = new Map<DatasetKind, string>();
  const imports = new Map<DatasetKind, string>();
  for (const kind of DATASET_KINDS) {
    const dataset = config.datasets[kind];
    if (!dataset) continue;
    const schema = add({
      kind: 'schema',
      id: `schema:${kind}`,
      name: dataset.schema.serviceConfig.name,
      dependsOn: [],
    });
    const datasetId = add({
      kind: 'dataset',
      id: `dataset:${kind}`,
      name: dataset.dataset.serviceConfig.name ?? kind,
      dependsOn: [group, schema],
    });
    datasets.set(kind, datasetId);
    if (data[kind]) {
      imports.set(
        kind,
        add({ kind: 'datasetImportJob', id: `datasetImportJob:${kind}`, name: kind, dependsOn: [datasetId] }),
      );
    }
  }

  if (config.eventTracker) {
    add({
      kind: 'eventTracker',
      id: 'eventTracker',
      name: config.eventTracker.serviceConfig.name ?? '',
      dependsOn: [group],
    });
  }

  for (const filter of config.filters ?? []) {
    const parsed = parseFilterExpression(filter.serviceConfig.filterExpression ?? '');
    const referenced = new Set<string>();
    if (parsed.ok) {
      for (const part of parsed.filter.parts) {
        for (const condition of [...part.conditions, ...part.ifConditions]) {
          const kind = condition.dataset === 'CurrentUser' ? 'users' : FILTER_DATASETS[condition.dataset];
          const dataset = kind ? datasets.get(kind) : undefined;
          if (dataset) referenced.add(dataset);
        }
      }
    }
    add({
      kind: 'filter',
      id: `filter:${filter.serviceConfig.name}`,
      name: filter.serviceConfig.name ?? '',
      dependsOn: [group, ...referenced],
    });
  }

  for (const solution of config.solutions ?? []) {
    const name = solution.serviceConfig.name ?? '';
    const recipe = recipeByArn(solution.serviceConfig.recipeArn);
    const interactions = datasets.get(
      recipe?.recipeType === 'PERSONALIZED_ACTIONS' ? 'action_interactions' : 'interactions',
    );
    const solutionId = add({
      kind: 'solution',
      id: `solution:${name}`,
      name,
      dependsOn: [group, ...(interactions ? [interactions] : [])],
    });
    const version = add({
      kind: 'solutionVersion',
      id: `solutionVersion:${name}`,
      name,
      dependsOn: [solutionId, ...trainingImports(recipe, imports)],
    });
    for (const campaign of solution.campaigns ?? []) {
      const campaignName = campaign.serviceConfig.name ?? '';
      add({ kind: 'campaign', id: `campaign:${campaignName}`, name: campaignName, dependsOn: [version] });
    }
    for (const [key, kind] of [
      ['batchInferenceJobs', 'batchInferenceJob'],
      ['batchSegmentJobs', 'batchSegmentJob'],
    ] as const) {
      (solution[key] ?? []).forEach((job, index) => {
        const base = batchJobBaseName(name, job.serviceConfig.jobName, index);
        add({ kind, id: `${kind}:${base}`, name: base, dependsOn: [version] });
      });
    }
  }

  for (const recommender of config.recommenders ?? []) {
    const name = recommender.serviceConfig.name ?? '';
    add({
      kind: 'recommender',
      id: `recommender:${name}`,
      name,
      dependsOn: [group, ...trainingImports(undefined, imports)],
    });
  }

  add({
    kind: 'notify',
    id: 'notify',
    name: config.datasetGroup.serviceConfig.name ?? '',
    dependsOn: steps.map((s) => s.id),
  });
  return { steps };
}
