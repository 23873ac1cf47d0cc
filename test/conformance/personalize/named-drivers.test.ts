import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetGroupDriver, solutionDriver } from '../../../shared/resources/drivers.js';
import { ensureNamed } from '../../../shared/resources/named.js';
import { type PersonalizeHarness, startPersonalize } from '../../support/personalize.js';

/** The named-resource drivers against the emulator through the real SDK. */

let h: PersonalizeHarness;
const scope = { region: 'us-east-1', account: '000000000000' };

beforeAll(async () => {
  h = await startPersonalize({ workers: {} });
});

afterAll(async () => {
  await h.dispose();
});

describe('ensureNamed', () => {
  it('creates a missing dataset group, then reports it done', async () => {
    const driver = datasetGroupDriver(h.client, scope);
    expect(await ensureNamed(driver, { name: 'shop' })).toEqual({
      type: 'pending',
      status: 'CREATE PENDING',
      arn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      created: true,
    });
    expect(await ensureNamed(driver, { name: 'shop' })).toEqual({
      type: 'done',
      arn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
    });
  });

  it('fails on drift, naming the field, the expected and the actual value', async () => {
    expect(await ensureNamed(datasetGroupDriver(h.client, scope), { name: 'shop', domain: 'ECOMMERCE' })).toEqual({
      type: 'failed',
      arn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      reason:
        'dataset group arn:aws:personalize:us-east-1:000000000000:dataset-group/shop differs from the parameter file: domain: expected "ECOMMERCE", found undefined',
    });
  });

  it('refuses a same-named solution of another dataset group instead of adopting it', async () => {
    const groups = datasetGroupDriver(h.client, scope);
    await ensureNamed(groups, { name: 'other' });
    const solutions = solutionDriver(h.client, scope);
    const config = { name: 'up', recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization' };
    const first = await ensureNamed(solutions, {
      datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      serviceConfig: config,
    });
    expect(first.type).toBe('pending');
    const clash = await ensureNamed(solutions, {
      datasetGroupArn: 'arn:aws:personalize:us-east-1:000000000000:dataset-group/other',
      serviceConfig: config,
    });
    expect(clash).toMatchObject({
      type: 'failed',
      reason: expect.stringContaining(
        'already exists in another dataset group (arn:aws:personalize:us-east-1:000000000000:dataset-group/shop)',
      ),
    });
  });
});
