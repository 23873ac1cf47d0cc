import { AliasTable, normal, permutation, type Random, randomInt, seededRandom } from './random.js';

/**
 * A seeded synthetic retail data set for Personalize, with a structure planted
 * on purpose so that benchmarks can tell a model that learns from one that
 * does not:
 *
 * - every item belongs to one of K latent clusters, and its CATEGORY is the
 *   cluster's own category 85 % of the time;
 * - every user has a sparse preference over 1–3 clusters, drawn mostly from
 *   the two clusters their SEGMENT favours;
 * - an interaction picks a user (log-normal activity), a cluster from the
 *   user's preference (5 % exploration), then an item of that cluster by
 *   Zipf-like popularity among the items that exist at that moment;
 * - the period drifts: item popularity moves from one ranking to another that
 *   favours new items, and 30 % of users pick up a new interest;
 * - 20 % of the items are created during the period, so they appear over time.
 *
 * The same options give the same data, byte for byte: users and items are
 * drawn when the data set is made; interactions are drawn again, in time
 * order, each time they are iterated, so a million of them never sit in memory.
 */

/** The first day of the period when none is given: data sets do not depend on when they are made. */
export const DEFAULT_START = new Date('2026-01-01T00:00:00Z');
/** Length of the period when none is given. */
export const DEFAULT_DAYS = 90;
/** Number of latent clusters K when none is given. */
export const DEFAULT_CLUSTERS = 8;

/** Item categories; cluster `c` has `CATEGORIES[c]` as its own category. */
export const CATEGORIES = [
  'electronics',
  'books',
  'home',
  'garden',
  'toys',
  'sports',
  'beauty',
  'fashion',
  'grocery',
  'music',
  'outdoors',
  'pets',
] as const;

/** User segments; segment `s` favours clusters `2s mod K` and `2s + 1 mod K`. */
export const SEGMENTS = ['bargain-hunter', 'family', 'enthusiast', 'professional', 'student', 'senior'] as const;

/** The EVENT_TYPE values, most frequent first. */
export const EVENT_TYPES = ['view', 'click', 'purchase'] as const;
/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];
/** Share of each event type: a typical e-commerce funnel. */
export const EVENT_TYPE_SHARES: Readonly<Record<EventType, number>> = { view: 0.75, click: 0.2, purchase: 0.05 };

/** Probability that an interaction ignores the user's preference (uniform cluster). */
export const EXPLORATION = 0.05;
/** Share of the items created during the period rather than before it. */
export const NEW_ITEM_SHARE = 0.2;
/** Share of the users whose interests change during the period. */
export const DRIFTING_USER_SHARE = 0.3;
/** Share of the items whose CATEGORY is their cluster's own category. */
export const CATEGORY_FIDELITY = 0.85;

const ZIPF_EXPONENT = 0.9;
const USER_ACTIVITY_SIGMA = 1.1;
const DAY = 86_400;
const CATALOGUE_AGE_DAYS = 365;
const SEGMENT_SHARES = [0.24, 0.2, 0.18, 0.15, 0.13, 0.1];
const SEGMENT_MEAN_AGES = [38, 36, 31, 42, 22, 68];
const CATEGORY_BASE_PRICES = [180, 15, 45, 30, 25, 60, 20, 50, 8, 12, 70, 22];
/** Activity by hour of day (UTC): quiet nights, busy evenings. */
const HOURLY_ACTIVITY = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 7, 8, 10, 12, 12, 10, 7, 4];
/** Independent random streams of one seed. */
const STREAM = { users: 1, items: 2, interactions: 3 } as const;

/** What to generate; counts are exact. */
export interface GenerateOptions {
  readonly users: number;
  readonly items: number;
  readonly interactions: number;
  /** Any integer; the same seed gives the same data. */
  readonly seed: number;
  /** First instant of the period (UTC); default {@link DEFAULT_START}. */
  readonly start?: Date;
  /** Length of the period in days; default {@link DEFAULT_DAYS}. */
  readonly days?: number;
  /** Number of latent clusters K, 2 to 12; default {@link DEFAULT_CLUSTERS} (never more than items). */
  readonly clusters?: number;
}

