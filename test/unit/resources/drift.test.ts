import { describe, expect, it } from 'vitest';
import { drift, leaves } from '../../../shared/resources/named.js';

describe('drift', () => {
  it('compares only the fields the user set', () => {
    expect(drift({ domain: undefined, roleArn: 'r' }, { domain: 'ECOMMERCE', roleArn: 'r' })).toEqual([]);
  });

  it('names each differing field with the expected and actual values', () => {
    expect(drift({ eventType: 'click', performHPO: true }, { eventType: 'view', performHPO: false })).toEqual([
      'eventType: expected "click", found "view"',
      'performHPO: expected true, found false',
    ]);
  });

  it('compares nested values structurally', () => {
    expect(drift({ config: { a: 1 } }, { config: { a: 1 } })).toEqual([]);
    expect(drift({ config: { a: 1 } }, { config: { a: 2 } })).toEqual(['config: expected {"a":1}, found {"a":2}']);
  });

  it('ignores the order of object keys but not of array items', () => {
    expect(
      drift({ schema: { type: 'record', fields: [1, 2] } }, { schema: { fields: [1, 2], type: 'record' } }),
    ).toEqual([]);
    expect(drift({ schema: { fields: [1, 2] } }, { schema: { fields: [2, 1] } })).toHaveLength(1);
  });
});

describe('leaves', () => {
  it('flattens nested objects to dotted keys, keeping arrays and scalars whole', () => {
    expect(leaves({ a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: 'x', g: undefined })).toEqual({
      'a.b.c': 1,
      'a.d': [1, { e: 2 }],
      f: 'x',
      g: undefined,
    });
  });

  it('lets drift compare only the nested keys the user set', () => {
    const desired = leaves({ config: { itemExplorationConfig: { explorationWeight: '0.3' } } });
    const actual = leaves({
      config: { itemExplorationConfig: { explorationWeight: '0.3', explorationItemAgeCutOff: '30' } },
    });
    expect(drift(desired, actual)).toEqual([]);
    expect(drift(desired, leaves({ config: {} }))).toEqual([
      'config.itemExplorationConfig.explorationWeight: expected "0.3", found undefined',
    ]);
  });
});
