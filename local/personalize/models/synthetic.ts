import { type TrainingData, TrainingDataBuilder } from './data.js';
import { seededRandom } from './random.js';

/**
 * Synthetic interactions with planted preferences, for tests and benchmarks:
 * items fall into clusters (with a GENRE attribute naming the cluster) and a
 * Zipf-like popularity within them; each user has a favourite and a second
 * cluster. An interaction picks the favourite cluster with probability 0.6, the
 * second with 0.25, and any item by global popularity otherwise, so the
 * probability of every (user, item) pair is known exactly: that is the oracle.
 */

export interface PlantedOptions {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  readonly clusters: number;
  readonly seed: number;
  /** Epoch seconds of the first interaction; interactions are one minute apart in a shuffled user order. */
  readonly start?: number;
}

export interface PlantedData {
  readonly data: TrainingData;
  /** Cluster per item index (of `data.itemIds`). */
  readonly itemCluster: Int32Array;
  /** Favourite and second cluster per user index (of `data.userIds`). */
  readonly userClusters: readonly (readonly [number, number])[];
  /** The exact probability that user `user` picks item `item` in one interaction. */
  readonly preference: (user: number, item: number) => number;
}

const FAVOURITE = 0.6;
const SECOND = 0.25;

/** Generates planted data; every id is `u<n>`/`i<n>`, and items carry GENRE = `g<cluster>`. */
export function plantedData(options: PlantedOptions): PlantedData {
  const random = seededRandom(options.seed);
  const { clusters } = options;
  const clusterOfItem = Int32Array.from({ length: options.items }, (_, i) => i % clusters);
  const weight = Float64Array.from({ length: options.items }, (_, i) => 1 / (1 + Math.floor(i / clusters)) ** 0.8);
  const clusterTotal = new Float64Array(clusters);
  let total = 0;
  for (let i = 0; i < options.items; i += 1) {
    clusterTotal[clusterOfItem[i] as number] =
      (clusterTotal[clusterOfItem[i] as number] as number) + (weight[i] as number);
    total += weight[i] as number;
  }
  const clusterItems: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < options.items; i += 1) clusterItems[clusterOfItem[i] as number]?.push(i);
  const cumulative = (items: number[]) => {
    const sums = new Float64Array(items.length);
    let sum = 0;
    items.forEach((item, n) => {
      sum += weight[item] as number;
      sums[n] = sum;
    });
    return sums;
  };
  const clusterSums = clusterItems.map(cumulative);
  const allItems = Array.from({ length: options.items }, (_, i) => i);
  const allSums = cumulative(allItems);
  const pick = (items: number[], sums: Float64Array) => {
    const target = random() * (sums[sums.length - 1] as number);
    let low = 0;
    let high = sums.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((sums[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return items[low] as number;
  };
  const userClusters = Array.from({ length: options.users }, (): [number, number] => {
    const favourite = Math.floor(random() * clusters);
    const second = (favourite + 1 + Math.floor(random() * (clusters - 1))) % clusters;
    return [favourite, second];
  });
  const builder = new TrainingDataBuilder();
  // Register users and items in index order so data indices equal generator indices.
  for (let u = 0; u < options.users; u += 1) builder.userOf(`u${u}`);
  for (let i = 0; i < options.items; i += 1) builder.setItem(`i${i}`, { GENRE: `g${clusterOfItem[i]}` });
  const start = options.start ?? 1_700_000_000;
  for (let n = 0; n < options.interactions; n += 1) {
    // Every user gets at least two interactions, then users are drawn at random.
    const user = n < 2 * options.users ? n % options.users : Math.floor(random() * options.users);
    const [favourite, second] = userClusters[user] as [number, number];
    const roll = random();
    const cluster = roll < FAVOURITE ? favourite : roll < FAVOURITE + SECOND ? second : -1;
    const item =
      cluster === -1
        ? pick(allItems, allSums)
        : pick(clusterItems[cluster] as number[], clusterSums[cluster] as Float64Array);
    builder.addInteraction(`u${user}`, `i${item}`, start + n * 60, 'click');
  }
  const preference = (user: number, item: number) => {
    const [favourite, second] = userClusters[user] as [number, number];
    const cluster = clusterOfItem[item] as number;
    const w = weight[item] as number;
    return (
      (cluster === favourite ? (FAVOURITE * w) / (clusterTotal[cluster] as number) : 0) +
      (cluster === second ? (SECOND * w) / (clusterTotal[cluster] as number) : 0) +
      ((1 - FAVOURITE - SECOND) * w) / total
    );
  };
  return { data: builder.build(), itemCluster: clusterOfItem, userClusters, preference };
}
