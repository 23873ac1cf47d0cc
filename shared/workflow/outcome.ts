/**
 * How a step ends each time it runs: its resource is ready (`done`), not ready
 * yet (`pending`: the step runner re-polls through an SQS delay, never by
 * throwing), or failed for good with Personalize's reason. Exceptions are for
 * real faults only, so a DLQ keeps its meaning (STYLE.md §5). `created` marks
 * the call that created or updated the resource (metrics, state-change events,
 * the run report).
 */
export type StepOutcome =
  | { readonly type: 'done'; readonly arn: string; readonly created?: true; readonly note?: string }
  | {
      readonly type: 'pending';
      readonly arn?: string;
      readonly status: string;
      readonly created?: true;
      readonly note?: string;
    }
  | { readonly type: 'failed'; readonly arn?: string; readonly reason: string };

export const done = (arn: string): StepOutcome => ({ type: 'done', arn });

/** Done, with something the run report must say (a re-used version, a held promotion). */
export const doneWithNote = (arn: string, note: string): StepOutcome => ({ type: 'done', arn, note });
export const pending = (status: string, arn?: string): StepOutcome => ({
  type: 'pending',
  status,
  ...(arn ? { arn } : {}),
});
export const failed = (reason: string, arn?: string): StepOutcome => ({
  type: 'failed',
  reason,
  ...(arn ? { arn } : {}),
});

/** The outcome of the call that created (or updated) the resource. */
export const createdNow = (outcome: StepOutcome): StepOutcome =>
  outcome.type === 'failed' ? outcome : { ...outcome, created: true };
