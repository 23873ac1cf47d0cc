import { parseMaxAge } from '../config/max-age.js';
import { batchJobBaseName, MAX_JOB_BASE_NAME_LENGTH } from '../config/names.js';
import type { ParameterFile, SolutionConfig } from '../config/types.js';
import { parseFilterExpression } from '../filters/parse.js';
import type { DatasetKind, Recipe } from '../personalize/recipes.js';
import { recipeByArn } from '../personalize/recipes.js';
import type { StepDesired } from '../resources/desired.js';
import { configuredSchedules, type ScheduledTask } from '../schedules/from-config.js';
import { type RunPolicy, withStageBarriers } from './policy.js';

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
  | 'schedules'
  | 'notify';

export interface PlannedStep {
  /** Unique within the run and stable across runs of the same file: `dataset:interactions`, `campaign:my-campaign`. */
  readonly id: string;
  readonly kind: StepKind;
  /** The Personalize name (or job base name) of the resource. */
  readonly name: string;
  readonly dependsOn: readonly string[];
  /** What the step's resource is created from (stored with the step). */
  readonly desired: StepDesired;
}

export interface RunPlan {
  readonly steps: readonly PlannedStep[];
}

/** The data location (`s3://…`) of each dataset with data next to the parameter file (shared/uploads/data-locations.ts). */
export type DataFound = Readonly<Partial<Record<DatasetKind, string>>>;

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

/**
 * Where a solution's batch jobs read: the legacy `job_config.json` beside the
 * solution's folder when the file has one job of that kind (and no job of the
 * other kind would read the same file — REFERENCE.md defect 9), otherwise a
 * folder per job, `<job base name>/job_config.json`.
 */
export function batchInputKey(
  datasetGroup: string,
  solution: SolutionConfig,
  kind: 'batchInferenceJob' | 'batchSegmentJob',
  base: string,
): string {
  const folder = `batch/${datasetGroup}/${solution.serviceConfig.name}/`;
  const inference = solution.batchInferenceJobs?.length ?? 0;
  const segment = solution.batchSegmentJobs?.length ?? 0;
  const legacy = kind === 'batchInferenceJob' ? inference === 1 : segment === 1 && inference === 0;
  return legacy ? `${folder}job_config.json` : `${folder}${base}/job_config.json`;
}

/** The base of an import job's names: `<dataset group>-<type>`, short enough for the timestamp suffix. */
export function importJobBaseName(datasetGroup: string, kind: DatasetKind): string {
  const suffix = `-${kind}`;
  return `${datasetGroup.slice(0, MAX_JOB_BASE_NAME_LENGTH - suffix.length)}${suffix}`;
}

/**
 * Plans a run of `config` with the data found next to it, in `bucket`.
 * Pure: the same inputs give the same steps, ids and dependencies.
 */
export interface PlanOptions {
  /** When each dataset's data was last written (ISO), for re-using imports of unchanged data. */
  readonly dataModifiedAt?: Readonly<Partial<Record<DatasetKind, string>>>;
  /** A scheduled run does only its task (REFERENCE.md "Scheduled work"); an upload run does everything. */
  readonly task?: ScheduledTask;
  /** `reference` adds the deprecated solution's stage barriers (benchmarks only; shared/workflow/policy.ts). */
  readonly policy?: RunPolicy;
}

const maxAgeSeconds = (text: string | undefined): { maxAgeSeconds?: number } => {
  if (text === undefined) return {};
  const parsed = parseMaxAge(text);
  return parsed.ok ? { maxAgeSeconds: parsed.seconds } : {};
};

export function planRun(config: ParameterFile, data: DataFound, bucket: string, options: PlanOptions = {}): RunPlan {
  const full = planEverything(config, data, bucket, options);
  const planned = options.task ? planTask(full, options.task) : full;
  return options.policy === 'reference' ? withStageBarriers(planned) : planned;
}

/** The step ids a scheduled task needs, and the steps it forces. */
function taskTargets(plan: RunPlan, task: ScheduledTask): { readonly targets: string[]; readonly forced: string[] } {
  switch (task.kind) {
    case 'import': {
      const targets = plan.steps.filter((s) => s.kind === 'datasetImportJob').map((s) => s.id);
      return { targets, forced: [] };
    }
    case 'full':
    case 'update': {
      const version = `solutionVersion:${task.solution}`;
      const campaigns = plan.steps.filter((s) => s.kind === 'campaign' && s.dependsOn.includes(version));
      return { targets: [version, ...campaigns.map((c) => c.id)], forced: [version] };
    }
    case 'batchInference':
    case 'batchSegment': {
      const id = `${task.kind === 'batchInference' ? 'batchInferenceJob' : 'batchSegmentJob'}:${task.job}`;
      return { targets: [id], forced: [id] };
    }
  }
}

