import type { TrainingData } from './data.js';
import { filterInteractions, selectInteractions } from './data.js';
import { type Model, recommendItems, recommendUsers } from './model.js';
import { seededRandom } from './random.js';
import { planFor, type TrainOptions, train } from './train.js';

/**
 * Offline metrics as GetSolutionMetrics reports them (PERSONALIZE.md, "Offline
 * metrics"), and the per-list measures they average.
 */

export type MetricName =
  | 'coverage'
  | 'mean_reciprocal_rank_at_25'
  | 'normalized_discounted_cumulative_gain_at_5'
  | 'normalized_discounted_cumulative_gain_at_10'
  | 'normalized_discounted_cumulative_gain_at_25'
  | 'precision_at_5'
  | 'precision_at_10'
  | 'precision_at_25';

export type OfflineMetrics = Record<MetricName, number>;

/**
 * NDCG@k: Σ 1/log2(1+rank) over relevant entries in the first k (rank from 1),
 * divided by the same sum for an ideal list, which puts min(|relevant|, k)
 * relevant entries first. The logarithm's base cancels out. PERSONALIZE.md's
 * check value (hits at ranks 2 and 5, k = 5 → 0.6241) holds for a relevant set
 * of exactly those two items: with a third relevant item it would be 0.4776.
 */
export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  const depth = Math.min(k, recommended.length);
  for (let rank = 1; rank <= depth; rank += 1) {
    if (relevant.has(recommended[rank - 1] as string)) dcg += 1 / Math.log2(1 + rank);
  }
  let ideal = 0;
  for (let rank = 1; rank <= Math.min(k, relevant.size); rank += 1) ideal += 1 / Math.log2(1 + rank);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Relevant entries among the first k, divided by k (not by the list's length). */
export function precisionAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let hits = 0;
  for (let rank = 1; rank <= Math.min(k, recommended.length); rank += 1) {
    if (relevant.has(recommended[rank - 1] as string)) hits += 1;
  }
  return k === 0 ? 0 : hits / k;
}

/** 1 / the rank of the first relevant entry within the first k, or 0 when none. */
export function reciprocalRankAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  for (let rank = 1; rank <= Math.min(k, recommended.length); rank += 1) {
    if (relevant.has(recommended[rank - 1] as string)) return 1 / rank;
  }
  return 0;
}

/** One evaluated list: what was recommended, and what the held-out data says was relevant. */
export interface EvaluatedList {
  readonly recommended: readonly string[];
  readonly relevant: ReadonlySet<string>;
}

/**
 * The eight GetSolutionMetrics values over `lists`: means of the per-list
 * measures, and coverage = distinct recommended ids / `catalogueSize`.
 * Values are rounded to 4 decimals like Personalize's.
 */
export function summarizeLists(lists: readonly EvaluatedList[], catalogueSize: number): OfflineMetrics {
  const mean = (measure: (list: EvaluatedList) => number) =>
    lists.length === 0 ? 0 : lists.reduce((sum, list) => sum + measure(list), 0) / lists.length;
  const recommended = new Set<string>();
  for (const list of lists) for (const id of list.recommended) recommended.add(id);
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  return {
    coverage: round(catalogueSize === 0 ? 0 : recommended.size / catalogueSize),
    mean_reciprocal_rank_at_25: round(mean((l) => reciprocalRankAtK(l.recommended, l.relevant, 25))),
    normalized_discounted_cumulative_gain_at_5: round(mean((l) => ndcgAtK(l.recommended, l.relevant, 5))),
    normalized_discounted_cumulative_gain_at_10: round(mean((l) => ndcgAtK(l.recommended, l.relevant, 10))),
    normalized_discounted_cumulative_gain_at_25: round(mean((l) => ndcgAtK(l.recommended, l.relevant, 25))),
    precision_at_5: round(mean((l) => precisionAtK(l.recommended, l.relevant, 5))),
    precision_at_10: round(mean((l) => precisionAtK(l.recommended, l.relevant, 10))),
    precision_at_25: round(mean((l) => precisionAtK(l.recommended, l.relevant, 25))),
  };
}

