import { describe, expect, it } from 'vitest';
import { PersonalizeApiError } from '../../../local/personalize/errors.js';
import {
  applyFilter,
  compileFilter,
  type FilterDataView,
  type FilterRequest,
  INTERACTIONS_PER_EVENT_TYPE,
  type InteractionRecord,
  type MetadataRecord,
} from '../../../local/personalize/filters/evaluate.js';
import { parseFilterExpression } from '../../../shared/filters/parse.js';

// --- factories -------------------------------------------------------------

function parse(expression: string) {
  const result = parseFilterExpression(expression);
  if (!result.ok) throw new Error(`test expression does not parse: ${result.message}`);
  return result.filter;
}

const ITEMS: Record<string, MetadataRecord> = {
  i1: { ITEM_ID: 'i1', GENRE: 'Comedy', PRICE: 5, CATEGORY: 'shoes', AGE_RATING: 'PG' },
  i2: { ITEM_ID: 'i2', GENRE: 'Drama|Romance', PRICE: 20, CATEGORY: 'shirts', AGE_RATING: 'R' },
  i3: { ITEM_ID: 'i3', GENRE: 'Comedy|Romance', PRICE: 50, CATEGORY: 'shoes', AGE_RATING: 'PG' },
  i4: { ITEM_ID: 'i4', GENRE: null, PRICE: null, CATEGORY: 'hats', AGE_RATING: 'R' },
};
const ALL_ITEMS = ['i1', 'i2', 'i3', 'i4', 'i5'];

const USERS: Record<string, MetadataRecord> = {
  adult: { USER_ID: 'adult', AGE: 34, MEMBERSHIP: 'gold|silver' },
  child: { USER_ID: 'child', AGE: 9, MEMBERSHIP: 'free' },
  nobody: { USER_ID: 'nobody', AGE: null, MEMBERSHIP: null },
};

let clock = 1_700_000_000;
/** An interaction; without a timestamp, each one is a second later than the previous. */
function event(id: string, eventType: string | null, timestamp?: number): InteractionRecord {
  clock += 1;
  return { id, eventType, timestamp: timestamp ?? clock };
}

function dataView(interactions: Record<string, InteractionRecord[]> = {}): FilterDataView {
  return {
    items: new Map(Object.entries(ITEMS)),
    users: new Map(Object.entries(USERS)),
    interactionsOf: (userId) => interactions[userId] ?? [],
  };
}

const DEFAULT_INTERACTIONS = {
  adult: [event('i1', 'purchase'), event('i2', 'click'), event('i3', 'Click'), event('i4', null)],
  child: [event('i2', 'watch')],
};

function keep(expression: string, options: Partial<Omit<FilterRequest, 'filter'>> = {}, candidates = ALL_ITEMS) {
  return applyFilter(
    { entity: 'ItemID', data: dataView(DEFAULT_INTERACTIONS), userId: 'adult', ...options, filter: parse(expression) },
    candidates,
  );
}

function invalidInputMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PersonalizeApiError);
    expect((error as PersonalizeApiError).type).toBe('InvalidInputException');
    return (error as Error).message;
  }
  throw new Error('expected an InvalidInputException');
}

// --- the examples of PERSONALIZE.md and the project's parameter files ------

describe('filters from PERSONALIZE.md and the seed parameter files', () => {
  it('EXCLUDE purchased items removes what the user bought', () => {
    expect(keep('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")')).toEqual(['i2', 'i3', 'i4', 'i5']);
  });

  it('INCLUDE click or stream keeps only items the user clicked or streamed (event types ignore case)', () => {
    expect(keep('INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("click", "stream")')).toEqual(['i2', 'i3']);
  });

  it('"*" stands for every event type, untyped events included', () => {
    expect(keep('INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("*")')).toEqual(['i1', 'i2', 'i3', 'i4']);
  });

  it('INCLUDE by a parameter list keeps items in any of the categories sent', () => {
    const filterValues = { CATEGORIES: '"shoes","hats"' };
    expect(keep('INCLUDE ItemID WHERE Items.CATEGORY IN ($CATEGORIES)', { filterValues })).toEqual(['i1', 'i3', 'i4']);
  });

  it('a numeric parameter sent as plain text bounds a numeric field', () => {
    const filterValues = { MAX_PRICE: '20' };
    expect(keep('INCLUDE ItemID WHERE Items.PRICE <= $MAX_PRICE', { filterValues })).toEqual(['i1', 'i2']);
  });

  it('expressions joined with "|" are (union of includes) minus (union of excludes)', () => {
    const expression =
      'INCLUDE ItemID WHERE Items.CATEGORY IN ("shoes") | INCLUDE ItemID WHERE Items.CATEGORY IN ("hats") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';
    expect(keep(expression)).toEqual(['i3', 'i4']);
  });
});

