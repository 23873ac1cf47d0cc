import { describe, expect, it } from 'vitest';
import { TrainingDataBuilder } from '../../../local/personalize/models/data.js';
import {
  ndcgAtK,
  precisionAtK,
  reciprocalRankAtK,
  splitUsers,
  summarizeLists,
} from '../../../local/personalize/models/metrics.js';

const list = ['a', 'b', 'c', 'd', 'e', 'f'];

describe('ndcgAtK', () => {
  it("matches PERSONALIZE.md's check value: hits at ranks 2 and 5 of 5, two relevant items", () => {
    expect(ndcgAtK(list, new Set(['b', 'e']), 5)).toBeCloseTo(0.6241, 4);
  });

  it('is normalised by the ideal list of min(|relevant|, k) hits, so a third relevant item lowers it', () => {
    // DCG = 1/log2(3) + 1/log2(6); ideal = 1 + 1/log2(3) + 1/log2(4).
    expect(ndcgAtK(list, new Set(['b', 'e', 'z']), 5)).toBeCloseTo(1.0178 / 2.1309, 4);
  });

  it('is 1 for a perfect list and 0 without hits', () => {
    expect(ndcgAtK(list, new Set(['a', 'b']), 5)).toBe(1);
    expect(ndcgAtK(list, new Set(['z']), 5)).toBe(0);
  });

  it('ignores hits below rank k', () => {
    expect(ndcgAtK(list, new Set(['f']), 5)).toBe(0);
  });
});

describe('precisionAtK', () => {
  it('divides the hits in the first k by k, even when the list is shorter', () => {
    expect(precisionAtK(list, new Set(['b', 'e', 'f']), 5)).toBe(2 / 5);
    expect(precisionAtK(['a'], new Set(['a']), 10)).toBe(1 / 10);
  });
});

describe('reciprocalRankAtK', () => {
  it('is one over the rank of the first hit within k', () => {
    expect(reciprocalRankAtK(list, new Set(['c', 'e']), 25)).toBeCloseTo(1 / 3);
    expect(reciprocalRankAtK(list, new Set(['f']), 5)).toBe(0);
  });
});

describe('summarizeLists', () => {
  it('averages the measures over lists and counts coverage over the catalogue', () => {
    const metrics = summarizeLists(
      [
        { recommended: ['a', 'b'], relevant: new Set(['a']) },
        { recommended: ['c', 'a'], relevant: new Set(['a']) },
      ],
      6,
    );
    expect(metrics).toEqual({
      coverage: 0.5,
      mean_reciprocal_rank_at_25: 0.75,
      normalized_discounted_cumulative_gain_at_5: 0.8155,
      normalized_discounted_cumulative_gain_at_10: 0.8155,
      normalized_discounted_cumulative_gain_at_25: 0.8155,
      precision_at_5: 0.2,
      precision_at_10: 0.1,
      precision_at_25: 0.04,
    });
  });
});

describe('splitUsers', () => {
  const builder = new TrainingDataBuilder();
  for (let u = 0; u < 200; u += 1) {
    for (let n = 0; n < 10; n += 1) builder.addInteraction(`u${u}`, `i${(u + n) % 30}`, 1000 + n);
  }
  const data = builder.build();

  it('holds out about 10% of users, deterministically for a seed', () => {
    const split = splitUsers(data, 3, 0.1, 0.9);
    expect(split.heldOut.size).toBeGreaterThan(8);
    expect(split.heldOut.size).toBeLessThan(35);
    expect([...splitUsers(data, 3, 0.1, 0.9).heldOut.keys()]).toEqual([...split.heldOut.keys()]);
  });

  it("keeps a held-out user's oldest 90% for training and scores their newest 10%", () => {
    const split = splitUsers(data, 3, 0.1, 0.9);
    const [user, newest] = [...split.heldOut][0] ?? [];
    if (user === undefined || newest === undefined) throw new Error('no held-out user');
    expect([...newest]).toEqual([`i${(user + 9) % 30}`]);
    expect(split.given.get(user)?.size).toBe(9);
    expect(split.training.interactions.length).toBe(2000 - split.heldOut.size);
  });
});
