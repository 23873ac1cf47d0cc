import type { StepKind } from '../../shared/workflow/plan.js';

/**
 * US East (N. Virginia) list prices, in dollars, for what a run uses, and the
 * two ways of paying for a run: mpx (Lambda + SQS + DynamoDB on demand +
 * Scheduler) and the deprecated solution (Step Functions Standard + Lambda).
 * Free tiers are ignored (a run's share of them is not its own).
 *
 * Prices as of 2025 (written 2026-11-28): Lambda, SQS, Scheduler and Step
 * Functions at the list prices the issue gives; DynamoDB on demand at the
 * prices in force since AWS halved them on 2024-11-01 ($0.625 / $0.125 per
 * million write / read units; the issue's $1.25 / $0.25 are the old ones).
 * Checked against public pricing summaries with the search tool, not against
 * AWS's own pricing pages from this machine: treat as unverified.
 */
export const PRICES = {
  asOf: '2025 list prices (DynamoDB on-demand after the 2024-11-01 cut), written 2026-11-28, unverified',
  region: 'us-east-1',
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm64: 0.0000133334,
  lambdaGbSecondX86: 0.0000166667,
  sqsRequest: 0.4 / 1e6,
  dynamodbWriteUnit: 0.625 / 1e6,
  dynamodbReadUnit: 0.125 / 1e6,
  schedulerInvocation: 1.0 / 1e6,
  stepFunctionsTransition: 0.025 / 1000,
} as const;

export interface MpxUsage {
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
  /** SQS requests as billed: every send, delete and receive that returned messages (batches count once). */
  readonly sqsRequests: number;
  readonly dynamodbReadUnits: number;
  readonly dynamodbWriteUnits: number;
  readonly schedulerInvocations: number;
}

export interface Cost {
  readonly items: Readonly<Record<string, number>>;
  readonly total: number;
}

const costOf = (items: Record<string, number>): Cost => ({
  items,
  total: Object.values(items).reduce((sum, v) => sum + v, 0),
});

/** What a run costs mpx (arm64 Lambda, as serverless.yml deploys it). */
export function priceMpx(usage: MpxUsage): Cost {
  return costOf({
    lambda: usage.lambdaInvocations * PRICES.lambdaRequest + usage.lambdaGbSeconds * PRICES.lambdaGbSecondArm64,
    sqs: usage.sqsRequests * PRICES.sqsRequest,
    dynamodb: usage.dynamodbReadUnits * PRICES.dynamodbReadUnit + usage.dynamodbWriteUnits * PRICES.dynamodbWriteUnit,
    scheduler: usage.schedulerInvocations * PRICES.schedulerInvocation,
  });
}

/**
 * How the deprecated solution's state machine would run the same steps
 * (its CDK fragments, source/infrastructure/personalize/step_functions/*.py,
 * v1.4.x): every resource is a Lambda task that throws ResourcePending until
 * the resource is ACTIVE, retried by Step Functions — each attempt is one
 * Lambda invocation and one state transition (retries are billed as
 * transitions). Around the tasks sit Pass, Choice, Map and Parallel states
 * and the scheduler fragments; their transitions per resource below are an
 * estimate read from those fragments, not a measurement.
 */
export const REFERENCE_ASSUMPTIONS = {
  /** Pass/Choice/Map/Parallel/scheduler states per resource, besides its task attempts. */
  structuralTransitions: {
    datasetGroup: 1,
    schema: 1,
    dataset: 2,
    datasetImportJob: 2,
    eventTracker: 2,
    filter: 2,
    solution: 4,
    solutionVersion: 9,
    campaign: 2,
    recommender: 2,
    batchInferenceJob: 5,
    batchSegmentJob: 5,
    schedules: 0,
    notify: 0,
  } satisfies Record<StepKind, number>,
  /** Per run: the outer Parallel, Prepare Input, the import schedule fragment, the solutions/recommenders Parallel and Choices, the success notification. */
  runTransitions: 12,
  /** Lambda tasks per run besides the resources' (Prepare Input, the notification, the schedule tasks). */
  runInvocations: 3,
  /** The original's Python 3.9 functions: CDK's default 128 MB on x86_64, ~250 ms per boto3 call + handler. */
  memoryMb: 128,
  billedMsPerInvocation: 250,
} as const;

export interface ReferenceUsage {
  readonly transitions: number;
  readonly lambdaInvocations: number;
  readonly lambdaGbSeconds: number;
}

/** The original's usage for steps that ran `polls` task attempts each (the same engine's reference-policy run). */
export function referenceUsage(
  steps: readonly { readonly kind: StepKind; readonly polls: number }[],
  runs = 1,
  assumptions = REFERENCE_ASSUMPTIONS,
): ReferenceUsage {
  const work = steps.filter((s) => s.kind !== 'notify' && s.kind !== 'schedules');
  const attempts = work.reduce((sum, s) => sum + Math.max(1, s.polls), 0);
  const structural = work.reduce((sum, s) => sum + assumptions.structuralTransitions[s.kind], 0);
  const invocations = attempts + runs * assumptions.runInvocations;
  return {
    transitions: attempts + structural + runs * assumptions.runTransitions,
    lambdaInvocations: invocations,
    lambdaGbSeconds: (invocations * assumptions.billedMsPerInvocation * assumptions.memoryMb) / 1024 / 1000,
  };
}

/** What a run costs the original: Step Functions Standard transitions + x86 Lambda. */
export function priceReference(usage: ReferenceUsage): Cost {
  return costOf({
    stepFunctions: usage.transitions * PRICES.stepFunctionsTransition,
    lambda: usage.lambdaInvocations * PRICES.lambdaRequest + usage.lambdaGbSeconds * PRICES.lambdaGbSecondX86,
  });
}

/** GB-seconds of `billedMs` milliseconds at `memoryMb`. */
export const gbSeconds = (billedMs: number, memoryMb: number): number => (billedMs / 1000) * (memoryMb / 1024);

/**
 * What an idle mpx stack pays every month whatever it runs: Lambda's SQS
 * pollers long-poll each queue with an event source mapping, and every
 * ReceiveMessage is billed, messages or not. AWS does not publish how many
 * connections an idle mapping keeps; 5 per queue, each a 20-second long poll,
 * is an assumption.
 */
export const IDLE_POLLING = { pollersPerQueue: 5, waitSeconds: 20, days: 30 } as const;

export function idlePollingPerMonth(
  queues: number,
  assumptions: { readonly pollersPerQueue: number; readonly waitSeconds: number; readonly days: number } = IDLE_POLLING,
): { readonly requests: number; readonly dollars: number } {
  const requests = (queues * assumptions.pollersPerQueue * assumptions.days * 86_400) / assumptions.waitSeconds;
  return { requests, dollars: requests * PRICES.sqsRequest };
}
