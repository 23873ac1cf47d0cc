import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PersonalizeApiError } from '../../../local/personalize/errors.js';
import { parseFilterValues } from '../../../local/personalize/filters/filter-values.js';

function errorOf(run: () => unknown): PersonalizeApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof PersonalizeApiError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('parseFilterValues', () => {
  it('reads the runtime format: a comma-separated list of JSON strings, numbers as plain text', () => {
    const values = parseFilterValues({ GENRES: '"Comedy","Drama, Romance"', MAX: '10', MIXED: '"a", 2.5' });
    expect(values.get('GENRES')).toEqual(['Comedy', 'Drama, Romance']);
    expect(values.get('MAX')).toEqual([10]);
    expect(values.get('MIXED')).toEqual(['a', 2.5]);
  });

  it('reads nothing from no filterValues', () => {
    expect(parseFilterValues(undefined).size).toBe(0);
  });

  it.each([
    [{ GENRES: '' }, 'Invalid filter value for GENRES: it is empty;'],
    [{ GENRES: 'Comedy' }, 'Invalid filter value for GENRES: "Comedy" cannot be read;'],
    [{ GENRES: '"a",' }, 'Invalid filter value for GENRES: "\\"a\\"," cannot be read;'],
    [{ GENRES: '["a"]' }, 'Invalid filter value for GENRES: ["a"] is not allowed;'],
    [{ GENRES: 'true' }, 'Invalid filter value for GENRES: true is not allowed;'],
    [{ $GENRES: '"a"' }, 'Invalid filterValues key "$GENRES": use the parameter name without "$"'],
    [{ GENRES: 3 }, 'Invalid filter value for GENRES: it must be a string'],
  ])('refuses %j with an InvalidInputException', (filterValues, message) => {
    const error = errorOf(() => parseFilterValues(filterValues));
    expect(error.type).toBe('InvalidInputException');
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('reads back any list of strings it is sent in the runtime format', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (list) => {
        const text = list.map((value) => JSON.stringify(value)).join(',');
        expect(parseFilterValues({ P: text }).get('P')).toEqual(list);
      }),
    );
  });
});