/** A row of users.csv. */
export interface SyntheticUser {
  /** `u<index>`. */
  readonly id: string;
  readonly age: number;
  readonly segment: string;
}

/** A row of items.csv. */
export interface SyntheticItem {
  /** `i<index>`; indices follow creation time. */
  readonly id: string;
  readonly category: string;
  readonly price: number;
  /** Epoch seconds; after the start of the period for new items. */
  readonly creationTimestamp: number;
}

/** A row of interactions.csv, by user and item index. */
export interface SyntheticInteraction {
  readonly userIndex: number;
  readonly itemIndex: number;
  /** Epoch seconds within the period. */
  readonly timestamp: number;
  readonly eventType: EventType;
}

/**
 * The planted structure, for benchmarks to score models against. Times are
 * epoch seconds and default to the end of the period, which is what a model
 * trained on the whole period should predict.
 */
export interface PlantedTruth {
  /** K. */
  readonly clusters: number;
  /** The latent cluster of an item. */
  itemCluster(itemIndex: number): number;
  /** The category most items of a cluster carry. */
  clusterCategory(cluster: number): string;
  /** The clusters a user prefers at some point of the period (exploration aside), ascending. */
  preferredClusters(userIndex: number): readonly number[];
  /** The probability that a user's interaction at `at` falls in each cluster (sums to 1). */
  clusterPreferences(userIndex: number, at?: number): Float64Array;
  /**
   * The probability that a user's interaction at `at` is with this item: the
   * user's cluster preference × the item's popularity share in its cluster
   * (0 before the item exists). Sums to 1 over the items.
   */
  userPreference(userIndex: number, itemIndex: number, at?: number): number;
  /**
   * The `k` items most likely to be interacted with by the same users as
   * `itemId`: the other items of its cluster, by their popularity share
   * averaged over the period (ties by index). What a related-items model
   * should find.
   *
   * @throws RangeError for an id that is not an item of the data set.
   */
  neighbours(itemId: string, k: number): string[];
  /** The index of `u<index>`, or undefined. */
  userIndex(userId: string): number | undefined;
  /** The index of `i<index>`, or undefined. */
  itemIndex(itemId: string): number | undefined;
}

/** A generated data set: users and items in memory, interactions on demand, and the planted truth. */
export interface SyntheticDataset {
  readonly seed: number;
  /** The period, in epoch seconds: `[start, end)`. */
  readonly start: number;
  readonly end: number;
  readonly users: readonly SyntheticUser[];
  readonly items: readonly SyntheticItem[];
  readonly interactionCount: number;
  /** The interactions in time order; each call draws the same sequence again. */
  interactions(): Generator<SyntheticInteraction, void, undefined>;
  readonly truth: PlantedTruth;
}

/** A user's cluster preference: parallel arrays, weights summing to 1. */
interface SparsePreference {
  readonly clusters: readonly number[];
  readonly weights: readonly number[];
}

interface ClusterCatalogue {
  /** Item indices of the cluster, ascending (so in creation order). */
  readonly items: Int32Array;
  readonly created: Float64Array;
  /** Cumulative popularity at the start and at the end of the period. */
  readonly early: Float64Array;
  readonly late: Float64Array;
}

/**
 * Makes a data set. Cheap: users and items are drawn now, interactions only
 * when iterated.
 *
 * @throws RangeError when a count is not a whole number (users and items at
 * least 1, interactions at least 0), the seed is not an integer, `days` is not
 * a positive whole number, `start` is not a valid date or `clusters` is not 2 to 12.
 */
