import { describe, expect, it } from 'vitest';
import { parseFilterExpression } from '../../../shared/filters/parse.js';

describe('parseFilterExpression: accepted expressions', () => {
  it('parses an include on event types, with lowercase keywords as in the seed file', () => {
    const result = parseFilterExpression('INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("click", "stream")');
    expect(result).toEqual({
      ok: true,
      filter: {
        parameters: [],
        parts: [
          {
            action: 'INCLUDE',
            entity: 'ItemID',
            connectors: [],
            ifConditions: [],
            conditions: [
              {
                dataset: 'Interactions',
                field: 'EVENT_TYPE',
                operator: 'IN',
                column: 22,
                values: [
                  { kind: 'string', value: 'click' },
                  { kind: 'string', value: 'stream' },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it('parses parameters, numbers, AND/OR, IF and | joins', () => {
    const result = parseFilterExpression(
      'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRES) OR Items.PRICE > 100 AND Items.PRICE <= $MAX IF CurrentUser.AGE >= 18 | INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")',
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.filter.parameters).toEqual(['GENRES', 'MAX']);
    expect(result.filter.parts.map((p) => p.action)).toEqual(['EXCLUDE', 'INCLUDE']);
    expect(result.filter.parts[0]?.connectors).toEqual(['OR', 'AND']);
    expect(result.filter.parts[0]?.conditions.map((c) => c.operator)).toEqual(['IN', '>', '<=']);
    expect(result.filter.parts[0]?.ifConditions).toEqual([
      { dataset: 'CurrentUser', field: 'AGE', operator: '>=', values: [{ kind: 'number', value: 18 }], column: 95 },
    ]);
  });

  it('parses CurrentItem references for related-items recipes', () => {
    const result = parseFilterExpression('INCLUDE ItemID WHERE Items.CATEGORY IN (CurrentItem.CATEGORY)');
    expect(result.ok && result.filter.parts[0]?.conditions[0]?.values).toEqual([
      { kind: 'current', scope: 'CurrentItem', field: 'CATEGORY' },
    ]);
  });

  it('keeps escaped quotes inside strings', () => {
    const result = parseFilterExpression('INCLUDE ItemID WHERE Items.TITLE IN ("say \\"hi\\"")');
    expect(result.ok && result.filter.parts[0]?.conditions[0]?.values).toEqual([{ kind: 'string', value: 'say "hi"' }]);
  });
});

describe('parseFilterExpression: errors say where', () => {
  it.each([
    ['', 1, 'expected INCLUDE or EXCLUDE, found the end of the expression'],
    ['KEEP ItemID WHERE Items.A IN ("x")', 1, 'expected INCLUDE or EXCLUDE, found "KEEP"'],
    ['INCLUDE Items WHERE Items.A IN ("x")', 9, 'expected ItemID, UserID or ActionID, found "Items"'],
    ['INCLUDE ItemID Items.A IN ("x")', 16, 'expected WHERE, found "Items"'],
    [
      'INCLUDE ItemID WHERE Things.A IN ("x")',
      22,
      'expected a dataset (Interactions, Items, Users, Actions, ActionInteractions), found "Things"',
    ],
    ['INCLUDE ItemID WHERE Items.A IN ("x"', 37, 'expected ")", found the end of the expression'],
    ['INCLUDE ItemID WHERE Items.A IN ("x)', 34, 'unterminated string (missing closing ")'],
    ['INCLUDE ItemID WHERE Items.A > "x"', 32, 'expected a number or a $PARAMETER, found ""x""'],
    ['INCLUDE ItemID WHERE Items.A IN ("x") extra', 39, 'expected "|" or the end of the expression, found "extra"'],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") IF Items.B IN ("y")',
      42,
      'expected CurrentUser.<field> after IF, found "Items"',
    ],
    ['INCLUDE ItemID WHERE Items.A IN (#)', 34, 'unexpected character "#"'],
  ])('%j → column %i', (expression, column, message) => {
    expect(parseFilterExpression(expression)).toEqual({ ok: false, column, message });
  });

  it('rejects expressions over 2500 characters', () => {
    const long = `INCLUDE ItemID WHERE Items.A IN (${Array.from({ length: 500 }, () => '"abcd"').join(',')})`;
    expect(parseFilterExpression(long)).toEqual({
      ok: false,
      column: 1,
      message: `is ${long.length} characters long; the limit is 2500`,
    });
  });
});
