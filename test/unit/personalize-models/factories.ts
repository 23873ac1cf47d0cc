import { type PlantedData, plantedData } from '../../../local/personalize/models/synthetic.js';
import type { Recipe } from '../../../shared/personalize/recipes.js';
import { RECIPES } from '../../../shared/personalize/recipes.js';

/** A recipe by name; throws for a name Personalize does not have, so a typo fails the test. */
export function recipe(name: string): Recipe {
  const found = RECIPES.find((r) => r.name === name);
  if (!found) throw new Error(`no recipe ${name}`);
  return found;
}

let small: PlantedData | undefined;

/** 400 users with planted preferences over 16 clusters of 400 items; 16,000 interactions. Built once per file. */
export function smallPlanted(): PlantedData {
  small ??= plantedData({ users: 400, items: 400, interactions: 16_000, clusters: 16, seed: 1 });
  return small;
}
