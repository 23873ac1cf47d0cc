import { describe, expect, it } from 'vitest';
import { drift } from '../../../shared/resources/named.js';

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
});
