import { matchingItems } from './attribute-expression.js';
import { hashString } from './random.js';
import { TopK } from './top-k.js';

/**
 * Trained models and inference. A model is plain data (typed arrays and id
 * lists) so it serializes as is; everything inference needs per request is
 * precomputed at training time (popularity order, neighbour lists, factors).
 */

/** What training did, for the caller to bill `trainingHours` and log. */
export interface TrainingReport {
  readonly algorithm: string;
  readonly elapsedMs: number;
  readonly interactions: number;
  readonly users: number;
  readonly items: number;
  readonly dimension?: number;
  readonly iterations?: number;
  readonly mode: 'FULL' | 'UPDATE';
}

interface ModelBase {
  readonly format: 1;
  readonly recipe: string;
  readonly itemIds: readonly string[];
  /** All item indices, most distinct users first. */
  readonly popular: Int32Array;
  /** Distinct users per item, by item index. */
  readonly itemUsers: Int32Array;
  /** CREATION_TIMESTAMP per item, or when unknown its first interaction (epoch seconds; NaN for neither). */
  readonly itemBirth: Float64Array;
  /** The newest interaction in the training data: exploration ages are measured from it by default. */
  readonly latestTimestamp: number;
  readonly seed: number;
  readonly training: TrainingReport;
}

/** aws-popularity-count, aws-trending-now and the domain most-popular/trending recipes: one list for everyone. */
export interface RankedListModel extends ModelBase {
  readonly kind: 'ranked-list';
  /** Item indices in recommendation order. */
  readonly ranked: Int32Array;
  /** Scores aligned with `ranked`, or undefined when the recipe gives none. */
  readonly scores: Float32Array | undefined;
}

/** aws-sims, aws-similar-items and the domain related-items recipes: precomputed neighbour lists (CSR). */
export interface RelatedItemsModel extends ModelBase {
  readonly kind: 'related-items';
  readonly neighbourOffsets: Int32Array;
  readonly neighbours: Int32Array;
}

/** Matrix-factorisation recipes: personalization, ranking, segmentation. */
export interface FactorModel extends ModelBase {
  readonly kind: 'factors';
  readonly userIds: readonly string[];
  readonly dimension: number;
  /** Row-major, `dimension` per user; all zeros for users without interactions. */
  readonly userFactors: Float32Array;
  readonly itemFactors: Float32Array;
  /** Whether `explorationWeight` applies (aws-user-personalization v1 only). */
  readonly exploration: boolean;
  /** Multiplies dot products before the softmax that turns them into Personalize-like scores. */
  readonly scoreScale: number;
  /** Categorical item fields (upper-cased names), for item-attribute-affinity expressions. */
  readonly itemAttributes: Readonly<Record<string, readonly (string | null)[]>>;
}

export type Model = RankedListModel | RelatedItemsModel | FactorModel;

export interface RecommendedItem {
  readonly itemId: string;
  readonly score?: number;
}

export interface RecommendedUser {
  readonly userId: string;
  readonly score: number;
}

export interface RecommendItemsRequest {
  readonly userId?: string | undefined;
  readonly itemId?: string | undefined;
  readonly numResults: number;
  /** Items to leave out (filters, already-interacted items when the caller wants that). */
  readonly exclude?: ((itemId: string) => boolean) | undefined;
  /** aws-user-personalization's itemExplorationConfig; Personalize's campaign defaults are 0.3 and 30 days. */
  readonly explorationWeight?: number | undefined;
  readonly explorationItemAgeCutOffDays?: number | undefined;
  /** Epoch seconds exploration ages are measured from; the newest training interaction by default. */
  readonly now?: number | undefined;
}

interface Lookups {
  readonly items: Map<string, number>;
  readonly users: Map<string, number>;
}

const lookups = new WeakMap<Model, Lookups>();

function lookupsOf(model: Model): Lookups {
  let found = lookups.get(model);
  if (!found) {
    found = {
      items: new Map(model.itemIds.map((id, n) => [id, n])),
      users: model.kind === 'factors' ? new Map(model.userIds.map((id, n) => [id, n])) : new Map(),
    };
    lookups.set(model, found);
  }
  return found;
}