export function generateDataset(options: GenerateOptions): SyntheticDataset {
  const { users: userCount, items: itemCount, interactions: interactionCount, seed } = options;
  const days = options.days ?? DEFAULT_DAYS;
  const startDate = options.start ?? DEFAULT_START;
  checkWhole('users', userCount, 1);
  checkWhole('items', itemCount, 1);
  checkWhole('interactions', interactionCount, 0);
  checkWhole('days', days, 1);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, not ${seed}`);
  if (Number.isNaN(startDate.getTime())) throw new RangeError('start must be a valid date');
  const requested = options.clusters ?? DEFAULT_CLUSTERS;
  if (!Number.isInteger(requested) || requested < 2 || requested > CATEGORIES.length) {
    throw new RangeError(`clusters must be a whole number from 2 to ${CATEGORIES.length}, not ${requested}`);
  }
  const clusterCount = Math.min(requested, itemCount);
  const start = Math.floor(startDate.getTime() / 1000);
  const end = start + days * DAY;

  const items = drawItems(seededRandom(seed, STREAM.items), itemCount, clusterCount, start, end);
  const users = drawUsers(seededRandom(seed, STREAM.users), userCount, clusterCount);
  const progress = (at: number): number => Math.min(1, Math.max(0, (at - start) / (end - start)));

  const truth = plantedTruth(users, items, clusterCount, progress, start, end);
  return {
    seed,
    start,
    end,
    users: users.records,
    items: items.records,
    interactionCount,
    interactions: () =>
      drawInteractions(seededRandom(seed, STREAM.interactions), interactionCount, days, start, users, items),
    truth,
  };
}

function checkWhole(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be a whole number of at least ${min}, not ${value}`);
  }
}

interface DrawnItems {
  readonly records: SyntheticItem[];
  readonly cluster: Int32Array;
  readonly created: Float64Array;
  readonly catalogues: ClusterCatalogue[];
}

function drawItems(random: Random, count: number, clusters: number, start: number, end: number): DrawnItems {
  // The first K items open one cluster each, and at least K items exist before
  // the period, so every cluster has an item to offer from the first second.
  const newCount = Math.min(Math.floor(count * NEW_ITEM_SHARE), count - clusters);
  const oldCount = count - newCount;
  const created = new Float64Array(count);
  const catalogueStart = start - CATALOGUE_AGE_DAYS * DAY;
  for (let i = 0; i < oldCount; i += 1) created[i] = catalogueStart + randomInt(random, start - catalogueStart);
  for (let i = oldCount; i < count; i += 1) created[i] = start + randomInt(random, end - start);
  created.subarray(0, oldCount).sort();
  created.subarray(oldCount).sort();

  const cluster = new Int32Array(count);
  const records: SyntheticItem[] = [];
  for (let i = 0; i < count; i += 1) {
    const c = i < clusters ? i : randomInt(random, clusters);
    cluster[i] = c;
    const categoryIndex = random() < CATEGORY_FIDELITY ? c : randomInt(random, CATEGORIES.length);
    const base = CATEGORY_BASE_PRICES[categoryIndex] as number;
    const price = Math.max(0.99, Math.round(base * Math.exp(0.5 * normal(random)) * 100) / 100);
    records.push({
      id: `i${i}`,
      category: CATEGORIES[categoryIndex] as string,
      price,
      creationTimestamp: created[i] as number,
    });
  }

  // Early popularity: a random Zipf ranking. Late popularity: another ranking
  // in which new items tend to rank high.
  const early = zipfWeights(permutation(random, count));
  const lateKeys = Array.from({ length: count }, (_, i) => random() * (i >= oldCount ? 0.35 : 1));
  const lateOrder = Array.from({ length: count }, (_, i) => i).sort(
    (a, b) => (lateKeys[a] as number) - (lateKeys[b] as number) || a - b,
  );
  const lateRank = new Int32Array(count);
  lateOrder.forEach((item, rank) => {
    lateRank[item] = rank;
  });
  const late = zipfWeights(lateRank);

  const members: number[][] = Array.from({ length: clusters }, () => []);
  for (let i = 0; i < count; i += 1) members[cluster[i] as number]?.push(i);
  const catalogues = members.map((list) => {
    const ids = Int32Array.from(list);
    const cumulative = (weights: Float64Array) => {
      const sums = new Float64Array(ids.length);
      let total = 0;
      ids.forEach((item, k) => {
        total += weights[item] as number;
        sums[k] = total;
      });
      return sums;
    };
    return {
      items: ids,
      created: Float64Array.from(ids, (item) => created[item] as number),
      early: cumulative(early),
      late: cumulative(late),
    };
  });
  return { records, cluster, created, catalogues };
}