describe('item metadata', () => {
  it('a multi-value field matches when any of its values is listed', () => {
    expect(keep('INCLUDE ItemID WHERE Items.GENRE IN ("Romance")')).toEqual(['i2', 'i3']);
  });

  it('NOT IN keeps items none of whose values are listed, and items without a value', () => {
    expect(keep('INCLUDE ItemID WHERE Items.GENRE NOT IN ("Romance")')).toEqual(['i1', 'i4', 'i5']);
  });

  it('EXCLUDE by metadata removes matching items and keeps items the dataset does not describe', () => {
    expect(keep('EXCLUDE ItemID WHERE Items.GENRE IN ("Comedy")')).toEqual(['i2', 'i4', 'i5']);
  });

  it.each([
    ['Items.PRICE = 20', ['i2']],
    ['Items.PRICE != 20', ['i1', 'i3', 'i4', 'i5']],
    ['Items.PRICE < 20', ['i1']],
    ['Items.PRICE <= 20', ['i1', 'i2']],
    ['Items.PRICE > 20', ['i3']],
    ['Items.PRICE >= 20', ['i2', 'i3']],
    ['Items.PRICE IN (5, 50)', ['i1', 'i3']],
  ])('numeric comparison %s keeps %j (a missing price fails every comparison but !=)', (condition, expected) => {
    expect(keep(`INCLUDE ItemID WHERE ${condition}`)).toEqual(expected);
  });

  it('AND binds tighter than OR', () => {
    const expression =
      'INCLUDE ItemID WHERE Items.CATEGORY IN ("hats") OR Items.PRICE > 10 AND Items.GENRE IN ("Comedy")';
    expect(keep(expression)).toEqual(['i3', 'i4']);
  });
});

describe('parameters', () => {
  it('several values of one parameter are alternatives, including one matching a multi-value field', () => {
    const filterValues = { GENRES: '"Drama","Comedy"' };
    expect(keep('INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)', { filterValues })).toEqual(['i1', 'i2', 'i3']);
  });

  it('a parameter missing from filterValues drops its EXCLUDE expression', () => {
    const expression =
      'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRES) | EXCLUDE ItemID WHERE Items.CATEGORY IN ("hats")';
    expect(keep(expression)).toEqual(['i1', 'i2', 'i3', 'i5']);
  });

  it('a parameter missing from filterValues is an InvalidInputException for INCLUDE', () => {
    const message = invalidInputMessage(() => keep('INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)'));
    expect(message).toBe(
      'Missing filter values for $GENRES: an INCLUDE expression needs a value for every parameter it uses',
    );
  });

  it('keys the filter does not use are ignored', () => {
    const filterValues = { GENRES: '"Drama"', UNUSED: '"x"' };
    expect(keep('INCLUDE ItemID WHERE Items.GENRE IN ($GENRES)', { filterValues })).toEqual(['i2']);
  });

  it('a range comparison needs exactly one number', () => {
    const message = invalidInputMessage(() =>
      keep('INCLUDE ItemID WHERE Items.PRICE < $MAX', { filterValues: { MAX: '"cheap"' } }),
    );
    expect(message).toBe('Invalid filter value for Items.PRICE <: expected exactly one number, got ["cheap"]');
  });

  it('a quoted number still bounds a numeric field', () => {
    expect(keep('INCLUDE ItemID WHERE Items.PRICE < $MAX', { filterValues: { MAX: '"10"' } })).toEqual(['i1']);
  });
});

describe('interactions', () => {
  it('without a current user, interaction conditions match nothing', () => {
    expect(keep('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")', { userId: undefined })).toEqual(ALL_ITEMS);
  });

  it('NOT IN keeps items the user interacted with under another event type', () => {
    expect(keep('INCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click")')).toEqual(['i1', 'i4']);
  });

  it(`only the latest ${INTERACTIONS_PER_EVENT_TYPE} interactions per event type count`, () => {
    // Arrange: one old purchase of "old", then 100 newer purchases, and one click on "old" long ago.
    const history = [event('old', 'purchase', 1), event('old', 'click', 0)];
    for (let n = 0; n < INTERACTIONS_PER_EVENT_TYPE; n += 1) history.push(event(`p${n}`, 'purchase', 10 + n));
    const data = dataView({ adult: history });
    const request = { entity: 'ItemID' as const, data, userId: 'adult' };
    // Act / assert: the purchase window no longer holds "old", but the click window does.
    expect(
      applyFilter({ ...request, filter: parse('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")') }, [
        'old',
        'p0',
        'p99',
        'new',
      ]),
    ).toEqual(['old', 'new']);
    expect(
      applyFilter({ ...request, filter: parse('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")') }, [
        'old',
        'new',
      ]),
    ).toEqual(['new']);
  });

  it('interactions appended after the predicate was built are not seen by it: build one per request', () => {
    const history: InteractionRecord[] = [];
    const keepIt = compileFilter({
      entity: 'ItemID',
      data: dataView({ adult: history }),
      userId: 'adult',
      filter: parse('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")'),
    });
    history.push(event('i1', 'purchase'));
    expect(keepIt('i1')).toBe(true);
  });
});

