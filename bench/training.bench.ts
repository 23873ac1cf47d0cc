import { plantedData } from '../local/personalize/models/synthetic.js';
import { train } from '../local/personalize/models/train.js';
import { RECIPES } from '../shared/personalize/recipes.js';
import { median } from './stats.js';

/**
 * The emulator's training time for aws-user-personalization (matrix
 * factorisation, the slowest custom recipe) at 100,000 and 1,000,000
 * interactions of planted data (local/personalize/models/synthetic.ts).
 * This is real CPU time, which the latency profile does not scale: a
 * time-scaled local cloud waits for it on top of the profile's duration.
 */
export function runTrainingBench(quick: boolean): Record<string, number> {
  const recipe = RECIPES.find((r) => r.name === 'aws-user-personalization');
  if (!recipe) throw new Error('no aws-user-personalization recipe');
  const runs = quick ? 1 : 3;
  const figures: Record<string, number> = { runs };
  for (const [label, size] of [
    ['100k', { users: 1_500, items: 1_000, interactions: 100_000 }],
    ['1m', { users: 6_000, items: 4_000, interactions: 1_000_000 }],
  ] as const) {
    const { data } = plantedData({ ...size, clusters: 25, seed: 7 });
    const seconds: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      const started = performance.now();
      train(data, { recipe, seed: 11 + run });
      seconds.push((performance.now() - started) / 1000);
    }
    figures[`upTrainingSeconds${label}`] = median(seconds);
  }
  return figures;
}
