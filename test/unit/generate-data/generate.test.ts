import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  DEFAULT_START,
  EVENT_TYPE_SHARES,
  type GenerateOptions,
  generateDataset,
  SEGMENTS,
  type SyntheticDataset,
  type SyntheticInteraction,
} from '../../../local/personalize/data/generate.js';

const DAY = 86_400;
const SMALL: GenerateOptions = { users: 400, items: 300, interactions: 30_000, seed: 7 };

function interactionsOf(dataset: SyntheticDataset): SyntheticInteraction[] {
  return [...dataset.interactions()];
}

const dataset = generateDataset(SMALL);
const rows = interactionsOf(dataset);

describe('generateDataset: shape', () => {
  it('makes exactly the requested numbers of users, items and interactions', () => {
    expect(dataset.users).toHaveLength(400);
    expect(dataset.items).toHaveLength(300);
    expect(dataset.interactionCount).toBe(30_000);
    expect(rows).toHaveLength(30_000);
  });

  it('names users u<index> and items i<index>, and maps the ids back to indices', () => {
    expect(dataset.users[12]?.id).toBe('u12');
    expect(dataset.items[34]?.id).toBe('i34');
    expect(dataset.truth.userIndex('u12')).toBe(12);
    expect(dataset.truth.itemIndex('i34')).toBe(34);
    expect(dataset.truth.itemIndex('i300')).toBeUndefined();
    expect(dataset.truth.userIndex('i1')).toBeUndefined();
  });

  it('covers 90 days from 2026-01-01 by default, in epoch seconds', () => {
    expect(dataset.start).toBe(DEFAULT_START.getTime() / 1000);
    expect(dataset.end).toBe(dataset.start + 90 * DAY);
  });

  it('yields interactions in time order, each a whole epoch second within the period', () => {
    const times = rows.map((row) => row.timestamp);
    expect(times.every(Number.isInteger)).toBe(true);
    expect(times.every((time, k) => k === 0 || time >= (times[k - 1] as number))).toBe(true);
    expect(times[0]).toBeGreaterThanOrEqual(dataset.start);
    expect(times.at(-1)).toBeLessThan(dataset.end);
  });

  it('honours start and days', () => {
    const start = new Date('2025-06-01T00:00:00Z');
    const other = generateDataset({ ...SMALL, interactions: 2_000, start, days: 7 });
    const times = interactionsOf(other).map((row) => row.timestamp);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(start.getTime() / 1000);
    expect(Math.max(...times)).toBeLessThan(start.getTime() / 1000 + 7 * DAY);
  });

  it('gives users an AGE from 18 to 85 and a known SEGMENT, items a known CATEGORY and a positive PRICE', () => {
    for (const user of dataset.users) {
      expect(Number.isInteger(user.age) && user.age >= 18 && user.age <= 85).toBe(true);
      expect(SEGMENTS).toContain(user.segment);
    }
    for (const item of dataset.items) {
      expect(CATEGORIES).toContain(item.category);
      expect(item.price).toBeGreaterThan(0);
      expect(Math.round(item.price * 100) / 100).toBe(item.price);
    }
  });

  it('uses view, click and purchase in a funnel-like ratio', () => {
    const counts = { view: 0, click: 0, purchase: 0 };
    for (const row of rows) counts[row.eventType] += 1;
    for (const type of ['view', 'click', 'purchase'] as const) {
      expect(counts[type] / rows.length).toBeCloseTo(EVENT_TYPE_SHARES[type], 1);
    }
    expect(counts.view).toBeGreaterThan(counts.click);
    expect(counts.click).toBeGreaterThan(counts.purchase);
  });

  it('refuses counts that are not whole numbers, and unusable options', () => {
    expect(() => generateDataset({ ...SMALL, users: 0 })).toThrow('users must be a whole number of at least 1, not 0');
    expect(() => generateDataset({ ...SMALL, interactions: 1.5 })).toThrow(RangeError);
    expect(() => generateDataset({ ...SMALL, seed: Number.NaN })).toThrow('seed must be an integer');
    expect(() => generateDataset({ ...SMALL, start: new Date('nope') })).toThrow('start must be a valid date');
    expect(() => generateDataset({ ...SMALL, clusters: 13 })).toThrow('clusters must be a whole number from 2 to 12');
  });
});

