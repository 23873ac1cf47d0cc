import { describe, expect, it } from 'vitest';
import { stateChangeEntry } from '../../../shared/notify/events.js';

describe('stateChangeEntry', () => {
  it('builds the deprecated solution’s event, byte for byte', () => {
    const arn = 'arn:aws:personalize:us-east-1:123456789012:campaign/c';
    expect(stateChangeEntry('campaign', arn, 'ACTIVE', 901_234.6, 'mpx-prod')).toEqual({
      Source: 'solutions.aws.personalize',
      DetailType: 'Personalize Campaign State Change',
      Detail: `{"Arn":"${arn}","Status":"ACTIVE","Duration":901235}`,
      EventBusName: 'mpx-prod',
      Resources: [arn],
    });
  });

  it.each([
    ['datasetImportJob', 'Personalize Dataset Import Job State Change'],
    ['solutionVersion', 'Personalize Solution Version State Change'],
    ['batchSegmentJob', 'Personalize Batch Segment Job State Change'],
  ])('names %s events %s', (kind, detailType) => {
    expect(stateChangeEntry(kind, 'arn', 'CREATING', 0, 'bus').DetailType).toBe(detailType);
  });

  it('refuses a kind it has no event for', () => {
    expect(() => stateChangeEntry('notify', 'arn', 'ACTIVE', 0, 'bus')).toThrow(RangeError);
  });
});
