import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyNameOf } from '../../../local/personalize/events/records.js';

describe('propertyNameOf: schema field → the camelCase property Personalize expects', () => {
  it.each([
    ['NUMBER_OF_RATINGS', 'numberOfRatings'],
    ['GENRE', 'genre'],
    ['EVENT_ATTRIBUTION_SOURCE', 'eventAttributionSource'],
    ['PRICE_2', 'price2'],
    ['genre', 'genre'],
  ])('%s → %s', (field, property) => {
    expect(propertyNameOf(field)).toBe(property);
  });

  it('maps distinct UPPER_SNAKE names to distinct properties', () => {
    const word = fc.stringMatching(/^[A-Z][A-Z0-9]{0,5}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 4 }),
        fc.array(word, { minLength: 1, maxLength: 4 }),
        (a, b) => {
          fc.pre(a.join('_') !== b.join('_'));
          expect(propertyNameOf(a.join('_'))).not.toBe(propertyNameOf(b.join('_')));
        },
      ),
    );
  });
});
