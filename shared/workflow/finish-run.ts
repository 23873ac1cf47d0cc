import { GetSolutionMetricsCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { runNotification, type StepReport } from '../notify/sns-message.js';
import { isHeldPromotion } from '../resources/campaign.js';
import type { AccountScope } from '../resources/scope.js';
import { lockHolder, releaseLock } from '../state/lock.js';
import {
  claimNotification,
  endStep,
  finishRun,
  markNotified,
  markSuperseded,
  type RunRecord,
  readRun,
  type StateDeps,
  type StepRecord,
} from '../state/runs.js';
import type { FinishMessage, RunRequestMessage } from './messages.js';
import { NOTIFY_STEP } from './run-step.js';

/**
 * The finisher: once every step of a run has ended, the run is SUCCEEDED or
 * FAILED, one notification goes out (legacy structure plus every step, every
 * failure with Personalize's reason, the new versions' offline metrics), the
 * dataset group's lock passes to the next waiting run, and that run resumes.
 */

export interface FinishRunDeps {
  readonly state: StateDeps;
  readonly personalize: PersonalizeClient;
  readonly sns: SNSClient;
  readonly topicArn: string;
  readonly scope: AccountScope;
  readonly sendRunRequest: (message: RunRequestMessage) => Promise<void>;
  /** `failures`: a scheduled run that succeeded sends no notification (REFERENCE.md defect 20). */
  readonly notifyOn: 'all' | 'failures';
  /** EMF: JobSuccess / JobFailure, RunDurationSeconds, and each new version's offline metrics by solutionArn. */
  readonly metric: (
    name: string,
    value: number,
    unit: 'Count' | 'Seconds' | 'None',
    dimensions?: Record<string, string>,
  ) => void;
}

/**
 * Whether a finished run sends its notification: always, except a scheduled
 * run that succeeded when the stack notifies on failures only (the original
 * e-mailed every scheduled run, REFERENCE.md defect 20). Uploads always do:
 * whoever uploaded is waiting for the answer; so does a run whose promotion
 * gate held a new version back: someone must decide about that model.
 */
export function notifies(
  notifyOn: 'all' | 'failures',
  status: 'SUCCEEDED' | 'FAILED',
  trigger: string,
  heldPromotion = false,
): boolean {
  return heldPromotion || !(notifyOn === 'failures' && status === 'SUCCEEDED' && trigger.startsWith('schedule '));
}

/** How long a delivery may take to send a notification before another may (below the queues' 360 s visibility). */
export const NOTIFY_LEASE_SECONDS = 300;

export type FinishOutcome =
  | { readonly status: 'dropped'; readonly why: string }
  | { readonly status: 'SUCCEEDED' | 'FAILED'; readonly runId: string; readonly notified: boolean };

const REPORTED: Readonly<Record<string, StepReport['status']>> = {
  DONE: 'SUCCEEDED',
  FAILED: 'FAILED',
  SKIPPED: 'SKIPPED',
};

/** `arn:…:solution/<name>/<version id>` → `arn:…:solution/<name>`. */
export const solutionOfVersion = (versionArn: string): string => versionArn.slice(0, versionArn.lastIndexOf('/'));

export function stepReports(steps: readonly StepRecord[]): StepReport[] {
  return steps
    .filter((s) => s.stepId !== NOTIFY_STEP)
    .map((s) => {
      const reason = s.failureReason ?? (s.status === 'SKIPPED' ? `skipped: ${s.skipReason}` : undefined);
      return {
        kind: s.kind,
        name: s.name,
        status: REPORTED[s.status] ?? 'FAILED',
        ...(s.arn ? { arn: s.arn } : {}),
        ...(reason ? { reason } : {}),
        ...(s.note ? { note: s.note } : {}),
      };
    });
}

/** Offline metrics of the solution versions this run trained, by version ARN. */
async function newVersionMetrics(
  personalize: PersonalizeClient,
  steps: readonly StepRecord[],
): Promise<Record<string, Record<string, number>>> {
  const metrics: Record<string, Record<string, number>> = {};
  for (const step of steps) {
    // A re-used version carries a note saying so; every other DONE version was trained by this run.
    if (step.kind !== 'solutionVersion' || step.status !== 'DONE' || !step.arn || (!step.created && step.note))
      continue;
    const { metrics: values } = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: step.arn }));
    if (values) metrics[step.arn] = values;
  }
  return metrics;
}