/**
 * GetRecommendations. Related-items models answer for `itemId`, the others for
 * `userId`; an unknown user or item gets the popular items, as Personalize does
 * for cold users (and sims for cold items). Scores appear only where the recipe
 * gives them: a softmax over the whole catalogue for factor models, the
 * recipe's own score for trending-now, none for popularity-count and related items.
 * Items the user already interacted with are kept unless `exclude` drops them.
 */
export function recommendItems(model: Model, request: RecommendItemsRequest): RecommendedItem[] {
  const numResults = Math.max(0, Math.floor(request.numResults));
  const exclude = request.exclude ?? (() => false);
  if (model.kind === 'ranked-list') return rankedList(model, model.ranked, model.scores, numResults, exclude);
  if (model.kind === 'related-items') return relatedItems(model, request.itemId, numResults, exclude);
  const user = request.userId === undefined ? undefined : lookupsOf(model).users.get(request.userId);
  if (user === undefined || isZero(model.userFactors, user * model.dimension, model.dimension)) {
    return popularFallback(model, numResults, exclude, true);
  }
  return personalized(model, user, request, numResults, exclude);
}

function isZero(vector: Float32Array, offset: number, length: number): boolean {
  for (let d = 0; d < length; d += 1) if (vector[offset + d] !== 0) return false;
  return true;
}

function rankedList(
  model: Model,
  ranked: Int32Array,
  scores: Float32Array | undefined,
  numResults: number,
  exclude: (itemId: string) => boolean,
): RecommendedItem[] {
  const out: RecommendedItem[] = [];
  for (let n = 0; n < ranked.length && out.length < numResults; n += 1) {
    const itemId = model.itemIds[ranked[n] as number] as string;
    if (exclude(itemId)) continue;
    out.push(scores ? { itemId, score: scores[n] as number } : { itemId });
  }
  return out;
}

/** Popular items, with their share of distinct users as the score when the recipe is scored. */
function popularFallback(
  model: Model,
  numResults: number,
  exclude: (itemId: string) => boolean,
  scored: boolean,
  skip: ReadonlySet<number> = new Set(),
): RecommendedItem[] {
  let total = 0;
  for (const users of model.itemUsers) total += users;
  const out: RecommendedItem[] = [];
  for (let n = 0; n < model.popular.length && out.length < numResults; n += 1) {
    const item = model.popular[n] as number;
    const itemId = model.itemIds[item] as string;
    if (skip.has(item) || exclude(itemId)) continue;
    out.push(scored ? { itemId, score: total === 0 ? 0 : (model.itemUsers[item] as number) / total } : { itemId });
  }
  return out;
}

function relatedItems(
  model: RelatedItemsModel,
  itemId: string | undefined,
  numResults: number,
  exclude: (itemId: string) => boolean,
): RecommendedItem[] {
  const item = itemId === undefined ? undefined : lookupsOf(model).items.get(itemId);
  if (item === undefined) return popularFallback(model, numResults, exclude, false);
  const out: RecommendedItem[] = [];
  const taken = new Set<number>([item]);
  const end = model.neighbourOffsets[item + 1] as number;
  for (let n = model.neighbourOffsets[item] as number; n < end && out.length < numResults; n += 1) {
    const neighbour = model.neighbours[n] as number;
    const id = model.itemIds[neighbour] as string;
    taken.add(neighbour);
    if (!exclude(id)) out.push({ itemId: id });
  }
  // Like sims, fill a short neighbour list with popular items.
  if (out.length < numResults) out.push(...popularFallback(model, numResults - out.length, exclude, false, taken));
  return out;
}

/** Dot products of one user with every item, written into `out`; returns the softmax normaliser. */
function userScores(model: FactorModel, user: number, out: Float64Array): number {
  const { dimension: k, userFactors, itemFactors, scoreScale } = model;
  const base = user * k;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0, row = 0; i < out.length; i += 1, row += k) {
    let dot = 0;
    for (let d = 0; d < k; d += 1) dot += (userFactors[base + d] as number) * (itemFactors[row + d] as number);
    out[i] = dot;
    if (dot > max) max = dot;
  }
  let sum = 0;
  for (let i = 0; i < out.length; i += 1) sum += Math.exp(((out[i] as number) - max) * scoreScale);
  return Math.log(sum) / scoreScale + max;
}