/** Weight of each item from its rank (0 = most popular). */
function zipfWeights(rankOf: Int32Array): Float64Array {
  return Float64Array.from(rankOf, (rank) => 1 / (rank + 1) ** ZIPF_EXPONENT);
}

interface DrawnUsers {
  readonly records: SyntheticUser[];
  readonly before: SparsePreference[];
  readonly after: SparsePreference[];
  readonly activity: AliasTable;
}

function drawUsers(random: Random, count: number, clusters: number): DrawnUsers {
  const segments = new AliasTable(SEGMENT_SHARES);
  const records: SyntheticUser[] = [];
  const before: SparsePreference[] = [];
  const after: SparsePreference[] = [];
  for (let u = 0; u < count; u += 1) {
    const segment = segments.sample(random);
    const favoured = [(2 * segment) % clusters, (2 * segment + 1) % clusters];
    const interests = random() < 0.5 ? 1 : random() < 0.6 ? 2 : 3;
    const chosen: number[] = [];
    for (let k = 0; k < interests; k += 1) {
      const c = random() < 0.75 ? (favoured[randomInt(random, 2)] as number) : randomInt(random, clusters);
      if (!chosen.includes(c)) chosen.push(c);
    }
    const raw = chosen.map(() => -Math.log(1 - random()) + 0.1);
    const total = raw.reduce((a, b) => a + b, 0);
    const initial = { clusters: chosen, weights: raw.map((w) => w / total) };
    before.push(initial);
    let later = initial;
    if (random() < DRIFTING_USER_SHARE && chosen.length < clusters) {
      let fresh = randomInt(random, clusters);
      while (chosen.includes(fresh)) fresh = (fresh + 1) % clusters;
      later = { clusters: [...chosen, fresh], weights: [...initial.weights.map((w) => w / 2), 0.5] };
    }
    after.push(later);
    const age = Math.round((SEGMENT_MEAN_AGES[segment] as number) + 9 * normal(random));
    records.push({ id: `u${u}`, age: Math.min(85, Math.max(18, age)), segment: SEGMENTS[segment] as string });
  }
  // Activity: log-normal, as in real shops — most users come a few times, a few come very often.
  const activity = new AliasTable(
    Float64Array.from({ length: count }, () => Math.exp(USER_ACTIVITY_SIGMA * normal(random))),
  );
  return { records, before, after, activity };
}

/** How many interactions fall on each day: busier weekends and a growing shop, summing exactly to `total`. */
function dailyCounts(total: number, days: number, start: number): number[] {
  const weights = Array.from({ length: days }, (_, d) => {
    const weekday = new Date((start + d * DAY) * 1000).getUTCDay();
    return (weekday === 0 || weekday === 6 ? 1.15 : 1) * (1 + (0.25 * d) / days);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w * total) / sum);
  const counts = exact.map(Math.floor);
  let missing = total - counts.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, d) => ({ d, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.d - b.d);
  for (const { d } of byRemainder) {
    if (missing === 0) break;
    counts[d] = (counts[d] as number) + 1;
    missing -= 1;
  }
  return counts;
}

/** Flattened preferences of all users, for the hot loop: user `u` owns entries `offsets[u]` to `offsets[u + 1]`. */
interface PreferenceTable {
  readonly offsets: Int32Array;
  readonly clusters: Int32Array;
  readonly weights: Float64Array;
}