/**
 * Reports a finished run once: the notification (unless the run is quiet) and
 * its metrics — also for quiet runs, so the dashboard sees every scheduled
 * retraining. Offline metrics go out by solutionArn, as the original's did.
 */
async function report(
  deps: FinishRunDeps,
  run: RunRecord,
  steps: readonly StepRecord[],
  status: 'SUCCEEDED' | 'FAILED',
  loud: boolean,
): Promise<void> {
  const metrics = await newVersionMetrics(deps.personalize, steps);
  if (loud) {
    const notification = runNotification({
      runId: run.runId,
      datasetGroup: run.datasetGroup,
      trigger: run.trigger,
      region: deps.scope.region,
      account: deps.scope.account,
      steps: stepReports(steps),
      ...(Object.keys(metrics).length > 0 ? { metrics } : {}),
    });
    await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...notification }));
  }
  await markNotified(deps.state, run.runId);
  deps.metric(status === 'SUCCEEDED' ? 'JobSuccess' : 'JobFailure', 1, 'Count');
  deps.metric('RunDurationSeconds', (deps.state.now().getTime() - Date.parse(run.startedAt)) / 1000, 'Seconds');
  for (const [arn, values] of Object.entries(metrics))
    for (const [name, value] of Object.entries(values))
      deps.metric(name, value, 'None', { solutionArn: solutionOfVersion(arn) });
}

/**
 * Handles one finish-queue message. The run moves to its final status with a
 * conditional write; the notification is claimed with a lease, so of any
 * concurrent deliveries (first or retried) one notifies, and a redelivery
 * after a crash notifies once the crashed attempt's lease has lapsed.
 * @throws on I/O failures (the message is retried).
 */
export async function finishRunMessage(message: FinishMessage, deps: FinishRunDeps): Promise<FinishOutcome> {
  const found = await readRun(deps.state, message.runId);
  if (!found) return { status: 'dropped', why: 'no such run' };
  const { run, steps } = found;
  const work = steps.filter((s) => s.stepId !== NOTIFY_STEP);
  if (work.some((s) => !['DONE', 'FAILED', 'SKIPPED'].includes(s.status)))
    return { status: 'dropped', why: 'steps still open' };
  const status = work.every((s) => s.status === 'DONE') ? 'SUCCEEDED' : 'FAILED';

  // The state is final before anyone hears of it: a reader of the notification finds the run settled.
  await finishRun(deps.state, run.runId, status);
  await endStep(deps.state, run.runId, NOTIFY_STEP, { arn: deps.topicArn });
  const held = steps.some((s) => s.kind === 'campaign' && isHeldPromotion(s.note));
  const loud = notifies(deps.notifyOn, status, run.trigger, held);
  let notified = false;
  if (await claimNotification(deps.state, run.runId, NOTIFY_LEASE_SECONDS)) {
    await report(deps, run, steps, status, loud);
    notified = loud;
  }
  await releaseLock(deps.state, run.datasetGroup, run.runId, async (superseded) => {
    for (const { runId, by } of superseded) await markSuperseded(deps.state, runId, by);
  });
  // Whoever holds the lock now and has not started, starts (also after a crash right after the release).
  const holder = await lockHolder(deps.state, run.datasetGroup);
  if (holder && holder !== run.runId) {
    const next = await readRun(deps.state, holder);
    if (next?.run.status === 'QUEUED') await deps.sendRunRequest({ version: 1, type: 'resume', runId: holder });
  }
  return { status, runId: run.runId, notified };
}