const roundScore = (score: number) => Number(score.toPrecision(6));

function personalized(
  model: FactorModel,
  user: number,
  request: RecommendItemsRequest,
  numResults: number,
  exclude: (itemId: string) => boolean,
): RecommendedItem[] {
  const dots = new Float64Array(model.itemIds.length);
  const logNormaliser = userScores(model, user, dots);
  const score = (item: number) => roundScore(Math.exp(((dots[item] as number) - logNormaliser) * model.scoreScale));
  const top = new TopK(numResults);
  for (let item = 0; item < dots.length; item += 1) {
    const dot = dots[item] as number;
    if (top.accepts(dot) && !exclude(model.itemIds[item] as string)) top.push(dot, item);
  }
  const exploit = top.sorted().map((entry) => entry.index);
  const weight = model.exploration ? Math.min(1, Math.max(0, request.explorationWeight ?? 0)) : 0;
  const chosen = weight > 0 ? explore(model, exploit, request, numResults, weight, exclude) : exploit;
  return chosen.map((item) => ({ itemId: model.itemIds[item] as string, score: score(item) }));
}

/**
 * Exploration (aws-user-personalization): a `weight` share of the positions,
 * spread evenly through the list, goes to fresh items (born within the cut-off
 * before `now`) with the fewest interactions, in a per-user pseudo-random order
 * so a user sees the same list on every call.
 */
function explore(
  model: FactorModel,
  exploit: number[],
  request: RecommendItemsRequest,
  numResults: number,
  weight: number,
  exclude: (itemId: string) => boolean,
): number[] {
  const now = request.now ?? model.latestTimestamp;
  const cutOff = now - (request.explorationItemAgeCutOffDays ?? 30) * 86_400;
  const inList = new Set(exploit);
  const salt = hashString(request.userId ?? '', model.seed >>> 0);
  const fresh: { item: number; users: number; order: number }[] = [];
  for (let item = 0; item < model.itemIds.length; item += 1) {
    const birth = model.itemBirth[item] as number;
    if (!(birth >= cutOff) || inList.has(item)) continue;
    fresh.push({ item, users: model.itemUsers[item] as number, order: hashString(String(item), salt) });
  }
  fresh.sort((a, b) => a.users - b.users || a.order - b.order || a.item - b.item);
  const out: number[] = [];
  let nextExploit = 0;
  let nextFresh = 0;
  for (let position = 0; out.length < numResults; position += 1) {
    const explorationSlot = Math.floor((position + 1) * weight) > Math.floor(position * weight);
    let placed = false;
    while (explorationSlot && nextFresh < fresh.length && !placed) {
      const candidate = (fresh[nextFresh] as { item: number }).item;
      nextFresh += 1;
      if (!exclude(model.itemIds[candidate] as string)) {
        out.push(candidate);
        placed = true;
      }
    }
    if (placed) continue;
    if (nextExploit >= exploit.length) break;
    out.push(exploit[nextExploit] as number);
    nextExploit += 1;
  }
  return out;
}

/**
 * GetPersonalizedRanking: `itemIds` reordered for the user, with scores that sum
 * to 1 over the known items of the list (Personalize's ranking scores). Items
 * the model has never seen go last, in input order, with score 0; an unknown
 * user gets the list ordered by popularity.
 */
export function rankItems(model: Model, userId: string, itemIds: readonly string[]): Required<RecommendedItem>[] {
  const { items, users } = lookupsOf(model);
  const user = users.get(userId);
  const known: { itemId: string; value: number }[] = [];
  const unknown: string[] = [];
  const personal = model.kind === 'factors' && user !== undefined;
  for (const itemId of itemIds) {
    const item = items.get(itemId);
    if (item === undefined) {
      unknown.push(itemId);
      continue;
    }
    if (personal) {
      const k = model.dimension;
      let dot = 0;
      for (let d = 0; d < k; d += 1)
        dot += (model.userFactors[user * k + d] as number) * (model.itemFactors[item * k + d] as number);
      known.push({ itemId, value: dot * model.scoreScale });
    } else {
      known.push({ itemId, value: Math.log1p(model.itemUsers[item] as number) });
    }
  }
  const max = Math.max(...known.map((k) => k.value));
  const sum = known.reduce((s, k) => s + Math.exp(k.value - max), 0);
  const ranked = known
    .map((k, n) => ({ itemId: k.itemId, score: roundScore(Math.exp(k.value - max) / sum), n }))
    .sort((a, b) => b.score - a.score || a.n - b.n)
    .map(({ itemId, score }) => ({ itemId, score }));
  return [...ranked, ...unknown.map((itemId) => ({ itemId, score: 0 }))];
}

