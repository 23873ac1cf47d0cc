import {
  DATASETS_BY_ENTITY,
  type FilterCondition,
  type FilterDataset,
  type ParsedFilter,
  parseFilterExpression,
} from '../filters/parse.js';
import { checkDatasetSchema, type DatasetSchema } from '../personalize/dataset-schema.js';
import { type DatasetKind, type Recipe, recipeByArn } from '../personalize/recipes.js';
import { batchJobBaseName, MAX_JOB_BASE_NAME_LENGTH } from './names.js';
import { at, formatPath, isRecord, items, type PathSegment, text } from './paths.js';
import { DATASET_KINDS } from './schema.js';
import type { ConfigIssue } from './types.js';

/**
 * Rules that look across sections of the parameter file. They read the raw,
 * untrusted document defensively, so they still report their findings when
 * other parts of the file are malformed: the user gets every error at once.
 */

export interface RuleFindings {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
}

type Report = (path: readonly PathSegment[], message: string) => void;

const FILTER_DATASET_KIND: Readonly<Record<FilterDataset, DatasetKind>> = {
  Interactions: 'interactions',
  Items: 'items',
  Users: 'users',
  Actions: 'actions',
  ActionInteractions: 'action_interactions',
};

const NUMERIC = ['int', 'long', 'float', 'double'];

export function checkRules(doc: unknown): RuleFindings {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const error: Report = (path, message) => errors.push({ path: formatPath(path), message });
  const warn: Report = (path, message) => warnings.push({ path: formatPath(path), message });
  checkDuplicateNames(doc, error);
  checkDomain(doc, error);
  checkSolutions(doc, error, warn);
  checkFilters(doc, error);
  checkIdleMaxAges(doc, warn);
  return { errors, warnings };
}

/**
 * maxAge keys the original accepted where mpx has a stricter rule: they stay
 * valid (drop-in files), and the file's author learns they change nothing.
 */
function checkIdleMaxAges(doc: unknown, warn: Report): void {
  if (at(doc, 'datasetGroup', 'workflowConfig', 'maxAge') !== undefined)
    warn(
      ['datasetGroup', 'workflowConfig', 'maxAge'],
      'changes nothing in mpx: a dataset is re-imported when its data changed since the last import, whatever that import’s age, and never otherwise',
    );
  items(doc, 'solutions').forEach((solution, i) => {
    items(solution, 'campaigns').forEach((campaign, j) => {
      if (at(campaign, 'workflowConfig', 'maxAge') !== undefined)
        warn(
          ['solutions', i, 'campaigns', j, 'workflowConfig', 'maxAge'],
          'changes nothing in mpx: a campaign is updated to each new solution version and never re-created by age; set maxAge on the solution to retrain by age',
        );
    });
  });
}

function checkDuplicateNames(doc: unknown, error: Report): void {
  const datasets = isRecord(at(doc, 'datasets')) ? Object.keys(at(doc, 'datasets') as object) : [];
  const kinds = datasets.filter((key) => (DATASET_KINDS as readonly string[]).includes(key));
  const groups: [string, PathSegment[][]][] = [
    ['schema', kinds.map((k) => ['datasets', k, 'schema', 'serviceConfig', 'name'])],
    ['dataset', kinds.map((k) => ['datasets', k, 'dataset', 'serviceConfig', 'name'])],
    ['solution', items(doc, 'solutions').map((_, i) => ['solutions', i, 'serviceConfig', 'name'])],
    [
      'campaign',
      items(doc, 'solutions').flatMap((solution, i) =>
        items(solution, 'campaigns').map((_, j) => ['solutions', i, 'campaigns', j, 'serviceConfig', 'name']),
      ),
    ],
    ['filter', items(doc, 'filters').map((_, i) => ['filters', i, 'serviceConfig', 'name'])],
    ['recommender', items(doc, 'recommenders').map((_, i) => ['recommenders', i, 'serviceConfig', 'name'])],
  ];
  for (const [kind, paths] of groups) {
    const seen = new Map<string, PathSegment[]>();
    for (const path of paths) {
      const name = text(doc, ...path);
      if (name === undefined) continue;
      const first = seen.get(name);
      if (first) {
        error(
          path,
          `duplicate ${kind} name "${name}" (also at ${formatPath(first)}): Personalize ${kind} names are unique per account and region`,
        );
      } else {
        seen.set(name, path);
      }
    }
  }
}

