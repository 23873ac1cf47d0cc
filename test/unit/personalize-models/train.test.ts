import { describe, expect, it } from 'vitest';
import { TrainingDataBuilder } from '../../../local/personalize/models/data.js';
import { offlineMetrics } from '../../../local/personalize/models/metrics.js';
import {
  deserializeModel,
  type Model,
  rankItems,
  recommendItems,
  recommendUsers,
  serializeModel,
} from '../../../local/personalize/models/model.js';
import { TrainingError, train } from '../../../local/personalize/models/train.js';
import { RECIPES } from '../../../shared/personalize/recipes.js';
import { recipe, smallPlanted } from './factories.js';

const planted = smallPlanted();
const { data } = planted;
const trained = new Map<string, Model>();
/** 16 factors are enough for 16 planted clusters, and train faster than the default 64 (capped at 48). */
const hyperParameters = { hidden_dimension: '16' };
/** Trains each recipe once per file (seed 5), so tests stay fast. */
const model = (name: string): Model => {
  const found = trained.get(name) ?? train(data, { recipe: recipe(name), seed: 5, hyperParameters });
  trained.set(name, found);
  return found;
};
const userIndex = (userId: string) => data.userIds.indexOf(userId);
const clusterOf = (itemId: string) => planted.itemCluster[data.itemIds.indexOf(itemId)];

/** The share of the top 10 for each user that falls in the user's favourite or second cluster. */
function plantedShare(m: Model): number {
  let hits = 0;
  let total = 0;
  for (const userId of data.userIds.slice(0, 100)) {
    const clusters = planted.userClusters[userIndex(userId)] ?? [-1, -1];
    for (const { itemId } of recommendItems(m, { userId, numResults: 10 })) {
      total += 1;
      if (clusters.includes(clusterOf(itemId) ?? -2)) hits += 1;
    }
  }
  return hits / total;
}

