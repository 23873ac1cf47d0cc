import type { Recipe } from '../../../shared/personalize/recipes.js';
import { itemNeighbours } from './co-occurrence.js';
import { filterInteractions, type TrainingData } from './data.js';
import { type FactorOptions, factorize, solveRows } from './factors.js';
import { type SparseRows, transpose, userItemRows } from './interaction-matrix.js';
import type { FactorModel, Model, RankedListModel, RelatedItemsModel, TrainingReport } from './model.js';

/**
 * Training for every recipe Personalize offers, on small real models:
 * popularity and trending lists, co-occurrence neighbours, and implicit ALS
 * factors for personalization, ranking and segmentation. Domain recipes map
 * onto these (see {@link planFor}).
 */

export interface TrainOptions {
  readonly recipe: Recipe;
  /** The solution's hyperparameters over the recipe's defaults (catalog.ts); missing ones take the defaults here. */
  readonly hyperParameters?: Readonly<Record<string, string>> | undefined;
  readonly seed: number;
  /** The solution's eventType: train only on interactions of this type. */
  readonly eventType?: string | undefined;
  /** The solution's eventValueThreshold: train only on interactions with at least this EVENT_VALUE. */
  readonly eventValueThreshold?: number | undefined;
  /** The model to update for `trainingMode: UPDATE` (aws-user-personalization, aws-hrnn-coldstart). */
  readonly previous?: Model | undefined;
}

/** A training request the models cannot honour (the caller reports it as the version's failureReason). */
export class TrainingError extends Error {
  override readonly name = 'TrainingError';
}

type Algorithm = 'popularity' | 'trending' | 'sims' | 'similar-items' | 'factors' | 'segmentation';

/** Which algorithm a recipe trains, and the event type a domain recipe implies. */
export function planFor(recipe: Recipe): { algorithm: Algorithm; eventType?: string } {
  switch (recipe.name) {
    case 'aws-popularity-count':
    case 'aws-vod-most-popular':
      return { algorithm: 'popularity' };
    case 'aws-ecomm-popular-items-by-views':
      return { algorithm: 'popularity', eventType: 'View' };
    case 'aws-ecomm-popular-items-by-purchases':
      return { algorithm: 'popularity', eventType: 'Purchase' };
    case 'aws-trending-now':
    case 'aws-vod-trending-now':
      return { algorithm: 'trending' };
    case 'aws-sims':
    case 'aws-vod-because-you-watched-x':
      return { algorithm: 'sims' };
    case 'aws-ecomm-frequently-bought-together':
      return { algorithm: 'sims', eventType: 'Purchase' };
    case 'aws-ecomm-customers-who-viewed-x-also-viewed':
      return { algorithm: 'sims', eventType: 'View' };
    case 'aws-similar-items':
    case 'aws-vod-more-like-x':
      return { algorithm: 'similar-items' };
    case 'aws-item-affinity':
    case 'aws-item-attribute-affinity':
      return { algorithm: 'segmentation' };
    case 'aws-next-best-action':
      // Factors over the actions users took (action interactions of type TAKEN).
      return { algorithm: 'factors', eventType: 'TAKEN' };
    default:
      return { algorithm: 'factors' };
  }
}

/** The factor count actually trained: `hidden_dimension`, capped so a million interactions train in well under a minute. */
export const MAX_DIMENSION = 48;
const ITERATIONS = 8;
const SCORE_SCALE = 10;