describe('IF CurrentUser and CurrentItem', () => {
  const kidSafe = 'INCLUDE ItemID WHERE Items.AGE_RATING IN ("PG") IF CurrentUser.AGE < 13';

  it('an expression applies when its IF clause holds for the current user', () => {
    expect(keep(kidSafe, { userId: 'child' })).toEqual(['i1', 'i3']);
  });

  it('an expression whose IF clause is false does not apply', () => {
    expect(keep(kidSafe, { userId: 'adult' })).toEqual(ALL_ITEMS);
  });

  it('an IF clause is false for a user without the field, or without a user', () => {
    expect(keep(kidSafe, { userId: 'nobody' })).toEqual(ALL_ITEMS);
    expect(keep(kidSafe, { userId: undefined })).toEqual(ALL_ITEMS);
  });

  it('IF conditions joined by AND all have to hold, and may use parameters and multi-value fields', () => {
    const expression =
      'EXCLUDE ItemID WHERE Items.AGE_RATING IN ("R") IF CurrentUser.AGE >= 18 AND CurrentUser.MEMBERSHIP IN ($TIERS)';
    expect(keep(expression, { filterValues: { TIERS: '"silver"' } })).toEqual(['i1', 'i3', 'i5']);
    expect(keep(expression, { filterValues: { TIERS: '"free"' } })).toEqual(ALL_ITEMS);
  });

  it('CurrentItem.<field> compares candidates with the item of a related-items request', () => {
    const expression = 'INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.GENRE)';
    expect(keep(expression, { itemId: 'i1' })).toEqual(['i1', 'i3']);
    expect(keep(expression, { itemId: 'i2' })).toEqual(['i2', 'i3']);
  });

  it('CurrentItem without an item id is an InvalidInputException', () => {
    const message = invalidInputMessage(() => keep('INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.GENRE)'));
    expect(message).toBe(
      'The filter uses CurrentItem.GENRE, which needs an itemId (related-items recipes) in the request',
    );
  });

  it('CurrentItem with a numeric comparison', () => {
    expect(keep('INCLUDE ItemID WHERE Items.PRICE > CurrentItem.PRICE', { itemId: 'i2' })).toEqual(['i3']);
  });
});

describe('users and actions as candidates', () => {
  const users = ['adult', 'child', 'nobody'];
  const segment = (expression: string) =>
    applyFilter({ entity: 'UserID', data: dataView(DEFAULT_INTERACTIONS), filter: parse(expression) }, users);

  it('UserID filters read user metadata', () => {
    expect(segment('INCLUDE UserID WHERE Users.AGE >= 18')).toEqual(['adult']);
  });

  it('UserID filters on interactions keep users with an interaction of that type', () => {
    expect(segment('EXCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("watch")')).toEqual(['adult', 'nobody']);
  });

  it('UserID filters on item metadata keep users who interacted with such an item', () => {
    expect(segment('INCLUDE UserID WHERE Items.GENRE IN ("Drama")')).toEqual(['adult', 'child']);
  });

  it('ActionID filters read action metadata and the current user action interactions', () => {
    const data: FilterDataView = {
      actions: new Map([
        ['a1', { ACTION_ID: 'a1', VALUE: 10 }],
        ['a2', { ACTION_ID: 'a2', VALUE: 1 }],
      ]),
      actionInteractionsOf: (userId) => (userId === 'adult' ? [event('a1', 'TAKEN')] : []),
    };
    const run = (expression: string) =>
      applyFilter({ entity: 'ActionID', data, userId: 'adult', filter: parse(expression) }, ['a1', 'a2', 'a3']);
    expect(run('INCLUDE ActionID WHERE Actions.VALUE > 5')).toEqual(['a1']);
    expect(run('EXCLUDE ActionID WHERE ActionInteractions.EVENT_TYPE IN ("taken")')).toEqual(['a2', 'a3']);
  });

  it('a filter on another entity than the request returns is an InvalidInputException', () => {
    const message = invalidInputMessage(() => segment('INCLUDE ItemID WHERE Items.GENRE IN ("Drama")'));
    expect(message).toContain('The filter filters ItemID, but this request returns UserID');
  });
});