describe('generateDataset: determinism', () => {
  it('draws the same users, items and interactions for the same seed, every time they are iterated', () => {
    const again = generateDataset(SMALL);
    expect(again.users).toEqual(dataset.users);
    expect(again.items).toEqual(dataset.items);
    expect(interactionsOf(again)).toEqual(rows);
    expect(interactionsOf(dataset)).toEqual(rows);
  });

  it('draws different data for another seed', () => {
    const other = generateDataset({ ...SMALL, seed: 8 });
    expect(other.users).not.toEqual(dataset.users);
    expect(interactionsOf(other).slice(0, 100)).not.toEqual(rows.slice(0, 100));
  });
});

describe('generateDataset: planted structure', () => {
  const { truth } = dataset;

  it('has users interact mostly with the clusters they prefer', () => {
    const inPreferred = rows.filter((row) =>
      truth.preferredClusters(row.userIndex).includes(truth.itemCluster(row.itemIndex)),
    ).length;
    // 95 % by construction (5 % exploration, part of which also lands in a preferred cluster).
    expect(inPreferred / rows.length).toBeGreaterThan(0.93);
  });

  it('gives most users one to three preferred clusters out of K', () => {
    const sizes = dataset.users.map((_, u) => truth.preferredClusters(u).length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.filter((size) => size <= 2).length / sizes.length).toBeGreaterThan(0.6);
    expect(truth.clusters).toBe(8);
  });

  it("correlates an item's CATEGORY with its latent cluster", () => {
    const matching = dataset.items.filter((item, i) => item.category === truth.clusterCategory(truth.itemCluster(i)));
    expect(matching.length / dataset.items.length).toBeGreaterThan(0.75);
  });

  it("correlates a user's SEGMENT with the clusters they prefer", () => {
    // Segment s favours clusters 2s mod K and 2s+1 mod K.
    const favoured = dataset.users.filter((user, u) => {
      const s = SEGMENTS.indexOf(user.segment as (typeof SEGMENTS)[number]);
      return truth.preferredClusters(u).some((c) => c === (2 * s) % 8 || c === (2 * s + 1) % 8);
    });
    expect(favoured.length / dataset.users.length).toBeGreaterThan(0.8);
  });

  it('skews popularity: the top 10 % of items take far more than 10 % of the interactions', () => {
    const perItem = new Map<number, number>();
    for (const row of rows) perItem.set(row.itemIndex, (perItem.get(row.itemIndex) ?? 0) + 1);
    const top = [...perItem.values()].sort((a, b) => b - a).slice(0, 30);
    expect(top.reduce((a, b) => a + b, 0) / rows.length).toBeGreaterThan(0.35);
  });

  it('brings new items in during the period, never interacted with before they exist', () => {
    const newItems = dataset.items.filter((item) => item.creationTimestamp >= dataset.start);
    expect(newItems.length).toBe(60);
    const tooEarly = rows.filter((row) => row.timestamp < (dataset.items[row.itemIndex]?.creationTimestamp ?? 0));
    expect(tooEarly).toEqual([]);
    const interacted = new Set(rows.map((row) => row.itemIndex));
    expect(newItems.filter((item) => interacted.has(Number(item.id.slice(1)))).length).toBeGreaterThan(40);
  });

  it('drifts: the most popular items of the first and the last month differ, and new items gain share', () => {
    const month = 30 * DAY;
    const first = rows.filter((row) => row.timestamp < dataset.start + month);
    const last = rows.filter((row) => row.timestamp >= dataset.end - month);
    const top = (part: SyntheticInteraction[]) => {
      const counts = new Map<number, number>();
      for (const row of part) counts.set(row.itemIndex, (counts.get(row.itemIndex) ?? 0) + 1);
      return [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 10)
        .map(([item]) => item);
    };
    const shared = top(first).filter((item) => top(last).includes(item));
    expect(shared.length).toBeLessThan(6);
    const newShare = (part: SyntheticInteraction[]) =>
      part.filter((row) => (dataset.items[row.itemIndex]?.creationTimestamp ?? 0) >= dataset.start).length /
      part.length;
    expect(newShare(last)).toBeGreaterThan(2 * newShare(first));
  });
});