function numberParameter(parameters: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const raw = parameters[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

/**
 * Trains a model for `options.recipe` on `data`. Deterministic: the same data,
 * options and seed give the same model. The report (`model.training`) carries
 * the elapsed milliseconds the caller bills as `trainingHours`.
 *
 * @throws TrainingError for an UPDATE on a recipe that does not allow it or from an incompatible previous model.
 */
export function train(data: TrainingData, options: TrainOptions): Model {
  const started = performance.now();
  const plan = planFor(options.recipe);
  const eventType =
    options.eventType ??
    (plan.eventType !== undefined && data.eventTypes.includes(plan.eventType) ? plan.eventType : undefined);
  const filtered = filterInteractions(data, { eventType, eventValueThreshold: options.eventValueThreshold });
  const parameters = options.hyperParameters ?? {};
  const report = (algorithm: string, extra: Partial<TrainingReport> = {}): TrainingReport => ({
    algorithm,
    elapsedMs: Math.round(performance.now() - started),
    interactions: filtered.interactions.length,
    users: filtered.userIds.length,
    items: filtered.itemIds.length,
    mode: options.previous ? 'UPDATE' : 'FULL',
    ...extra,
  });
  if (options.previous && !options.recipe.allowsUpdate) {
    throw new TrainingError(`${options.recipe.name} does not support trainingMode UPDATE`);
  }
  const base = baseOf(filtered, options);
  switch (plan.algorithm) {
    case 'popularity': {
      const model: RankedListModel = {
        ...base,
        kind: 'ranked-list',
        ranked: base.popular,
        scores: undefined,
        training: report('popularity-count'),
      };
      return model;
    }
    case 'trending':
      return trending(filtered, base, parameters, report);
    case 'sims':
    case 'similar-items':
      return related(filtered, base, parameters, plan.algorithm === 'similar-items', report);
    default:
      return factorModel(filtered, base, options, plan.algorithm === 'segmentation', report);
  }
}

type Base = Omit<
  FactorModel,
  | 'kind'
  | 'userIds'
  | 'dimension'
  | 'userFactors'
  | 'itemFactors'
  | 'exploration'
  | 'scoreScale'
  | 'itemAttributes'
  | 'training'
>;

function baseOf(data: TrainingData, options: TrainOptions): Base {
  const items = data.itemIds.length;
  const { interactions } = data;
  const itemUsers = new Int32Array(items);
  const rows = userItemRows(data);
  for (const item of rows.columns) itemUsers[item] = (itemUsers[item] as number) + 1;
  const itemBirth = Float64Array.from(data.items.creationTimestamp);
  let latestTimestamp = Number.NEGATIVE_INFINITY;
  for (let n = 0; n < interactions.length; n += 1) {
    const item = interactions.item[n] as number;
    const time = interactions.timestamp[n] as number;
    if (time > latestTimestamp) latestTimestamp = time;
    if (Number.isNaN(data.items.creationTimestamp[item] as number) && !((itemBirth[item] as number) <= time)) {
      itemBirth[item] = time;
    }
  }
  const popular = Int32Array.from({ length: items }, (_, n) => n).sort(
    (a, b) => (itemUsers[b] as number) - (itemUsers[a] as number) || a - b,
  );
  return {
    format: 1,
    recipe: options.recipe.name,
    itemIds: data.itemIds,
    popular,
    itemUsers,
    itemBirth,
    latestTimestamp: Number.isFinite(latestTimestamp) ? latestTimestamp : 0,
    seed: options.seed,
  };
}

/**
 * aws-trending-now: the interactions of each item in the two most recent
 * windows (a day each, or half the data's span when shorter; `trend_window_seconds`
 * overrides), ranked by the increase; items that did not rise follow by recent count.
 */
function trending(
  data: TrainingData,
  base: Base,
  parameters: Readonly<Record<string, string>>,
  report: (algorithm: string) => TrainingReport,
): RankedListModel {
  const { interactions } = data;
  let earliest = Number.POSITIVE_INFINITY;
  for (let n = 0; n < interactions.length; n += 1) earliest = Math.min(earliest, interactions.timestamp[n] as number);
  const span = Math.max(1, base.latestTimestamp - earliest);
  const window = numberParameter(parameters, 'trend_window_seconds', Math.min(86_400, span / 2));
  const recent = new Float64Array(base.itemIds.length);
  const before = new Float64Array(base.itemIds.length);
  for (let n = 0; n < interactions.length; n += 1) {
    const age = base.latestTimestamp - (interactions.timestamp[n] as number);
    const item = interactions.item[n] as number;
    if (age <= window) recent[item] = (recent[item] as number) + 1;
    else if (age <= 2 * window) before[item] = (before[item] as number) + 1;
  }
  const rise = (item: number) => (recent[item] as number) - (before[item] as number);
  const ranked = Int32Array.from(base.popular).sort(
    (a, b) =>
      Number(rise(b) > 0) - Number(rise(a) > 0) ||
      Math.max(0, rise(b)) - Math.max(0, rise(a)) ||
      (recent[b] as number) - (recent[a] as number) ||
      (base.itemUsers[b] as number) - (base.itemUsers[a] as number) ||
      a - b,
  );
  let totalRise = 0;
  for (let item = 0; item < base.itemIds.length; item += 1) totalRise += Math.max(0, rise(item));
  const scores = Float32Array.from(ranked, (item) => (totalRise === 0 ? 0 : Math.max(0, rise(item)) / totalRise));
  return { ...base, kind: 'ranked-list', ranked, scores, training: report('trending-now') };
}

/** Users whose distinct-item history length lies within the given percentiles of all history lengths. */
function historyLengthMask(rows: SparseRows, minPercentile: number, maxPercentile: number): Uint8Array {
  const lengths: number[] = [];
  for (let u = 0; u < rows.rows; u += 1) lengths.push((rows.offsets[u + 1] as number) - (rows.offsets[u] as number));
  const sorted = lengths.filter((n) => n > 0).sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))] ?? 0;
  const low = minPercentile <= 0 ? 0 : at(minPercentile);
  const high = maxPercentile >= 1 ? Number.POSITIVE_INFINITY : at(maxPercentile);
  return Uint8Array.from(lengths, (n) => (n >= low && n <= high ? 1 : 0));
}

