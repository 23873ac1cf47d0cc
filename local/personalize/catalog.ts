import { RECIPE_ARN_PREFIX, RECIPES, type Recipe } from '../../shared/personalize/recipes.js';

/**
 * Personalize's recipes and their algorithms as the emulator describes them.
 * Default hyperparameters are the ones the emulator's models read (part 2);
 * ranges are what HPO may tune.
 */

export const CATALOG_TIME = Date.UTC(2019, 5, 10) / 1000;

export const algorithmArn = (recipe: Recipe) => `arn:aws:personalize:::algorithm/${recipe.name}`;
export const featureTransformationArn = (recipe: Recipe) =>
  `arn:aws:personalize:::feature-transformation/${recipe.name}`;

interface IntegerRange {
  readonly name: string;
  readonly minValue: number;
  readonly maxValue: number;
  readonly isTunable: boolean;
}
interface ContinuousRange {
  readonly name: string;
  readonly minValue: number;
  readonly maxValue: number;
  readonly isTunable: boolean;
}
interface CategoricalRange {
  readonly name: string;
  readonly values: string[];
  readonly isTunable: boolean;
}

interface AlgorithmParameters {
  readonly defaults: Record<string, string>;
  readonly integer?: IntegerRange[];
  readonly continuous?: ContinuousRange[];
  readonly categorical?: CategoricalRange[];
}

const FACTOR_MODEL: AlgorithmParameters = {
  defaults: {
    hidden_dimension: '64',
    bptt: '32',
    recency_mask: 'true',
    min_user_history_length_percentile: '0.0',
    max_user_history_length_percentile: '0.99',
  },
  integer: [
    { name: 'hidden_dimension', minValue: 8, maxValue: 256, isTunable: true },
    { name: 'bptt', minValue: 2, maxValue: 32, isTunable: false },
  ],
  continuous: [
    { name: 'min_user_history_length_percentile', minValue: 0, maxValue: 1, isTunable: false },
    { name: 'max_user_history_length_percentile', minValue: 0, maxValue: 1, isTunable: false },
  ],
  categorical: [{ name: 'recency_mask', values: ['true', 'false'], isTunable: true }],
};

const CO_OCCURRENCE: AlgorithmParameters = {
  defaults: {
    popularity_discount_factor: '0.5',
    min_cointeraction_count: '3',
    min_user_history_length_percentile: '0.005',
    max_user_history_length_percentile: '0.995',
    max_item_interaction_count_percentile: '0.9',
  },
  integer: [{ name: 'min_cointeraction_count', minValue: 0, maxValue: 10, isTunable: true }],
  continuous: [
    { name: 'popularity_discount_factor', minValue: 0, maxValue: 1, isTunable: true },
    { name: 'min_user_history_length_percentile', minValue: 0, maxValue: 1, isTunable: false },
    { name: 'max_user_history_length_percentile', minValue: 0, maxValue: 1, isTunable: false },
    { name: 'max_item_interaction_count_percentile', minValue: 0, maxValue: 1, isTunable: false },
  ],
};

const NONE: AlgorithmParameters = { defaults: {} };

function parametersOf(recipe: Recipe): AlgorithmParameters {
  if (recipe.name === 'aws-sims' || recipe.name === 'aws-similar-items') return CO_OCCURRENCE;
  if (['aws-popularity-count', 'aws-trending-now'].includes(recipe.name) || recipe.domain) return NONE;
  return FACTOR_MODEL;
}

export function hyperParameterDefaults(recipe: Recipe): Record<string, string> {
  return { ...parametersOf(recipe).defaults };
}

export function describeRecipe(recipe: Recipe): Record<string, unknown> {
  return {
    name: recipe.name,
    recipeArn: `${RECIPE_ARN_PREFIX}${recipe.name}`,
    algorithmArn: algorithmArn(recipe),
    featureTransformationArn: featureTransformationArn(recipe),
    status: 'ACTIVE',
    description: recipe.description,
    creationDateTime: CATALOG_TIME,
    recipeType: recipe.recipeType,
    lastUpdatedDateTime: CATALOG_TIME,
  };
}

export function summarizeRecipe(recipe: Recipe): Record<string, unknown> {
  return {
    name: recipe.name,
    recipeArn: `${RECIPE_ARN_PREFIX}${recipe.name}`,
    status: 'ACTIVE',
    creationDateTime: CATALOG_TIME,
    lastUpdatedDateTime: CATALOG_TIME,
    ...(recipe.domain ? { domain: recipe.domain } : {}),
  };
}

export function describeAlgorithm(recipe: Recipe): Record<string, unknown> {
  const parameters = parametersOf(recipe);
  return {
    name: recipe.name,
    algorithmArn: algorithmArn(recipe),
    algorithmImage: { name: recipe.name, dockerURI: `mpx-local/${recipe.name}:1` },
    defaultHyperParameters: { ...parameters.defaults },
    defaultHyperParameterRanges: {
      integerHyperParameterRanges: parameters.integer ?? [],
      continuousHyperParameterRanges: parameters.continuous ?? [],
      categoricalHyperParameterRanges: parameters.categorical ?? [],
    },
    defaultResourceConfig: { maxNumberOfTrainingJobs: '20', maxParallelTrainingJobs: '5' },
    trainingInputMode: 'File',
    creationDateTime: CATALOG_TIME,
    lastUpdatedDateTime: CATALOG_TIME,
  };
}

export function recipeByAlgorithmArn(arn: string): Recipe | undefined {
  return RECIPES.find((recipe) => algorithmArn(recipe) === arn);
}