describe('planted truth', () => {
  const { truth } = dataset;

  it('gives each user a probability over clusters, and over items, that sums to 1', () => {
    const clusters = truth.clusterPreferences(5);
    expect(clusters.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    let overItems = 0;
    for (let i = 0; i < dataset.items.length; i += 1) overItems += truth.userPreference(5, i);
    expect(overItems).toBeCloseTo(1, 10);
  });

  it('gives an item no preference before it exists', () => {
    const newest = dataset.items.length - 1;
    const created = dataset.items[newest]?.creationTimestamp ?? 0;
    expect(truth.userPreference(0, newest, created - 1)).toBe(0);
    expect(truth.userPreference(0, newest, created)).toBeGreaterThan(0);
  });

  it("predicts each user's interactions better than popularity alone", () => {
    // Mean log-likelihood of the last month's interactions under the truth vs. under cluster-blind popularity.
    const lastMonth = rows.filter((row) => row.timestamp >= dataset.end - 30 * DAY).slice(0, 2_000);
    const popularity = new Map<number, number>();
    for (const row of lastMonth) popularity.set(row.itemIndex, (popularity.get(row.itemIndex) ?? 0) + 1);
    let truthScore = 0;
    let popularityScore = 0;
    for (const row of lastMonth) {
      truthScore += Math.log(truth.userPreference(row.userIndex, row.itemIndex, row.timestamp));
      popularityScore += Math.log((popularity.get(row.itemIndex) ?? 0) / lastMonth.length);
    }
    expect(truthScore).toBeGreaterThan(popularityScore);
  });

  it('lists neighbours of an item from its own cluster, most popular first, without the item itself', () => {
    const neighbours = truth.neighbours('i3', 5);
    expect(neighbours).toHaveLength(5);
    expect(neighbours).not.toContain('i3');
    for (const id of neighbours) expect(truth.itemCluster(truth.itemIndex(id) ?? -1)).toBe(truth.itemCluster(3));
    expect(truth.neighbours('i3', 5)).toEqual(neighbours);
    expect(() => truth.neighbours('x3', 5)).toThrow('no item with id x3');
  });

  it('names neighbours that the same users really interact with', () => {
    // Users who touched the item touch its 10 neighbours more than 10 popular items of other clusters.
    const itemsOf = new Map<number, Set<number>>();
    for (const row of rows) {
      const set = itemsOf.get(row.userIndex) ?? new Set<number>();
      set.add(row.itemIndex);
      itemsOf.set(row.userIndex, set);
    }
    const counts = new Map<number, number>();
    for (const row of rows) counts.set(row.itemIndex, (counts.get(row.itemIndex) ?? 0) + 1);
    const anchor = 3;
    const neighbours = truth.neighbours(`i${anchor}`, 10).map((id) => truth.itemIndex(id) ?? -1);
    const others = [...counts.entries()]
      .filter(([item]) => truth.itemCluster(item) !== truth.itemCluster(anchor))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([item]) => item);
    const coInteractions = (candidates: number[]) =>
      [...itemsOf.values()]
        .filter((set) => set.has(anchor))
        .reduce((sum, set) => sum + candidates.filter((item) => set.has(item)).length, 0);
    expect(coInteractions(neighbours)).toBeGreaterThan(coInteractions(others));
  });
});

describe('generateDataset: scale', () => {
  it('draws a million interactions in a few seconds without keeping them', () => {
    const big = generateDataset({ users: 50_000, items: 10_000, interactions: 1_000_000, seed: 1 });
    const started = performance.now();
    let count = 0;
    for (const _ of big.interactions()) count += 1;
    expect(count).toBe(1_000_000);
    expect(performance.now() - started).toBeLessThan(8_000);
  });
});