function withoutRows(rows: SparseRows, keep: Uint8Array): SparseRows {
  const offsets = new Int32Array(rows.rows + 1);
  const columns: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows.rows; r += 1) {
    if (keep[r] === 1) {
      for (let at = rows.offsets[r] as number; at < (rows.offsets[r + 1] as number); at += 1) {
        columns.push(rows.columns[at] as number);
        values.push(rows.values[at] as number);
      }
    }
    offsets[r + 1] = columns.length;
  }
  return { rows: rows.rows, offsets, columns: Int32Array.from(columns), values: Float32Array.from(values) };
}

/** Item → metadata token rows: one token per (categorical field, value), multi-values split on `|`. */
function metadataTokens(data: TrainingData): SparseRows {
  const dictionary = new Map<string, number>();
  const offsets = new Int32Array(data.itemIds.length + 1);
  const columns: number[] = [];
  const fields = Object.entries(data.items.categorical);
  for (let item = 0; item < data.itemIds.length; item += 1) {
    for (const [field, column] of fields) {
      const raw = column[item];
      if (raw === null || raw === undefined) continue;
      for (const value of new Set(raw.split('|'))) {
        const key = `${field}\u0000${value}`;
        let token = dictionary.get(key);
        if (token === undefined) {
          token = dictionary.size;
          dictionary.set(key, token);
        }
        columns.push(token);
      }
    }
    offsets[item + 1] = columns.length;
  }
  return {
    rows: data.itemIds.length,
    offsets,
    columns: Int32Array.from(columns),
    values: new Float32Array(columns.length),
  };
}

/**
 * aws-sims (co-occurrence with `popularity_discount_factor` and
 * `min_cointeraction_count`, users outside the history-length percentiles left
 * out) and aws-similar-items (the same, blended 70/30 with Jaccard similarity of
 * categorical item metadata, so items without interactions get neighbours too).
 * `max_item_interaction_count_percentile` is read by Personalize but not applied here.
 */
function related(
  data: TrainingData,
  base: Base,
  parameters: Readonly<Record<string, string>>,
  withMetadata: boolean,
  report: (algorithm: string) => TrainingReport,
): RelatedItemsModel {
  const all = userItemRows(data);
  const users = withoutRows(
    all,
    historyLengthMask(
      all,
      numberParameter(parameters, 'min_user_history_length_percentile', 0.005),
      numberParameter(parameters, 'max_user_history_length_percentile', 0.995),
    ),
  );
  const items = transpose(users, data.itemIds.length);
  const neighbours = itemNeighbours(users, items, {
    popularityDiscount: Math.min(1, Math.max(0, numberParameter(parameters, 'popularity_discount_factor', 0.5))),
    minCoInteractions: numberParameter(parameters, 'min_cointeraction_count', 3),
    maxNeighbours: 100,
    metadataWeight: withMetadata ? 0.3 : 0,
    metadataTokens: withMetadata ? metadataTokens(data) : undefined,
  });
  return { ...base, kind: 'related-items', ...neighbours, training: report(withMetadata ? 'similar-items' : 'sims') };
}