/**
 * A batch task runs on the version in use: its solution's maxAge is for
 * trainings (uploads and their schedules), so it never makes a batch schedule
 * train. Only a solution with no ACTIVE version at all is trained first.
 */
function batchOnly(task: ScheduledTask, desired: StepDesired): StepDesired {
  if (desired.kind !== 'solutionVersion' || (task.kind !== 'batchInference' && task.kind !== 'batchSegment'))
    return desired;
  const { maxAgeSeconds: _trainingsOnly, ...reuse } = desired;
  return reuse;
}

/**
 * The part of the whole plan a scheduled task needs: its targets and what they
 * depend on, except imports for a training or a batch job (they use the data
 * Personalize has). The targets of a training or batch task are forced: a
 * schedule asked for them, so nothing is re-used.
 */
function planTask(plan: RunPlan, task: ScheduledTask): RunPlan {
  const { targets, forced } = taskTargets(plan, task);
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const keep = new Set<string>();
  const visit = (id: string) => {
    const step = byId.get(id);
    if (!step || keep.has(id)) return;
    if (step.kind === 'datasetImportJob' && task.kind !== 'import') return;
    keep.add(id);
    for (const dependency of step.dependsOn) visit(dependency);
  };
  for (const target of targets) visit(target);
  const steps = plan.steps
    .filter((s) => keep.has(s.id))
    .map((s) => {
      const desired =
        forced.includes(s.id) &&
        (s.desired.kind === 'solutionVersion' ||
          s.desired.kind === 'batchInferenceJob' ||
          s.desired.kind === 'batchSegmentJob')
          ? {
              ...s.desired,
              force: true,
              ...(s.desired.kind === 'solutionVersion' && (task.kind === 'full' || task.kind === 'update')
                ? { trainingMode: task.kind === 'update' ? ('UPDATE' as const) : ('FULL' as const) }
                : {}),
            }
          : s.desired;
      return { ...s, dependsOn: s.dependsOn.filter((d) => keep.has(d)), desired: batchOnly(task, desired) };
    });
  const work = steps.map((s) => s.id);
  return {
    steps: [
      ...steps,
      {
        kind: 'notify',
        id: 'notify',
        name: plan.steps.at(-1)?.name ?? '',
        dependsOn: work,
        desired: { kind: 'notify' },
      },
    ],
  };
}

