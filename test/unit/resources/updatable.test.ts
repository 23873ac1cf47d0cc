import { describe, expect, it } from 'vitest';
import { type Deployed, reconcile } from '../../../shared/resources/updatable.js';

const ARN = 'arn:aws:personalize:us-east-1:123456789012:campaign/c';
const V1 = `${ARN}-v1`;
const V2 = `${ARN}-v2`;
const live = (fields: Record<string, unknown>, latestUpdate?: Deployed['latestUpdate']): Deployed => ({
  status: 'ACTIVE',
  fields,
  ...(latestUpdate ? { latestUpdate } : {}),
});

describe('reconcile', () => {
  it.each<[string, Deployed, Record<string, unknown>, ReturnType<typeof reconcile>]>([
    [
      'not yet created: wait',
      { status: 'CREATE IN_PROGRESS', fields: {} },
      { version: V2 },
      { type: 'outcome', outcome: { type: 'pending', status: 'CREATE IN_PROGRESS', arn: ARN } },
    ],
    [
      'create failed: fail with the reason',
      { status: 'CREATE FAILED', failureReason: 'no capacity', fields: {} },
      { version: V2 },
      { type: 'outcome', outcome: { type: 'failed', arn: ARN, reason: `c ${ARN} is CREATE FAILED: no capacity` } },
    ],
    [
      'as desired: done',
      live({ version: V2, tps: 1 }),
      { version: V2 },
      { type: 'outcome', outcome: { type: 'done', arn: ARN } },
    ],
    [
      'differs: update',
      live({ version: V1 }),
      { version: V2 },
      { type: 'update', differences: [`version: expected "${V2}", found "${V1}"`] },
    ],
    [
      'update in flight: wait',
      live({ version: V1 }, { status: 'CREATE PENDING', fields: { version: V2 } }),
      { version: V2 },
      { type: 'outcome', outcome: { type: 'pending', status: 'UPDATE IN_PROGRESS', arn: ARN } },
    ],
    [
      'update ACTIVE: its values are the effective ones',
      live({ version: V1, tps: 1 }, { status: 'ACTIVE', fields: { version: V2, tps: undefined } }),
      { version: V2, tps: 1 },
      { type: 'outcome', outcome: { type: 'done', arn: ARN } },
    ],
    [
      'update failed asking for what is desired: fail with its reason',
      live({ version: V1 }, { status: 'CREATE FAILED', failureReason: 'bad version', fields: { version: V2 } }),
      { version: V2 },
      {
        type: 'outcome',
        outcome: { type: 'failed', arn: ARN, reason: `c update of ${ARN} is CREATE FAILED: bad version` },
      },
    ],
    [
      'update failed asking for something else: compare with the live values',
      live({ version: V1 }, { status: 'CREATE FAILED', fields: { version: V2 } }),
      { version: V1 },
      { type: 'outcome', outcome: { type: 'done', arn: ARN } },
    ],
  ])('%s', (_case, deployed, desired, expected) => {
    expect(reconcile('c', ARN, deployed, desired)).toEqual(expected);
  });
});
