import { done, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { drift } from './named.js';
import { outcomeOfStatus } from './status.js';

/**
 * Campaigns and recommenders change in place: Personalize runs an update
 * beside the live resource and reports it as `latest…Update`. Whether the step
 * waits, fails, is done or must start an update is decided here, without I/O.
 */

interface Fields {
  readonly status?: string;
  readonly failureReason?: string;
  /** As Personalize reports them, flattened with `leaves`. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface Deployed extends Fields {
  readonly latestUpdate?: Fields;
}

export type Reconciliation =
  | { readonly type: 'outcome'; readonly outcome: StepOutcome }
  | { readonly type: 'update'; readonly differences: readonly string[] };

const outcome = (value: StepOutcome): Reconciliation => ({ type: 'outcome', outcome: value });

const defined = (fields: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/**
 * `desired` holds only the (flattened) fields the user set. A failed update
 * fails the step only when it asked for what is desired now: the update never
 * applied, so a later run that wants something else (a retrained version)
 * compares with the live values and tries again instead of failing forever.
 */
export function reconcile(
  label: string,
  arn: string,
  deployed: Deployed,
  desired: Readonly<Record<string, unknown>>,
): Reconciliation {
  const created = outcomeOfStatus(label, arn, deployed.status, deployed.failureReason);
  if (created.type !== 'done') return outcome(created);
  let effective: Readonly<Record<string, unknown>> = deployed.fields;
  const update = deployed.latestUpdate;
  if (update) {
    // What the resource looks like once the update applies (a summary may leave out what it did not change).
    const target = { ...deployed.fields, ...defined(update.fields) };
    const updated = outcomeOfStatus(`${label} update of`, arn, update.status, update.failureReason);
    if (updated.type === 'pending') return outcome(pending('UPDATE IN_PROGRESS', arn));
    if (updated.type === 'failed' && drift(desired, target).length === 0) return outcome(failed(updated.reason, arn));
    if (updated.type === 'done') effective = target;
  }
  const differences = drift(desired, effective);
  return differences.length === 0 ? outcome(done(arn)) : { type: 'update', differences };
}
