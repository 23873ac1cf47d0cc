import { describe, expect, it } from 'vitest';
import { checkFilterForDatasets, type FilterSchemas } from '../../../local/personalize/filters/check.js';
import { parseFilterExpression } from '../../../shared/filters/parse.js';
import { checkDatasetSchema, type DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';

function schemaOf(name: string, kind: DatasetKind, fields: Record<string, unknown>[]): DatasetSchema {
  const check = checkDatasetSchema({ type: 'record', name, fields }, kind);
  if (!check.ok) throw new Error(JSON.stringify(check.problems));
  return check.schema;
}

const SCHEMAS: FilterSchemas = {
  Interactions: schemaOf('Interactions', 'interactions', [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ]),
  Items: schemaOf('Items', 'items', [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRE', type: ['null', 'string'], categorical: true },
    { name: 'TITLE', type: ['null', 'string'] },
    { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
    { name: 'PRICE', type: 'double' },
    { name: 'ON_SALE', type: 'boolean' },
  ]),
  Users: schemaOf('Users', 'users', [
    { name: 'USER_ID', type: 'string' },
    { name: 'AGE', type: 'int' },
  ]),
};

function problems(expression: string, schemas: FilterSchemas = SCHEMAS): string[] {
  const parsed = parseFilterExpression(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return checkFilterForDatasets(parsed.filter, schemas);
}

describe('checkFilterForDatasets', () => {
  it.each([
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
    'INCLUDE ItemID WHERE Items.GENRE IN ($GENRES) | EXCLUDE ItemID WHERE Items.PRICE > 100',
    'INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.GENRE)',
    'INCLUDE ItemID WHERE Items.PRICE <= 20 IF CurrentUser.AGE >= 18',
    'INCLUDE UserID WHERE Users.AGE > 30',
  ])('accepts %s', (expression) => {
    expect(problems(expression)).toEqual([]);
  });

  it.each([
    ['INCLUDE ItemID WHERE Items.COLOR IN ("red")', 'the Items dataset has no field COLOR (schema Items)'],
    ['INCLUDE ActionID WHERE Actions.VALUE > 1', 'the dataset group has no Actions dataset'],
    ['INCLUDE ItemID WHERE Users.AGE > 1', 'a filter on ItemID cannot use the Users dataset'],
    [
      'INCLUDE ItemID WHERE Interactions.USER_ID IN ("u")',
      'Interactions.USER_ID: Interactions conditions can only use EVENT_TYPE',
    ],
    ['INCLUDE ItemID WHERE Items.GENRE > 3', 'Items.GENRE is of type string; > needs a numeric field'],
    [
      'INCLUDE ItemID WHERE Items.ON_SALE IN ("true")',
      'Items.ON_SALE is a boolean field; filters cannot use boolean fields',
    ],
    ['INCLUDE ItemID WHERE Items.DESCRIPTION IN ("x")', 'Items.DESCRIPTION is a textual field'],
    ['INCLUDE ItemID WHERE Items.TITLE IN ("x")', 'Items.TITLE is a string field that is not categorical'],
    ['INCLUDE ItemID WHERE Items.GENRE IN (3)', 'Items.GENRE is a string field; compare it with quoted strings'],
    [
      'INCLUDE ItemID WHERE Items.PRICE < 3 IF CurrentUser.HEIGHT > 1',
      'CurrentUser.HEIGHT: the Users dataset has no field HEIGHT',
    ],
    ['INCLUDE ItemID WHERE Items.GENRE IN (CurrentItem.MOOD)', 'CurrentItem.MOOD: the Items dataset has no field MOOD'],
  ])('refuses %s: %s', (expression, problem) => {
    const found = problems(expression);
    expect(found).toHaveLength(1);
    expect(found[0]?.startsWith(`Invalid filter expression: ${problem}`)).toBe(true);
  });

  it('refuses more than 10 distinct fields in one filter', () => {
    const fields = Array.from({ length: 11 }, (_, n) => ({ name: `F${n}`, type: 'int' }));
    const items = schemaOf('Wide', 'items', [{ name: 'ITEM_ID', type: 'string' }, ...fields]);
    const expression = fields.map((f) => `EXCLUDE ItemID WHERE Items.${f.name} > 1`).join(' | ');
    expect(problems(expression, { Items: items })).toEqual([
      'Invalid filter expression: the filter uses 11 distinct fields; a filter can use at most 10',
    ]);
  });
});