export interface OfflineSplit {
  /** Interactions to train on: the 90% users' and the older part of each held-out user's. */
  readonly training: TrainingData;
  /** Held-out user index → the items of their newest interactions. */
  readonly heldOut: ReadonlyMap<number, ReadonlySet<string>>;
  /** Held-out user index → the items of their older (given) interactions. */
  readonly given: ReadonlyMap<number, ReadonlySet<string>>;
}

/**
 * Personalize's split: `userShare` of the users (seeded) are held out; each
 * held-out user's interactions are sorted by time, the oldest `givenShare` stay
 * in training and the rest are held out. Users with fewer than two interactions
 * are never held out (there would be nothing to score or nothing to give).
 */
export function splitUsers(data: TrainingData, seed: number, userShare: number, givenShare: number): OfflineSplit {
  const random = seededRandom(seed);
  const perUser: number[][] = data.userIds.map(() => []);
  for (let n = 0; n < data.interactions.length; n += 1) perUser[data.interactions.user[n] as number]?.push(n);
  const holdOut = new Uint8Array(data.interactions.length);
  const heldOut = new Map<number, Set<string>>();
  const given = new Map<number, Set<string>>();
  perUser.forEach((rows, user) => {
    const chosen = random() < userShare;
    if (!chosen || rows.length < 2) return;
    rows.sort(
      (a, b) => (data.interactions.timestamp[a] as number) - (data.interactions.timestamp[b] as number) || a - b,
    );
    const keep = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * givenShare)));
    const test = new Set<string>();
    const old = new Set<string>();
    rows.forEach((n, at) => {
      const itemId = data.itemIds[data.interactions.item[n] as number] as string;
      if (at < keep) old.add(itemId);
      else {
        holdOut[n] = 1;
        test.add(itemId);
      }
    });
    heldOut.set(user, test);
    given.set(user, old);
  });
  return { training: selectInteractions(data, (n) => holdOut[n] === 0), heldOut, given };
}

export interface OfflineMetricsOptions {
  /**
   * Whether the 25 recommendations skip the items a held-out user already has.
   * By default they do when fewer than 20% of the data's interactions repeat an
   * earlier (user, item) pair: Personalize's sequence models learn that such
   * users do not come back to an item, a factor model does not.
   */
  readonly excludeGiven?: boolean | undefined;
  /** Evaluate this model instead of training one (for baselines such as an oracle in benchmarks). */
  readonly recommend?:
    | ((user: number, numResults: number, exclude: (itemId: string) => boolean) => string[])
    | undefined;
}

/**
 * GetSolutionMetrics for a solution version: trains on the split of
 * {@link splitUsers} (90% of users plus the oldest 90% of each held-out user's
 * interactions) and scores 25 recommendations per held-out user against their
 * newest 10%. Segmentation recipes split every user 80/20 instead and score,
 * per item of the held-out part, the 25 users recommended for it against the
 * users who interacted with it there; coverage is then over users.
 * Related-items recipes recommend for the held-out user's newest given item.
 *
 * @throws TrainingError as {@link train}.
 */