function checkDomain(doc: unknown, error: Report): void {
  const domain = text(doc, 'datasetGroup', 'serviceConfig', 'domain');
  const recommenders = items(doc, 'recommenders');
  if (domain === undefined && recommenders.length > 0) {
    error(
      ['recommenders'],
      'recommenders need a domain dataset group: set datasetGroup.serviceConfig.domain to ECOMMERCE or VIDEO_ON_DEMAND',
    );
  }
  recommenders.forEach((_, i) => {
    const arn = text(doc, 'recommenders', i, 'serviceConfig', 'recipeArn');
    const recipe = arn === undefined ? undefined : recipeByArn(arn);
    if (domain !== undefined && recipe?.domain !== undefined && recipe.domain !== domain) {
      error(
        ['recommenders', i, 'serviceConfig', 'recipeArn'],
        `${recipe.name} is a ${recipe.domain} recipe; this dataset group's domain is ${domain}`,
      );
    }
  });
  for (const kind of DATASET_KINDS) {
    const path = ['datasets', kind, 'schema', 'serviceConfig', 'domain'];
    const schemaDomain = text(doc, ...path);
    if (at(doc, 'datasets', kind) === undefined) continue;
    if (schemaDomain !== undefined && schemaDomain !== domain) {
      error(path, `the schema's domain ${schemaDomain} must match the dataset group's domain (${domain ?? 'none'})`);
    } else if (schemaDomain === undefined && domain !== undefined) {
      error(path.slice(0, -1), `a ${domain} dataset group needs domain schemas: set domain to ${domain}`);
    }
  }
}

const isActiveSchedule = (value: unknown): boolean => typeof value === 'string' && value !== 'delete';

function checkSolutions(doc: unknown, error: Report, warn: Report): void {
  items(doc, 'solutions').forEach((solution, i) => {
    const base: PathSegment[] = ['solutions', i];
    const arn = text(solution, 'serviceConfig', 'recipeArn');
    const recipe = arn === undefined ? undefined : recipeByArn(arn);
    if (at(solution, 'serviceConfig', 'performAutoML') !== undefined) {
      warn(
        [...base, 'serviceConfig', 'performAutoML'],
        'performAutoML is deprecated by Personalize; mpx drops it and trains the recipeArn',
      );
    }
    const schedules = [
      at(solution, 'workflowConfig', 'schedules', 'full'),
      at(solution, 'workflowConfig', 'schedules', 'update'),
    ];
    if (schedules.some(isActiveSchedule) && at(solution, 'serviceConfig', 'performAutoTraining') === true) {
      warn(
        [...base, 'serviceConfig', 'performAutoTraining'],
        'this solution has its own training schedules and performAutoTraining is true: Personalize would also retrain it every 7 days and bill twice',
      );
    }
    if (recipe) checkRecipeUse(doc, solution, base, recipe, error, warn);
    checkBatchJobNames(solution, base, error);
  });
}

function checkRecipeUse(
  doc: unknown,
  solution: unknown,
  base: PathSegment[],
  recipe: Recipe,
  error: Report,
  warn: Report,
): void {
  if (recipe.legacy)
    warn(
      [...base, 'serviceConfig', 'recipeArn'],
      `${recipe.name} is a legacy recipe; Personalize recommends aws-user-personalization-v2`,
    );
  const noUpdate = `UPDATE training is only available for aws-user-personalization and aws-hrnn-coldstart, not ${recipe.name}`;
  if (!recipe.allowsUpdate && isActiveSchedule(at(solution, 'workflowConfig', 'schedules', 'update'))) {
    error([...base, 'workflowConfig', 'schedules', 'update'], noUpdate);
  }
  if (!recipe.allowsUpdate && at(solution, 'serviceConfig', 'solutionVersion', 'trainingMode') === 'UPDATE') {
    error([...base, 'serviceConfig', 'solutionVersion', 'trainingMode'], noUpdate);
  }
  const unsupported: [string, boolean, string][] = [
    ['campaigns', recipe.supportsCampaign, 'campaigns'],
    ['batchInferenceJobs', recipe.supportsBatchInference, 'batch inference jobs'],
    ['batchSegmentJobs', recipe.supportsBatchSegment, 'batch segment jobs'],
  ];
  for (const [key, supported, what] of unsupported) {
    if (!supported && items(solution, key).length > 0)
      error([...base, key], `${recipe.name} (${recipe.recipeType}) does not support ${what}`);
  }
  for (const kind of recipe.requiresDatasets) {
    if (at(doc, 'datasets', kind) === undefined) {
      error([...base, 'serviceConfig', 'recipeArn'], `${recipe.name} needs a datasets.${kind} dataset`);
    }
  }
}