describe('every recipe', () => {
  it.each(RECIPES.map((r) => [r.name]))('%s trains and recommends 10 distinct known items', (name) => {
    const m = model(name);
    const items =
      m.kind === 'related-items'
        ? recommendItems(m, { itemId: 'i0', numResults: 10 })
        : recommendItems(m, { userId: 'u0', numResults: 10 });
    expect(new Set(items.map((r) => r.itemId)).size).toBe(10);
    expect(items.every((r) => data.itemIds.includes(r.itemId))).toBe(true);
    expect(m.training.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(m.training.interactions).toBeGreaterThan(0);
  });
});

describe('aws-user-personalization', () => {
  it('recovers the planted clusters far better than popularity-count', () => {
    expect(plantedShare(model('aws-user-personalization'))).toBeGreaterThan(0.8);
    expect(plantedShare(model('aws-popularity-count'))).toBeLessThan(0.4);
  });

  it('scores NDCG@10 by the offline protocol at least twice popularity-count', () => {
    const up = offlineMetrics(data, { recipe: recipe('aws-user-personalization'), seed: 2, hyperParameters });
    const popular = offlineMetrics(data, { recipe: recipe('aws-popularity-count'), seed: 2 });
    expect(up.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(
      2 * popular.normalized_discounted_cumulative_gain_at_10,
    );
    expect(Object.keys(up).sort()).toEqual([
      'coverage',
      'mean_reciprocal_rank_at_25',
      'normalized_discounted_cumulative_gain_at_10',
      'normalized_discounted_cumulative_gain_at_25',
      'normalized_discounted_cumulative_gain_at_5',
      'precision_at_10',
      'precision_at_25',
      'precision_at_5',
    ]);
  });

  it('gives decreasing scores between 0 and 1', () => {
    const scores = recommendItems(model('aws-user-personalization'), { userId: 'u3', numResults: 25 }).map(
      (r) => r.score ?? -1,
    );
    expect(scores.every((s) => s > 0 && s < 1)).toBe(true);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('answers an unknown user with the popular items, as popularity-count ranks them', () => {
    const cold = recommendItems(model('aws-user-personalization'), { userId: 'nobody', numResults: 10 });
    const popular = recommendItems(model('aws-popularity-count'), { userId: 'nobody', numResults: 10 });
    expect(cold.map((r) => r.itemId)).toEqual(popular.map((r) => r.itemId));
  });

  it('keeps items the user interacted with unless exclude drops them', () => {
    const m = model('aws-user-personalization');
    const first = recommendItems(m, { userId: 'u1', numResults: 5 }).map((r) => r.itemId);
    const dropped = new Set(first.slice(0, 2));
    const next = recommendItems(m, { userId: 'u1', numResults: 5, exclude: (id) => dropped.has(id) });
    expect(next.map((r) => r.itemId)).toEqual([...first.slice(2), ...next.slice(3).map((r) => r.itemId)]);
    expect(next.some((r) => dropped.has(r.itemId))).toBe(false);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const options = { recipe: recipe('aws-user-personalization'), seed: 9, hyperParameters };
    const again = (seed: number) => {
      const m = train(data, { ...options, seed });
      return m.kind === 'factors' ? Buffer.from(m.itemFactors.buffer).toString('base64') : '';
    };
    expect(again(9)).toBe(again(9));
    expect(again(9)).not.toBe(again(10));
  });
});

describe('exploration', () => {
  const builder = new TrainingDataBuilder();
  const { interactions } = data;
  for (let n = 0; n < interactions.length; n += 1) {
    builder.addInteraction(
      data.userIds[interactions.user[n] as number] as string,
      data.itemIds[interactions.item[n] as number] as string,
      interactions.timestamp[n] as number,
    );
  }
  const latest = interactions.timestamp[interactions.length - 1] as number;
  builder.setItem('fresh', { GENRE: 'g1', CREATION_TIMESTAMP: latest - 86_400 });
  builder.setItem('stale', { GENRE: 'g1', CREATION_TIMESTAMP: latest - 90 * 86_400 });
  const withFresh = builder.build();

  it('mixes items born within the cut-off into aws-user-personalization results by explorationWeight', () => {
    const m = train(withFresh, { recipe: recipe('aws-user-personalization'), seed: 1, hyperParameters });
    const ids = (weight: number) =>
      recommendItems(m, { userId: 'u2', numResults: 10, explorationWeight: weight }).map((r) => r.itemId);
    expect(ids(0)).not.toContain('fresh');
    expect(ids(0.3)).toContain('fresh');
    expect(ids(0.3)).not.toContain('stale');
    expect(ids(0.3)).toHaveLength(10);
  });

  it('honours explorationItemAgeCutOffDays', () => {
    const m = train(withFresh, { recipe: recipe('aws-user-personalization'), seed: 1, hyperParameters });
    const ids = recommendItems(m, {
      userId: 'u2',
      numResults: 10,
      explorationWeight: 0.3,
      explorationItemAgeCutOffDays: 365,
    }).map((r) => r.itemId);
    expect(ids).toContain('stale');
  });

  it('does not apply to aws-user-personalization-v2', () => {
    const m = train(withFresh, { recipe: recipe('aws-user-personalization-v2'), seed: 1, hyperParameters });
    const ids = recommendItems(m, { userId: 'u2', numResults: 10, explorationWeight: 1 }).map((r) => r.itemId);
    expect(ids).not.toContain('fresh');
  });
});

describe('trainingMode UPDATE', () => {
  // A new item that only users whose favourite cluster is 0 interact with, and a new user who likes it.
  const builder = new TrainingDataBuilder();
  const { interactions } = data;
  for (let n = 0; n < interactions.length; n += 1) {
    builder.addInteraction(
      data.userIds[interactions.user[n] as number] as string,
      data.itemIds[interactions.item[n] as number] as string,
      interactions.timestamp[n] as number,
    );
  }
  const fans = data.userIds.filter((_, u) => planted.userClusters[u]?.[0] === 0);
  const later = (interactions.timestamp[interactions.length - 1] as number) + 60;
  for (const userId of fans) builder.addInteraction(userId, 'new-item', later);
  builder.addInteraction('new-user', 'i0', later);
  builder.addInteraction('new-user', 'i8', later);
  builder.addInteraction('new-user', 'new-item', later);
  const updated = builder.build();
  const previous = model('aws-user-personalization');

  it('folds a new item in from the previous model: its fans rank it above other users', () => {
    const m = train(updated, { recipe: recipe('aws-user-personalization'), seed: 5, previous });
    expect(m.training.mode).toBe('UPDATE');
    const rankOf = (userId: string) =>
      rankItems(m, userId, ['new-item', ...data.itemIds]).findIndex((r) => r.itemId === 'new-item');
    const others = data.userIds.filter((userId) => !fans.includes(userId));
    const mean = (ids: string[]) => ids.reduce((sum, id) => sum + rankOf(id), 0) / ids.length;
    expect(mean(fans.slice(0, 20))).toBeLessThan(mean(others.slice(0, 20)) / 2);
    expect(recommendItems(m, { userId: 'new-user', numResults: 5 })[0]?.score).toBeDefined();
  });

  it('keeps the item factors the previous model had for known items', () => {
    const m = train(updated, { recipe: recipe('aws-user-personalization'), seed: 5, previous });
    if (m.kind !== 'factors' || previous.kind !== 'factors') throw new Error('factor models expected');
    const k = m.dimension;
    const factorsOf = (of: typeof m, itemId: string) => {
      const n = of.itemIds.indexOf(itemId);
      return Array.from(of.itemFactors.subarray(n * k, n * k + k));
    };
    const changed = previous.itemIds.filter((id) => factorsOf(m, id).join() !== factorsOf(previous, id).join());
    expect(changed).toEqual([]);
    expect(factorsOf(m, 'new-item').some((v) => v !== 0)).toBe(true);
  });

  it('is refused for recipes without UPDATE', () => {
    expect(() =>
      train(updated, {
        recipe: recipe('aws-user-personalization-v2'),
        seed: 5,
        previous: model('aws-user-personalization-v2'),
      }),
    ).toThrow(TrainingError);
  });
});

describe('aws-personalized-ranking', () => {
  it("puts the user's planted clusters first with scores that sum to 1", () => {
    const userId = 'u4';
    const clusters: readonly number[] = planted.userClusters[userIndex(userId)] ?? [];
    // 80 items: 5 of each of the 16 clusters, so 10 in the user's two planted clusters.
    const input = data.itemIds.slice(0, 80);
    const ranked = rankItems(model('aws-personalized-ranking'), userId, [...input, 'unknown-item']);
    expect(ranked.map((r) => r.itemId).sort()).toEqual([...input, 'unknown-item'].sort());
    expect(ranked.slice(0, 5).every((r) => clusters.includes(clusterOf(r.itemId) ?? -1))).toBe(true);
    expect(ranked.at(-1)).toEqual({ itemId: 'unknown-item', score: 0 });
    expect(ranked.reduce((sum, r) => sum + r.score, 0)).toBeCloseTo(1, 3);
  });
});

describe('aws-popularity-count', () => {
  it('recommends by distinct users, the same for everyone, without scores', () => {
    const m = model('aws-popularity-count');
    const a = recommendItems(m, { userId: 'u1', numResults: 10 });
    expect(recommendItems(m, { userId: 'u2', numResults: 10 })).toEqual(a);
    expect(a.every((r) => r.score === undefined)).toBe(true);
    expect(a[0]?.itemId).toBe(m.itemIds[m.popular[0] as number]);
  });

  it('counts only the domain event type for aws-ecomm-popular-items-by-purchases', () => {
    const builder = new TrainingDataBuilder();
    for (let u = 0; u < 30; u += 1) {
      builder.addInteraction(`u${u}`, 'viewed', 1, 'View');
      builder.addInteraction(`u${u}`, 'viewed', 2, 'View');
      if (u < 5) builder.addInteraction(`u${u}`, 'bought', 3, 'Purchase');
    }
    const m = train(builder.build(), { recipe: recipe('aws-ecomm-popular-items-by-purchases'), seed: 1 });
    expect(recommendItems(m, { userId: 'u1', numResults: 1 })[0]?.itemId).toBe('bought');
  });
});

describe('aws-trending-now', () => {
  it('ranks first the item whose interactions rose most between the last two windows', () => {
    const builder = new TrainingDataBuilder();
    const day = 86_400;
    for (let u = 0; u < 40; u += 1) {
      builder.addInteraction(`u${u}`, 'steady', 10 * day + u, 'click');
      builder.addInteraction(`u${u}`, 'steady', 11 * day + u, 'click');
      if (u < 5) builder.addInteraction(`u${u}`, 'rising', 10 * day + u, 'click');
      if (u < 30) builder.addInteraction(`u${u}`, 'rising', 11 * day + u, 'click');
    }
    const m = train(builder.build(), { recipe: recipe('aws-trending-now'), seed: 1 });
    const [first, second] = recommendItems(m, { userId: 'u1', numResults: 2 });
    expect(first?.itemId).toBe('rising');
    expect(first?.score).toBe(1);
    expect(second).toEqual({ itemId: 'steady', score: 0 });
  });
});

describe('aws-sims', () => {
  it('finds neighbours in the same planted cluster, without scores', () => {
    const m = model('aws-sims');
    let same = 0;
    for (const itemId of data.itemIds.slice(0, 20)) {
      const related = recommendItems(m, { itemId, numResults: 10 });
      expect(related.every((r) => r.score === undefined && r.itemId !== itemId)).toBe(true);
      same += related.filter((r) => clusterOf(r.itemId) === clusterOf(itemId)).length;
    }
    expect(same / 200).toBeGreaterThan(0.7);
  });

  it('answers an unknown item with the popular items', () => {
    const popular = recommendItems(model('aws-popularity-count'), { numResults: 5 });
    expect(recommendItems(model('aws-sims'), { itemId: 'nope', numResults: 5 })).toEqual(popular);
  });

  it('fills with popular items when min_cointeraction_count leaves no neighbours', () => {
    const m = train(data, {
      recipe: recipe('aws-sims'),
      seed: 1,
      hyperParameters: { min_cointeraction_count: '100000' },
    });
    const popular = recommendItems(model('aws-popularity-count'), { numResults: 6 })
      .map((r) => r.itemId)
      .filter((id) => id !== 'i0')
      .slice(0, 5);
    expect(recommendItems(m, { itemId: 'i0', numResults: 5 }).map((r) => r.itemId)).toEqual(popular);
  });
});

describe('aws-similar-items', () => {
  it('gives an item without interactions neighbours with the same metadata', () => {
    const builder = new TrainingDataBuilder();
    const { interactions } = data;
    for (let n = 0; n < interactions.length; n += 1) {
      builder.addInteraction(
        data.userIds[interactions.user[n] as number] as string,
        data.itemIds[interactions.item[n] as number] as string,
        interactions.timestamp[n] as number,
      );
    }
    for (let i = 0; i < data.itemIds.length; i += 1) builder.setItem(`i${i}`, { GENRE: `g${planted.itemCluster[i]}` });
    builder.setItem('cold', { GENRE: 'g3' });
    const m = train(builder.build(), { recipe: recipe('aws-similar-items'), seed: 1 });
    const related = recommendItems(m, { itemId: 'cold', numResults: 10 });
    expect(related.map((r) => clusterOf(r.itemId))).toEqual(Array(10).fill(3));
  });
});

describe('segmentation', () => {
  it('aws-item-affinity segments an item mostly into users who plant its cluster', () => {
    const segment = recommendUsers(model('aws-item-affinity'), { itemId: 'i5' }, 20);
    const cluster = clusterOf('i5');
    const fans = segment.filter((s) => planted.userClusters[userIndex(s.userId)]?.includes(cluster ?? -1));
    expect(segment).toHaveLength(20);
    expect(fans.length).toBeGreaterThanOrEqual(16);
  });

  it('aws-item-attribute-affinity segments by an attribute expression', () => {
    const m = model('aws-item-attribute-affinity');
    const segment = recommendUsers(m, { itemAttributes: 'ITEMS.GENRE = "g2"' }, 20);
    const favourites = segment.map((s) => planted.userClusters[userIndex(s.userId)]?.[0]);
    expect(favourites.filter((c) => c === 2).length).toBeGreaterThanOrEqual(16);
    const either = recommendUsers(m, { itemAttributes: 'ITEMS.GENRE = "g2" OR ITEMS.genre = "g5"' }, 40);
    expect(either.every((s) => [2, 5].some((c) => planted.userClusters[userIndex(s.userId)]?.includes(c)))).toBe(true);
  });

  it('returns an empty segment for an unknown item and rejects unsupported expressions', () => {
    const m = model('aws-item-attribute-affinity');
    expect(recommendUsers(m, { itemId: 'nope' }, 10)).toEqual([]);
    expect(() => recommendUsers(m, { itemAttributes: 'ITEMS.GENRE > 3' }, 10)).toThrow(/unsupported/);
    expect(() => recommendUsers(m, { itemAttributes: 'ITEMS.COLOUR = "red"' }, 10)).toThrow(/no categorical field/);
  });

  it('reports the offline metrics over users with the 80/20 split', () => {
    const metrics = offlineMetrics(data, { recipe: recipe('aws-item-affinity'), seed: 1, hyperParameters });
    expect(metrics.precision_at_25).toBeGreaterThan(0);
    expect(metrics.coverage).toBeGreaterThan(0);
    expect(metrics.coverage).toBeLessThanOrEqual(1);
  });
});

describe('serialization', () => {
  it.each([
    'aws-user-personalization',
    'aws-popularity-count',
    'aws-trending-now',
    'aws-sims',
    'aws-item-attribute-affinity',
  ])('%s answers the same after a round trip through bytes', (name) => {
    const m = model(name);
    const copy = deserializeModel(serializeModel(m));
    const request = m.kind === 'related-items' ? { itemId: 'i3', numResults: 20 } : { userId: 'u3', numResults: 20 };
    expect(recommendItems(copy, request)).toEqual(recommendItems(m, request));
    expect(copy).toEqual(m);
  });

  it('refuses bytes that are not a model', () => {
    expect(() => deserializeModel(new TextEncoder().encode('{}'))).toThrow(/not a serialized/);
  });
});