function planEverything(config: ParameterFile, data: DataFound, bucket: string, options: PlanOptions): RunPlan {
  const steps: PlannedStep[] = [];
  const add = (step: PlannedStep) => {
    steps.push(step);
    return step.id;
  };
  const groupName = config.datasetGroup.serviceConfig.name ?? '';
  const group = add({
    kind: 'datasetGroup',
    id: 'datasetGroup',
    name: groupName,
    dependsOn: [],
    desired: { kind: 'datasetGroup', serviceConfig: config.datasetGroup.serviceConfig },
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
      desired: { kind: 'schema', serviceConfig: dataset.schema.serviceConfig },
    });
    const datasetId = add({
      kind: 'dataset',
      id: `dataset:${kind}`,
      name: dataset.dataset.serviceConfig.name ?? kind,
      dependsOn: [group, schema],
      desired: { kind: 'dataset', datasetType: kind, serviceConfig: dataset.dataset.serviceConfig },
    });
    datasets.set(kind, datasetId);
    const location = data[kind];
    if (location !== undefined) {
      imports.set(
        kind,
        add({
          kind: 'datasetImportJob',
          id: `datasetImportJob:${kind}`,
          name: kind,
          dependsOn: [datasetId],
          desired: {
            kind: 'datasetImportJob',
            datasetType: kind,
            jobBaseName: importJobBaseName(groupName, kind),
            dataLocation: location,
            ...(options.dataModifiedAt?.[kind] ? { dataModifiedAt: options.dataModifiedAt[kind] } : {}),
            serviceConfig: config.datasets.serviceConfig ?? {},
          },
        }),
      );
    }
  }

  if (config.eventTracker) {
    add({
      kind: 'eventTracker',
      id: 'eventTracker',
      name: config.eventTracker.serviceConfig.name ?? '',
      dependsOn: [group],
      desired: { kind: 'eventTracker', serviceConfig: config.eventTracker.serviceConfig },
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
      desired: { kind: 'filter', serviceConfig: filter.serviceConfig },
    });
  }

  for (const solution of config.solutions ?? []) {
    const name = solution.serviceConfig.name ?? '';
    const recipe = recipeByArn(solution.serviceConfig.recipeArn);
    const interactions = datasets.get(
      recipe?.recipeType === 'PERSONALIZED_ACTIONS' ? 'action_interactions' : 'interactions',
    );
    const { solutionVersion: versionConfig, ...solutionConfig } = solution.serviceConfig;
    const solutionId = add({
      kind: 'solution',
      id: `solution:${name}`,
      name,
      dependsOn: [group, ...(interactions ? [interactions] : [])],
      desired: { kind: 'solution', serviceConfig: solutionConfig },
    });
    const version = add({
      kind: 'solutionVersion',
      id: `solutionVersion:${name}`,
      name,
      dependsOn: [solutionId, ...trainingImports(recipe, imports)],
      desired: {
        kind: 'solutionVersion',
        solutionName: name,
        trainingMode: versionConfig?.trainingMode === 'UPDATE' ? 'UPDATE' : 'FULL',
        ...(versionConfig?.tags ? { tags: versionConfig.tags } : {}),
        ...maxAgeSeconds(solution.workflowConfig?.maxAge),
      },
    });
    for (const campaign of solution.campaigns ?? []) {
      const campaignName = campaign.serviceConfig.name ?? '';
      add({
        kind: 'campaign',
        id: `campaign:${campaignName}`,
        name: campaignName,
        dependsOn: [version],
        desired: {
          kind: 'campaign',
          solutionName: name,
          serviceConfig: campaign.serviceConfig,
          ...(solution.workflowConfig?.promotion ? { promotion: solution.workflowConfig.promotion } : {}),
        },
      });
    }
    const outputPrefix = `s3://${bucket}/batch/${groupName}/${name}/`;
    (solution.batchInferenceJobs ?? []).forEach((job, index) => {
      const base = batchJobBaseName(name, job.serviceConfig.jobName, index);
      const { jobName: _name, ...serviceConfig } = job.serviceConfig;
      add({
        kind: 'batchInferenceJob',
        id: `batchInferenceJob:${base}`,
        name: base,
        dependsOn: [version],
        desired: {
          kind: 'batchInferenceJob',
          solutionName: name,
          jobBaseName: base,
          inputPath: `s3://${bucket}/${batchInputKey(groupName, solution, 'batchInferenceJob', base)}`,
          outputPrefix,
          serviceConfig,
          ...maxAgeSeconds(job.workflowConfig?.maxAge),
        },
      });
    });
    (solution.batchSegmentJobs ?? []).forEach((job, index) => {
      const base = batchJobBaseName(name, job.serviceConfig.jobName, index);
      const { jobName: _name, ...serviceConfig } = job.serviceConfig;
      add({
        kind: 'batchSegmentJob',
        id: `batchSegmentJob:${base}`,
        name: base,
        dependsOn: [version],
        desired: {
          kind: 'batchSegmentJob',
          solutionName: name,
          jobBaseName: base,
          inputPath: `s3://${bucket}/${batchInputKey(groupName, solution, 'batchSegmentJob', base)}`,
          outputPrefix,
          serviceConfig,
          ...maxAgeSeconds(job.workflowConfig?.maxAge),
        },
      });
    });
  }

  for (const recommender of config.recommenders ?? []) {
    const name = recommender.serviceConfig.name ?? '';
    add({
      kind: 'recommender',
      id: `recommender:${name}`,
      name,
      dependsOn: [group, ...trainingImports(undefined, imports)],
      desired: { kind: 'recommender', serviceConfig: recommender.serviceConfig },
    });
  }

  // After every resource is in place, the group's schedules follow the file (an upload run only).
  if (!options.task) {
    add({
      kind: 'schedules',
      id: 'schedules',
      name: groupName,
      dependsOn: steps.map((s) => s.id),
      desired: { kind: 'schedules', datasetGroup: groupName, schedules: configuredSchedules(config) },
    });
  }

  add({
    kind: 'notify',
    id: 'notify',
    name: groupName,
    dependsOn: steps.map((s) => s.id),
    desired: { kind: 'notify' },
  });
  return { steps };
}