function checkBatchJobNames(solution: unknown, base: PathSegment[], error: Report): void {
  const solutionName = text(solution, 'serviceConfig', 'name');
  for (const key of ['batchInferenceJobs', 'batchSegmentJobs']) {
    const seen = new Map<string, number>();
    items(solution, key).forEach((_, j) => {
      const jobName = text(solution, key, j, 'serviceConfig', 'jobName');
      if (jobName === undefined && solutionName === undefined) return;
      const baseName = batchJobBaseName(solutionName ?? '', jobName, j);
      const path =
        jobName === undefined ? [...base, 'serviceConfig', 'name'] : [...base, key, j, 'serviceConfig', 'jobName'];
      if (baseName.length > MAX_JOB_BASE_NAME_LENGTH) {
        error(
          path,
          `generated job names "${baseName}_YYYY_MM_DD_HH_MM_SS" would exceed 63 characters: keep ${jobName === undefined ? 'the solution name' : 'jobName'} within ${MAX_JOB_BASE_NAME_LENGTH} characters${jobName === undefined ? ' or set serviceConfig.jobName on the job' : ''}`,
        );
      }
      const first = seen.get(baseName);
      if (first !== undefined) {
        error(
          [...base, key, j, 'serviceConfig', 'jobName'],
          `two batch jobs of this solution would share the name "${baseName}" (with ${key}[${first}])`,
        );
      } else {
        seen.set(baseName, j);
      }
    });
  }
}

function datasetSchemas(doc: unknown): Partial<Record<DatasetKind, DatasetSchema>> {
  const schemas: Partial<Record<DatasetKind, DatasetSchema>> = {};
  for (const kind of DATASET_KINDS) {
    const value = at(doc, 'datasets', kind, 'schema', 'serviceConfig', 'schema');
    if (value === undefined) continue;
    const check = checkDatasetSchema(value, kind);
    if (check.ok) schemas[kind] = check.schema;
  }
  return schemas;
}

function checkFilters(doc: unknown, error: Report): void {
  const filters = items(doc, 'filters');
  if (filters.length === 0) return;
  const schemas = datasetSchemas(doc);
  filters.forEach((_, i) => {
    const path = ['filters', i, 'serviceConfig', 'filterExpression'];
    const expression = text(doc, ...path);
    if (expression === undefined) return;
    const parsed = parseFilterExpression(expression);
    if (!parsed.ok) {
      error(path, `at column ${parsed.column}: ${parsed.message}`);
      return;
    }
    for (const problem of filterReferenceProblems(parsed.filter, doc, schemas)) error(path, problem);
  });
}

function filterReferenceProblems(
  filter: ParsedFilter,
  doc: unknown,
  schemas: Partial<Record<DatasetKind, DatasetSchema>>,
): string[] {
  const problems: string[] = [];
  const checkField = (condition: FilterCondition, kind: DatasetKind, label: string) => {
    if (at(doc, 'datasets', kind) === undefined) {
      problems.push(
        `at column ${condition.column}: ${label} refers to a ${kind} dataset, which this file does not define`,
      );
      return;
    }
    const schema = schemas[kind];
    if (!schema) return;
    const field = schema.fields.find((f) => f.name === condition.field);
    if (!field) {
      problems.push(`at column ${condition.column}: the ${kind} schema has no field ${condition.field}`);
    } else if (['<', '<=', '>', '>='].includes(condition.operator) && !NUMERIC.includes(field.type)) {
      problems.push(
        `at column ${condition.column}: ${condition.operator} needs a numeric field; ${condition.field} is ${field.type}`,
      );
    }
  };
  for (const part of filter.parts) {
    for (const condition of part.conditions) {
      const dataset = condition.dataset as FilterDataset;
      if (!DATASETS_BY_ENTITY[part.entity].includes(dataset)) {
        problems.push(
          `at column ${condition.column}: a filter on ${part.entity} can use ${DATASETS_BY_ENTITY[part.entity].join(' or ')}, not ${dataset}`,
        );
        continue;
      }
      if ((dataset === 'Interactions' || dataset === 'ActionInteractions') && condition.field !== 'EVENT_TYPE') {
        problems.push(
          `at column ${condition.column}: ${dataset} filters can only use EVENT_TYPE, not ${condition.field}`,
        );
        continue;
      }
      checkField(condition, FILTER_DATASET_KIND[dataset], `${dataset}.${condition.field}`);
    }
    for (const condition of part.ifConditions) checkField(condition, 'users', `CurrentUser.${condition.field}`);
  }
  return problems;
}
