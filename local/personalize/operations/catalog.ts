import { RECIPES, recipeByArn } from '../../../shared/personalize/recipes.js';
import { describeAlgorithm, describeRecipe, recipeByAlgorithmArn, summarizeRecipe } from '../catalog.js';
import { type Operation, paginate } from '../context.js';
import { notFound } from '../errors.js';

export const catalogOperations: Record<string, Operation> = {
  DescribeRecipe(input) {
    const recipe = recipeByArn(input.recipeArn as string);
    if (!recipe) throw notFound(`Could not find the recipe with ARN ${String(input.recipeArn)}`);
    return { recipe: describeRecipe(recipe) };
  },

  ListRecipes(input) {
    const recipes = RECIPES.filter(
      (recipe) =>
        (input.recipeProvider === undefined || input.recipeProvider === 'SERVICE') &&
        (input.domain === undefined || recipe.domain === input.domain),
    );
    const { page, nextToken } = paginate(recipes, input);
    return { recipes: page.map(summarizeRecipe), ...(nextToken ? { nextToken } : {}) };
  },

  DescribeAlgorithm(input) {
    const recipe = recipeByAlgorithmArn(input.algorithmArn as string);
    if (!recipe) throw notFound(`Could not find the algorithm with ARN ${String(input.algorithmArn)}`);
    return { algorithm: describeAlgorithm(recipe) };
  },
};