export function offlineMetrics(
  data: TrainingData,
  trainOptions: TrainOptions,
  options: OfflineMetricsOptions = {},
): OfflineMetrics {
  const filtered = filterInteractions(data, {
    eventType: trainOptions.eventType,
    eventValueThreshold: trainOptions.eventValueThreshold,
  });
  const training = { ...trainOptions, eventType: undefined, eventValueThreshold: undefined, previous: undefined };
  if (planFor(trainOptions.recipe).algorithm === 'segmentation') return segmentationMetrics(filtered, training);
  const split = splitUsers(filtered, trainOptions.seed, 0.1, 0.9);
  const model = options.recommend ? undefined : train(split.training, training);
  const excludeGiven = options.excludeGiven ?? repeatShare(filtered) < 0.2;
  const newest = newestItems(split.training);
  const lists: EvaluatedList[] = [];
  for (const [user, relevant] of split.heldOut) {
    const given = split.given.get(user) ?? new Set<string>();
    const exclude = excludeGiven ? (itemId: string) => given.has(itemId) : () => false;
    const recommended = options.recommend
      ? options.recommend(user, 25, exclude)
      : recommendFor(model as Model, filtered, user, newest.get(user), exclude);
    lists.push({ recommended, relevant });
  }
  let interactedItems = 0;
  const seen = new Uint8Array(filtered.itemIds.length);
  for (const item of filtered.interactions.item) {
    if (seen[item] === 1) continue;
    seen[item] = 1;
    interactedItems += 1;
  }
  return summarizeLists(lists, interactedItems);
}

/** Each user's newest item in `data` (the query item for related-items recipes). */
function newestItems(data: TrainingData): Map<number, number> {
  const newest = new Map<number, number>();
  const time = new Map<number, number>();
  const { interactions } = data;
  for (let n = 0; n < interactions.length; n += 1) {
    const user = interactions.user[n] as number;
    const at = interactions.timestamp[n] as number;
    if (at >= (time.get(user) ?? Number.NEGATIVE_INFINITY)) {
      time.set(user, at);
      newest.set(user, interactions.item[n] as number);
    }
  }
  return newest;
}

function recommendFor(
  model: Model,
  data: TrainingData,
  user: number,
  newestItem: number | undefined,
  exclude: (itemId: string) => boolean,
): string[] {
  const itemId = newestItem === undefined ? undefined : data.itemIds[newestItem];
  return recommendItems(model, { userId: data.userIds[user], itemId, numResults: 25, exclude }).map((r) => r.itemId);
}

/** The share of interactions whose (user, item) pair occurred before. */
export function repeatShare(data: TrainingData): number {
  const seen = new Set<number>();
  const items = data.itemIds.length;
  let repeats = 0;
  for (let n = 0; n < data.interactions.length; n += 1) {
    const key = (data.interactions.user[n] as number) * items + (data.interactions.item[n] as number);
    if (seen.has(key)) repeats += 1;
    else seen.add(key);
  }
  return data.interactions.length === 0 ? 0 : repeats / data.interactions.length;
}

/** At most this many held-out items are scored, chosen deterministically (every n-th), to bound the cost. */
const MAX_SEGMENT_ITEMS = 500;

function segmentationMetrics(data: TrainingData, trainOptions: TrainOptions): OfflineMetrics {
  const split = splitUsers(data, trainOptions.seed, 1, 0.8);
  const model = train(split.training, trainOptions);
  const usersByItem = new Map<string, Set<string>>();
  for (const [user, items] of split.heldOut) {
    for (const itemId of items) {
      const users = usersByItem.get(itemId) ?? new Set<string>();
      usersByItem.set(itemId, users);
      users.add(data.userIds[user] as string);
    }
  }
  const itemIds = [...usersByItem.keys()].sort();
  const stride = Math.max(1, Math.ceil(itemIds.length / MAX_SEGMENT_ITEMS));
  const lists: EvaluatedList[] = [];
  for (let n = 0; n < itemIds.length; n += stride) {
    const itemId = itemIds[n] as string;
    const recommended = recommendUsers(model, { itemId }, 25).map((u) => u.userId);
    lists.push({ recommended, relevant: usersByItem.get(itemId) ?? new Set() });
  }
  let activeUsers = 0;
  const seen = new Uint8Array(data.userIds.length);
  for (const user of data.interactions.user) {
    if (seen[user] === 1) continue;
    seen[user] = 1;
    activeUsers += 1;
  }
  return summarizeLists(lists, activeUsers);
}
