import { describe, expect, it } from 'vitest';
import {
  gbSeconds,
  idlePollingPerMonth,
  PRICES,
  priceMpx,
  priceReference,
  REFERENCE_ASSUMPTIONS,
  referenceUsage,
} from '../../../bench/lib/pricing.js';

describe('prices', () => {
  it('are dated and in dollars per unit', () => {
    expect(PRICES.asOf).toMatch(/\d{4}/);
    expect(PRICES.stepFunctionsTransition * 1000).toBeCloseTo(0.025, 10);
    expect(PRICES.sqsRequest * 1e6).toBeCloseTo(0.4, 10);
    expect(PRICES.lambdaGbSecondArm64).toBe(0.0000133334);
  });
});

describe('an mpx run', () => {
  it('costs its Lambda requests and GB-s, SQS requests, DynamoDB units and Scheduler invocations', () => {
    const cost = priceMpx({
      lambdaInvocations: 1_000_000,
      lambdaGbSeconds: 1000,
      sqsRequests: 1_000_000,
      dynamodbReadUnits: 1_000_000,
      dynamodbWriteUnits: 1_000_000,
      schedulerInvocations: 1_000_000,
    });
    expect(cost.items.lambda).toBeCloseTo(0.2 + 0.0133334, 9);
    expect(cost.items.sqs).toBeCloseTo(0.4, 9);
    expect(cost.items.dynamodb).toBeCloseTo(0.125 + 0.625, 9);
    expect(cost.items.scheduler).toBeCloseTo(1, 9);
    expect(cost.total).toBeCloseTo(0.2133334 + 0.4 + 0.75 + 1, 9);
  });

  it('bills 512 MB for 1 s as half a GB-s', () => {
    expect(gbSeconds(1000, 512)).toBe(0.5);
  });
});

describe('the same steps run by the original', () => {
  it('make one Lambda invocation and one transition per task attempt, plus the states around them', () => {
    const usage = referenceUsage([
      { kind: 'datasetGroup', polls: 3 },
      { kind: 'solutionVersion', polls: 30 },
      { kind: 'notify', polls: 0 },
    ]);
    const structural =
      REFERENCE_ASSUMPTIONS.structuralTransitions.datasetGroup +
      REFERENCE_ASSUMPTIONS.structuralTransitions.solutionVersion;
    expect(usage.transitions).toBe(33 + structural + REFERENCE_ASSUMPTIONS.runTransitions);
    expect(usage.lambdaInvocations).toBe(33 + REFERENCE_ASSUMPTIONS.runInvocations);
    const cost = priceReference(usage);
    expect(cost.items.stepFunctions).toBeCloseTo(usage.transitions * 0.000025, 12);
    expect(cost.total).toBeGreaterThan(cost.items.stepFunctions ?? 0);
  });

  it('counts a step that never polled as one attempt', () => {
    expect(referenceUsage([{ kind: 'schema', polls: 0 }]).lambdaInvocations).toBe(
      1 + REFERENCE_ASSUMPTIONS.runInvocations,
    );
  });
});

describe('an idle mpx stack', () => {
  it('pays for its pollers’ empty receives: 4 queues × 5 pollers × 3 a minute ≈ 2.6 M requests, ≈ $1.04 a month', () => {
    const idle = idlePollingPerMonth(4);
    expect(idle.requests).toBe(4 * 5 * 3 * 60 * 24 * 30);
    expect(idle.dollars).toBeCloseTo(1.0368, 4);
  });
});
