/**
 * The recipes Amazon Personalize offers, with the facts the validator and the
 * emulator both need (PERSONALIZE.md, "Recipes").
 */

export type RecipeType =
  | 'USER_PERSONALIZATION'
  | 'PERSONALIZED_RANKING'
  | 'RELATED_ITEMS'
  | 'USER_SEGMENTATION'
  | 'PERSONALIZED_ACTIONS';

export type Domain = 'ECOMMERCE' | 'VIDEO_ON_DEMAND';

export type DatasetKind = 'interactions' | 'items' | 'users' | 'actions' | 'action_interactions';

export interface Recipe {
  readonly name: string;
  readonly recipeType: RecipeType;
  /** Domain recipes are used by recommenders, custom recipes by solutions. */
  readonly domain?: Domain;
  /** Whether `trainingMode: UPDATE` is allowed. */
  readonly allowsUpdate: boolean;
  readonly supportsCampaign: boolean;
  readonly supportsBatchInference: boolean;
  readonly supportsBatchSegment: boolean;
  /** Datasets a solution on this recipe cannot train without (besides interactions). */
  readonly requiresDatasets: readonly DatasetKind[];
  /** Whether results carry scores. */
  readonly scored: boolean;
  /** Whether GetRecommendations needs a userId (popular and trending lists are the same for everyone). */
  readonly needsUserId: boolean;
  readonly legacy?: boolean;
  readonly description: string;
}

const custom = (
  name: string,
  recipeType: RecipeType,
  description: string,
  facts: Partial<Omit<Recipe, 'name' | 'recipeType' | 'description'>> = {},
): Recipe => ({
  name,
  recipeType,
  description,
  allowsUpdate: false,
  supportsCampaign: recipeType !== 'USER_SEGMENTATION',
  supportsBatchInference: recipeType !== 'USER_SEGMENTATION' && recipeType !== 'PERSONALIZED_ACTIONS',
  supportsBatchSegment: recipeType === 'USER_SEGMENTATION',
  requiresDatasets: [],
  scored: true,
  needsUserId: recipeType === 'USER_PERSONALIZATION' || recipeType === 'PERSONALIZED_ACTIONS',
  ...facts,
});

const domain = (
  name: string,
  domainName: Domain,
  recipeType: RecipeType,
  description: string,
  needsUserId = recipeType === 'USER_PERSONALIZATION',
): Recipe => ({
  needsUserId,
  name,
  recipeType,
  domain: domainName,
  description,
  allowsUpdate: false,
  supportsCampaign: false,
  supportsBatchInference: false,
  supportsBatchSegment: false,
  requiresDatasets: [],
  scored: recipeType !== 'RELATED_ITEMS',
});

export const RECIPES: readonly Recipe[] = [
  custom(
    'aws-user-personalization',
    'USER_PERSONALIZATION',
    'Personalized items for a user, with exploration of new items',
    {
      allowsUpdate: true,
    },
  ),
  custom(
    'aws-user-personalization-v2',
    'USER_PERSONALIZATION',
    'Personalized items for a user (v2, larger catalogues)',
  ),
  custom('aws-personalized-ranking', 'PERSONALIZED_RANKING', 'Reranks a list of items for a user'),
  custom('aws-personalized-ranking-v2', 'PERSONALIZED_RANKING', 'Reranks a list of items for a user (v2)'),
  custom('aws-popularity-count', 'USER_PERSONALIZATION', 'The most popular items, the same for everyone', {
    scored: false,
    needsUserId: false,
  }),
  custom('aws-trending-now', 'USER_PERSONALIZATION', 'Items whose popularity rises fastest', {
    supportsBatchInference: false,
    needsUserId: false,
  }),
  custom('aws-sims', 'RELATED_ITEMS', 'Items that co-occur with an item in user histories', { scored: false }),
  custom('aws-similar-items', 'RELATED_ITEMS', 'Items similar by interactions and metadata', {
    scored: false,
    requiresDatasets: ['items'],
  }),
  custom('aws-item-affinity', 'USER_SEGMENTATION', 'Users most likely to interact with an item'),
  custom(
    'aws-item-attribute-affinity',
    'USER_SEGMENTATION',
    'Users most likely to interact with items of an attribute',
    {
      requiresDatasets: ['items'],
    },
  ),
  custom('aws-next-best-action', 'PERSONALIZED_ACTIONS', 'The actions a user is most likely to take', {
    requiresDatasets: ['actions'],
  }),
  custom('aws-hrnn', 'USER_PERSONALIZATION', 'Legacy hierarchical RNN', { legacy: true }),
  custom('aws-hrnn-metadata', 'USER_PERSONALIZATION', 'Legacy hierarchical RNN with metadata', { legacy: true }),
  custom('aws-hrnn-coldstart', 'USER_PERSONALIZATION', 'Legacy hierarchical RNN with cold-start items', {
    legacy: true,
    allowsUpdate: true,
  }),
  domain('aws-ecomm-popular-items-by-views', 'ECOMMERCE', 'USER_PERSONALIZATION', 'Most viewed items', false),
  domain('aws-ecomm-popular-items-by-purchases', 'ECOMMERCE', 'USER_PERSONALIZATION', 'Best sellers', false),
  domain('aws-ecomm-frequently-bought-together', 'ECOMMERCE', 'RELATED_ITEMS', 'Frequently bought together'),
  domain(
    'aws-ecomm-customers-who-viewed-x-also-viewed',
    'ECOMMERCE',
    'RELATED_ITEMS',
    'Customers who viewed X also viewed',
  ),
  domain('aws-ecomm-recommended-for-you', 'ECOMMERCE', 'USER_PERSONALIZATION', 'Recommended for you'),
  domain('aws-vod-because-you-watched-x', 'VIDEO_ON_DEMAND', 'RELATED_ITEMS', 'Because you watched X'),
  domain('aws-vod-more-like-x', 'VIDEO_ON_DEMAND', 'RELATED_ITEMS', 'More like X'),
  domain('aws-vod-most-popular', 'VIDEO_ON_DEMAND', 'USER_PERSONALIZATION', 'Most popular', false),
  domain('aws-vod-trending-now', 'VIDEO_ON_DEMAND', 'USER_PERSONALIZATION', 'Trending now', false),
  domain('aws-vod-top-picks', 'VIDEO_ON_DEMAND', 'USER_PERSONALIZATION', 'Top picks for you'),
];

export const RECIPE_ARN_PREFIX = 'arn:aws:personalize:::recipe/';

export function recipeArn(name: string): string {
  return `${RECIPE_ARN_PREFIX}${name}`;
}

/** The recipe an ARN names, or undefined when Personalize has no such recipe. */
export function recipeByArn(arn: string): Recipe | undefined {
  if (!arn.startsWith(RECIPE_ARN_PREFIX)) return undefined;
  const name = arn.slice(RECIPE_ARN_PREFIX.length);
  return RECIPES.find((recipe) => recipe.name === name);
}
