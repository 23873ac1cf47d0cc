import { describe, expect, it } from 'vitest';
import { outcomeOfStatus } from '../../../shared/resources/status.js';

const ARN = 'arn:aws:personalize:us-east-1:123456789012:campaign/c';

describe('outcomeOfStatus', () => {
  it.each([
    ['ACTIVE', undefined, { type: 'done', arn: ARN }],
    ['CREATE PENDING', undefined, { type: 'pending', status: 'CREATE PENDING', arn: ARN }],
    ['CREATE IN_PROGRESS', undefined, { type: 'pending', status: 'CREATE IN_PROGRESS', arn: ARN }],
    ['IN PROGRESS', undefined, { type: 'pending', status: 'IN PROGRESS', arn: ARN }],
    [
      'CREATE FAILED',
      'Insufficient training data',
      { type: 'failed', arn: ARN, reason: `campaign ${ARN} is CREATE FAILED: Insufficient training data` },
    ],
    [
      'CREATE FAILED',
      undefined,
      { type: 'failed', arn: ARN, reason: `campaign ${ARN} is CREATE FAILED: Personalize gave no reason` },
    ],
    [
      'CREATE STOPPED',
      undefined,
      { type: 'failed', arn: ARN, reason: `campaign ${ARN} is CREATE STOPPED: Personalize gave no reason` },
    ],
    ['INACTIVE', undefined, { type: 'failed', arn: ARN, reason: `campaign ${ARN} is INACTIVE: start it again` }],
    [
      'DELETE PENDING',
      undefined,
      { type: 'failed', arn: ARN, reason: `campaign ${ARN} is being deleted (DELETE PENDING)` },
    ],
    ['ACTIVE ', undefined, { type: 'failed', arn: ARN, reason: `campaign ${ARN} has an unknown status ACTIVE ` }],
  ])('%s → %j', (status, reason, outcome) => {
    expect(outcomeOfStatus('campaign', ARN, status, reason)).toEqual(outcome);
  });

  it('never treats INACTIVE as ACTIVE (the deprecated solution matched substrings)', () => {
    expect(outcomeOfStatus('recommender', ARN, 'INACTIVE', undefined).type).toBe('failed');
  });
});
