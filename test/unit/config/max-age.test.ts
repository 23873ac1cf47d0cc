import { describe, expect, it } from 'vitest';
import { parseMaxAge } from '../../../shared/config/max-age.js';

const DAY = 86_400;

describe('parseMaxAge', () => {
  it.each([
    ['365 days', 365 * DAY],
    ['1 day', DAY],
    ['2 weeks', 14 * DAY],
    ['1 month', 31 * DAY],
    ['1 year', 365 * DAY],
    ['12 hours', 12 * 3600],
    ['1 day 12 hours', DAY + 12 * 3600],
    ['1 hour, 30 minutes', 5400],
    ['  3 Days ', 3 * DAY],
  ])('reads "%s" as %i seconds', (text, seconds) => {
    expect(parseMaxAge(text)).toEqual({ ok: true, seconds });
  });

  it.each(['', 'soon', '1', 'days', '1 fortnight', '-1 day', '1 day and 2 hours'])('rejects "%s"', (text) => {
    expect(parseMaxAge(text).ok).toBe(false);
  });

  it('rejects zero', () => {
    expect(parseMaxAge('0 days')).toEqual({ ok: false, message: 'maxAge "0 days" must be longer than zero' });
  });
});