/** Confidence weights: each interaction counts 1, halved over the data's time span when `recency_mask` is on. */
function recencyWeight(data: TrainingData, latest: number, enabled: boolean): (n: number) => number {
  if (!enabled) return () => 1;
  let earliest = Number.POSITIVE_INFINITY;
  for (let n = 0; n < data.interactions.length; n += 1)
    earliest = Math.min(earliest, data.interactions.timestamp[n] as number);
  const span = Math.max(1, latest - earliest);
  return (n) => 2 ** (-(latest - (data.interactions.timestamp[n] as number)) / span);
}

function factorModel(
  data: TrainingData,
  base: Base,
  options: TrainOptions,
  segmentation: boolean,
  report: (algorithm: string, extra?: Partial<TrainingReport>) => TrainingReport,
): FactorModel {
  const parameters = options.hyperParameters ?? {};
  const previous = options.previous;
  if (previous && (previous.kind !== 'factors' || previous.recipe !== options.recipe.name)) {
    throw new TrainingError(`an UPDATE needs a previous ${options.recipe.name} model trained in FULL mode first`);
  }
  const dimension =
    previous?.dimension ??
    Math.min(MAX_DIMENSION, Math.max(2, Math.round(numberParameter(parameters, 'hidden_dimension', 64))));
  const factorOptions: FactorOptions = {
    dimension,
    iterations: ITERATIONS,
    regularization: 0.1,
    alpha: 8,
    conjugateGradientSteps: 3,
    seed: options.seed,
  };
  const users = userItemRows(data, recencyWeight(data, base.latestTimestamp, parameters.recency_mask !== 'false'));
  const items = transpose(users, data.itemIds.length);
  let factors: { userFactors: Float32Array; itemFactors: Float32Array };
  let iterations = ITERATIONS;
  if (previous) {
    factors = foldIn(previous, data, users, items, factorOptions);
    iterations = 1;
  } else {
    factors = factorize(users, items, factorOptions);
  }
  const itemAttributes: Record<string, readonly (string | null)[]> = {};
  for (const [name, column] of Object.entries(data.items.categorical)) itemAttributes[name.toUpperCase()] = column;
  return {
    ...base,
    kind: 'factors',
    userIds: data.userIds,
    dimension,
    ...factors,
    exploration: options.recipe.name === 'aws-user-personalization' && !segmentation,
    scoreScale: SCORE_SCALE,
    itemAttributes,
    training: report(segmentation ? 'implicit-als-segmentation' : 'implicit-als', { dimension, iterations }),
  };
}

/**
 * trainingMode UPDATE: the previous factors are kept for the users and items it
 * knew; new items get factors from a half-step against the users (previous
 * users' factors, new users' from a first half-step), then every user is
 * re-solved once so recent interactions count. No full retrain.
 */
function foldIn(
  previous: FactorModel,
  data: TrainingData,
  users: SparseRows,
  items: SparseRows,
  options: FactorOptions,
): { userFactors: Float32Array; itemFactors: Float32Array } {
  const k = options.dimension;
  const copy = (ids: readonly string[], oldIds: readonly string[], oldFactors: Float32Array) => {
    const oldIndex = new Map(oldIds.map((id, n) => [id, n]));
    const factors = new Float32Array(ids.length * k);
    const isNew = new Uint8Array(ids.length);
    ids.forEach((id, n) => {
      const old = oldIndex.get(id);
      if (old === undefined) isNew[n] = 1;
      else factors.set(oldFactors.subarray(old * k, old * k + k), n * k);
    });
    return { factors, isNew };
  };
  const user = copy(data.userIds, previous.userIds, previous.userFactors);
  const item = copy(data.itemIds, previous.itemIds, previous.itemFactors);
  solveRows(user.factors, item.factors, users, options, user.isNew);
  solveRows(item.factors, user.factors, items, options, item.isNew);
  solveRows(user.factors, item.factors, users, options);
  return { userFactors: user.factors, itemFactors: item.factors };
}
