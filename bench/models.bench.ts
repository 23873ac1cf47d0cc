import { offlineMetrics } from '../local/personalize/models/metrics.js';
import { recommendItems } from '../local/personalize/models/model.js';
import { plantedData } from '../local/personalize/models/synthetic.js';
import { TopK } from '../local/personalize/models/top-k.js';
import { train } from '../local/personalize/models/train.js';
import { RECIPES, type Recipe } from '../shared/personalize/recipes.js';
import { percentile } from './stats.js';

/**
 * The emulator's models on planted data (local/personalize/models/synthetic.ts):
 * user-personalization NDCG@10 by Personalize's offline protocol against
 * popularity-count and an oracle that ranks by the planted probabilities, sims
 * recall@10 of planted neighbours (items of the same cluster), training time
 * for user-personalization, and recommendItems latency.
 * Targets: UP ≥ 2× popularity and ≥ 0.6× oracle; sims recall ≥ 0.5; training ≤ 60 s; p99 ≤ 10 ms.
 */

const recipe = (name: string): Recipe => {
  const found = RECIPES.find((r) => r.name === name);
  if (!found) throw new Error(`no recipe ${name}`);
  return found;
};

export async function runModelsBench(quick: boolean): Promise<Record<string, number>> {
  const size = quick
    ? { users: 1_500, items: 1_000, interactions: 150_000, clusters: 25 }
    : { users: 6_000, items: 4_000, interactions: 1_000_000, clusters: 40 };
  const planted = plantedData({ ...size, seed: 7 });
  const { data } = planted;
  const up = recipe('aws-user-personalization');
  const seed = 11;

  const upMetrics = offlineMetrics(data, { recipe: up, seed });
  const popularityMetrics = offlineMetrics(data, { recipe: recipe('aws-popularity-count'), seed });
  const oracleMetrics = offlineMetrics(
    data,
    { recipe: up, seed },
    {
      recommend: (user, numResults, exclude) => {
        const top = new TopK(numResults);
        for (let item = 0; item < data.itemIds.length; item += 1) {
          const p = planted.preference(user, item);
          if (top.accepts(p) && !exclude(data.itemIds[item] as string)) top.push(p, item);
        }
        return top.sorted().map((e) => data.itemIds[e.index] as string);
      },
    },
  );

  const started = performance.now();
  const model = train(data, { recipe: up, seed });
  const trainingSeconds = (performance.now() - started) / 1000;

  const sims = train(data, { recipe: recipe('aws-sims'), seed });
  let recall = 0;
  const probes = Math.min(500, data.itemIds.length);
  for (let item = 0; item < probes; item += 1) {
    const cluster = planted.itemCluster[item];
    const clusterSize = size.items / size.clusters;
    const got = recommendItems(sims, { itemId: data.itemIds[item], numResults: 10 });
    const hits = got.filter((r) => planted.itemCluster[data.itemIds.indexOf(r.itemId)] === cluster).length;
    recall += hits / Math.min(10, clusterSize - 1);
  }

  const latencies: number[] = [];
  for (let n = 0; n < 2_000; n += 1) {
    const userId = data.userIds[(n * 7919) % data.userIds.length];
    const start = process.hrtime.bigint();
    recommendItems(model, { userId, numResults: 25 });
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const upNdcg = upMetrics.normalized_discounted_cumulative_gain_at_10;
  const popularityNdcg = popularityMetrics.normalized_discounted_cumulative_gain_at_10;
  const oracleNdcg = oracleMetrics.normalized_discounted_cumulative_gain_at_10;
  return {
    interactions: data.interactions.length,
    upNdcgAt10: upNdcg,
    popularityNdcgAt10: popularityNdcg,
    oracleNdcgAt10: oracleNdcg,
    upOverPopularity: upNdcg / popularityNdcg,
    upOverOracle: upNdcg / oracleNdcg,
    upCoverage: upMetrics.coverage,
    simsRecallAt10: recall / probes,
    upTrainingSeconds: trainingSeconds,
    recommendP50Ms: percentile(latencies, 50),
    recommendP99Ms: percentile(latencies, 99),
  };
}