/** What a batch segment job asks for: the users for one item, or for the items an attribute expression matches. */
export type SegmentQuery = { readonly itemId: string } | { readonly itemAttributes: string };

/**
 * Batch segment (aws-item-affinity, aws-item-attribute-affinity): the users most
 * likely to interact with the item, or with the items matching an expression
 * such as `ITEMS.GENRE = "Comedy" AND ITEMS.COLOR = "red"`. An unknown item or
 * an expression matching no trained item gives an empty segment.
 *
 * @throws Error when the model is not a factor model, or the expression is not
 * one `attribute-expression.ts` understands.
 */
export function recommendUsers(model: Model, query: SegmentQuery, numResults: number): RecommendedUser[] {
  if (model.kind !== 'factors') throw new Error(`${model.recipe} models cannot recommend users`);
  const k = model.dimension;
  const target = new Float64Array(k);
  const selected =
    'itemId' in query
      ? [lookupsOf(model).items.get(query.itemId)].filter((n): n is number => n !== undefined)
      : matchingItems(query.itemAttributes, model.itemAttributes, model.itemIds.length);
  let used = 0;
  for (const item of selected) {
    if (isZero(model.itemFactors, item * k, k)) continue;
    used += 1;
    for (let d = 0; d < k; d += 1) target[d] = (target[d] as number) + (model.itemFactors[item * k + d] as number);
  }
  if (used === 0) return [];
  const top = new TopK(Math.max(0, Math.floor(numResults)));
  for (let user = 0; user < model.userIds.length; user += 1) {
    let dot = 0;
    for (let d = 0; d < k; d += 1) dot += (model.userFactors[user * k + d] as number) * (target[d] as number);
    if (dot !== 0) top.push(dot / used, user);
  }
  return top.sorted().map((e) => ({ userId: model.userIds[e.index] as string, score: roundScore(e.score) }));
}

const TYPED_ARRAYS = { Int32Array, Float32Array, Float64Array } as const;
type TypedArrayName = keyof typeof TYPED_ARRAYS;
const MAGIC = 'mpx-model/1\n';

/**
 * A model as bytes for the data directory: JSON with typed arrays as base64 of
 * their little-endian bytes (a 6k-user, 4k-item, 48-factor model is about 2.6 MB).
 */
export function serializeModel(model: Model): Uint8Array {
  const json = JSON.stringify(model, (_key, value: unknown) => {
    for (const name of Object.keys(TYPED_ARRAYS) as TypedArrayName[]) {
      if (value instanceof TYPED_ARRAYS[name]) {
        return {
          $typed: name,
          base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
        };
      }
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
  return new TextEncoder().encode(MAGIC + json);
}

/**
 * The model `serializeModel` wrote.
 *
 * @throws Error when the bytes are not a serialized model of this format.
 */
export function deserializeModel(bytes: Uint8Array): Model {
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith(MAGIC)) throw new Error('not a serialized mpx model (format 1)');
  return JSON.parse(text.slice(MAGIC.length), (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && '$typed' in value && 'base64' in value) {
      const raw = Buffer.from(String(value.base64), 'base64');
      const name = String(value.$typed) as TypedArrayName;
      const Type = TYPED_ARRAYS[name];
      if (!Type) throw new Error(`unknown typed array ${name} in a serialized model`);
      const copy = new Uint8Array(raw.byteLength);
      copy.set(raw);
      return new Type(copy.buffer);
    }
    if (typeof value === 'object' && value !== null && '$number' in value) return Number(value.$number);
    return value;
  }) as Model;
}