function preferenceTable(preferences: readonly SparsePreference[]): PreferenceTable {
  const offsets = new Int32Array(preferences.length + 1);
  preferences.forEach((preference, u) => {
    offsets[u + 1] = (offsets[u] as number) + preference.clusters.length;
  });
  const size = offsets[preferences.length] as number;
  const clusters = new Int32Array(size);
  const weights = new Float64Array(size);
  preferences.forEach((preference, u) => {
    clusters.set(preference.clusters, offsets[u]);
    weights.set(preference.weights, offsets[u]);
  });
  return { offsets, clusters, weights };
}

function pickCluster(random: Random, table: PreferenceTable, userIndex: number): number {
  let u = random();
  const first = table.offsets[userIndex] as number;
  const last = (table.offsets[userIndex + 1] as number) - 1;
  for (let k = first; k < last; k += 1) {
    u -= table.weights[k] as number;
    if (u < 0) return table.clusters[k] as number;
  }
  return table.clusters[last] as number;
}

/** Index in the catalogue of the item drawn among its first `available` items at progress `tau`. */
function pickInCluster(random: Random, catalogue: ClusterCatalogue, available: number, tau: number): number {
  const { early, late } = catalogue;
  const keep = 1 - tau;
  const last = available - 1;
  const target = random() * (keep * (early[last] as number) + tau * (late[last] as number));
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keep * (early[mid] as number) + tau * (late[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function* drawInteractions(
  random: Random,
  total: number,
  days: number,
  start: number,
  users: DrawnUsers,
  items: DrawnItems,
): Generator<SyntheticInteraction, void, undefined> {
  const hours = new AliasTable(HOURLY_ACTIVITY);
  const events = new AliasTable(EVENT_TYPES.map((type) => EVENT_TYPE_SHARES[type]));
  const clusters = items.catalogues.length;
  const available = new Int32Array(clusters);
  const before = preferenceTable(users.before);
  const after = preferenceTable(users.after);
  const span = days * DAY;
  let nextItem = 0;
  const counts = dailyCounts(total, days, start);
  for (let day = 0; day < days; day += 1) {
    const times = new Float64Array(counts[day] as number);
    const dayStart = start + day * DAY;
    for (let k = 0; k < times.length; k += 1) {
      times[k] = dayStart + hours.sample(random) * 3600 + randomInt(random, 3600);
    }
    times.sort();
    for (const timestamp of times) {
      while (nextItem < items.created.length && (items.created[nextItem] as number) <= timestamp) {
        const c = items.cluster[nextItem] as number;
        available[c] = (available[c] as number) + 1;
        nextItem += 1;
      }
      const tau = (timestamp - start) / span;
      const userIndex = users.activity.sample(random);
      const cluster =
        random() < EXPLORATION
          ? randomInt(random, clusters)
          : pickCluster(random, random() < tau ? after : before, userIndex);
      const catalogue = items.catalogues[cluster] as ClusterCatalogue;
      const position = pickInCluster(random, catalogue, available[cluster] as number, tau);
      yield {
        userIndex,
        itemIndex: catalogue.items[position] as number,
        timestamp,
        eventType: EVENT_TYPES[events.sample(random)] as EventType,
      };
    }
  }
}

/** The number of values of an ascending array that are ≤ `value`. */
function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function plantedTruth(
  users: DrawnUsers,
  items: DrawnItems,
  clusters: number,
  progress: (at: number) => number,
  start: number,
  end: number,
): PlantedTruth {
  const userAt = (index: number): number => {
    if (!Number.isInteger(index) || index < 0 || index >= users.records.length) {
      throw new RangeError(`no user with index ${index}`);
    }
    return index;
  };
  const itemAt = (index: number): number => {
    if (!Number.isInteger(index) || index < 0 || index >= items.records.length) {
      throw new RangeError(`no item with index ${index}`);
    }
    return index;
  };
  const indexOf = (prefix: string, id: string, count: number): number | undefined => {
    if (!id.startsWith(prefix) || !/^(0|[1-9]\d*)$/.test(id.slice(1))) return undefined;
    const index = Number(id.slice(1));
    return index < count ? index : undefined;
  };

  /** The popularity of each item of a cluster at `at` (0 before it exists), as shares summing to 1. */
  const sharesAt = (catalogue: ClusterCatalogue, at: number): ((position: number) => number) => {
    const available = upperBound(catalogue.created, at);
    const tau = progress(at);
    const weight = (k: number) => (1 - tau) * (catalogue.early[k] as number) + tau * (catalogue.late[k] as number);
    const total = weight(available - 1);
    return (position) =>
      position >= available ? 0 : (weight(position) - (position === 0 ? 0 : weight(position - 1))) / total;
  };
  const shareInCluster = (itemIndex: number, at: number): number => {
    const catalogue = items.catalogues[items.cluster[itemIndex] as number] as ClusterCatalogue;
    return sharesAt(catalogue, at)(upperBound(catalogue.items, itemIndex) - 1);
  };

  const clusterPreferences = (userIndex: number, at = end): Float64Array => {
    const u = userAt(userIndex);
    const tau = progress(at);
    const vector = new Float64Array(clusters).fill(EXPLORATION / clusters);
    for (const [preference, share] of [
      [users.before[u], 1 - tau],
      [users.after[u], tau],
    ] as const) {
      preference?.clusters.forEach((c, k) => {
        vector[c] = (vector[c] as number) + (1 - EXPLORATION) * share * (preference.weights[k] as number);
      });
    }
    return vector;
  };

  const neighbourCache = new Map<number, number[]>();
  const rankedByAverageShare = (cluster: number): number[] => {
    const cached = neighbourCache.get(cluster);
    if (cached) return cached;
    const catalogue = items.catalogues[cluster] as ClusterCatalogue;
    const score = new Float64Array(catalogue.items.length);
    const samples = 32;
    for (let s = 0; s < samples; s += 1) {
      const share = sharesAt(catalogue, start + ((s + 0.5) / samples) * (end - start));
      for (let k = 0; k < score.length; k += 1) score[k] = (score[k] as number) + share(k);
    }
    const positions = Array.from(catalogue.items, (_, k) => k);
    positions.sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
    const ranked = positions.map((k) => catalogue.items[k] as number);
    neighbourCache.set(cluster, ranked);
    return ranked;
  };

  return {
    clusters,
    itemCluster: (itemIndex) => items.cluster[itemAt(itemIndex)] as number,
    clusterCategory: (cluster) => {
      if (!Number.isInteger(cluster) || cluster < 0 || cluster >= clusters) {
        throw new RangeError(`no cluster ${cluster}`);
      }
      return CATEGORIES[cluster] as string;
    },
    preferredClusters: (userIndex) => {
      const u = userAt(userIndex);
      const all = new Set([...(users.before[u]?.clusters ?? []), ...(users.after[u]?.clusters ?? [])]);
      return [...all].sort((a, b) => a - b);
    },
    clusterPreferences,
    userPreference: (userIndex, itemIndex, at = end) => {
      const i = itemAt(itemIndex);
      return (clusterPreferences(userIndex, at)[items.cluster[i] as number] as number) * shareInCluster(i, at);
    },
    neighbours: (itemId, k) => {
      const index = indexOf('i', itemId, items.records.length);
      if (index === undefined) throw new RangeError(`no item with id ${itemId}`);
      return rankedByAverageShare(items.cluster[index] as number)
        .filter((other) => other !== index)
        .slice(0, Math.max(0, k))
        .map((other) => `i${other}`);
    },
    userIndex: (userId) => indexOf('u', userId, users.records.length),
    itemIndex: (itemId) => indexOf('i', itemId, items.records.length),
  };
}
