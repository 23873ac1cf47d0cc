import { describe, expect, it } from 'vitest';
import { peakCount } from '../../../bench/lib/rates.js';

describe('the busiest window', () => {
  it('counts the most requests within any window, wherever it starts', () => {
    expect(peakCount([0, 100, 950, 1000, 1050, 1999, 3000], 1000)).toBe(4);
    expect(peakCount([5, 1, 3], 10)).toBe(3);
  });

  it('is 0 without requests and 1 for spread-out ones', () => {
    expect(peakCount([], 1000)).toBe(0);
    expect(peakCount([0, 1000, 2000], 1000)).toBe(1);
  });
});
