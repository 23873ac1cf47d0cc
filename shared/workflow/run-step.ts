import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { stateChangeEntry } from '../notify/events.js';
import type { ResourceDesired, StepDesired } from '../resources/desired.js';
import { ensureStep } from '../resources/ensure.js';
import type { AccountScope } from '../resources/scope.js';
import type { ConfiguredSchedule } from '../schedules/from-config.js';
import { type ReconcileResult, ScheduleReconcileError } from '../schedules/reconcile.js';
import {
  claimPoll,
  endStep,
  isTerminal,
  readStep,
  recordIntent,
  recordProgress,
  type StateDeps,
  type StepRecord,
  unstartedDependents,
} from '../state/runs.js';
import type { FinishMessage, StepMessage } from './messages.js';
import { doneWithNote, failed, type StepOutcome } from './outcome.js';
import { pollDelayFor, type RunPolicy } from './policy.js';

/**
 * The step runner: one step message → ensure the step's resource once →
 * done (release dependents), pending (send the next poll with a delay) or
 * failed (skip dependents, keep independent branches going). Duplicate and
 * stale messages are dropped by the poll counter; a redelivery after a crash
 * (`retry`) redoes what the crashed attempt may have left undone.
 */

export interface Telemetry {
  /** An EMF count (legacy names: `<Resource>Created`, plus `Polls`). */
  count(name: string, value?: number): void;
}

export interface RunStepDeps {
  readonly state: StateDeps;
  readonly personalize: PersonalizeClient;
  readonly scope: AccountScope;
  readonly personalizeRoleArn: string;
  readonly eventBusName: string;
  /** Shrinks poll delays (1 on AWS; a time-scaled local cloud passes its speed-up). */
  readonly pollScale: number;
  /** The polling policy (benchmarks replay the original's with `reference`). */
  readonly policy?: RunPolicy;
  readonly sendSteps: (messages: readonly StepMessage[], delaySeconds?: number) => Promise<void>;
  readonly sendFinish: (message: FinishMessage) => Promise<void>;
  readonly putEvents: (entries: readonly PutEventsRequestEntry[]) => Promise<void>;
  readonly telemetry: Telemetry;
  /** Makes the dataset group's schedules match the file (shared/schedules/reconcile.ts). */
  readonly reconcileSchedules: (
    datasetGroup: string,
    configured: readonly ConfiguredSchedule[],
  ) => Promise<ReconcileResult>;
  /** What a schedules step reports as its ARN. */
  readonly scheduleGroupArn: string;
}

export type StepRunResult =
  | { readonly status: 'dropped'; readonly why: string }
  | { readonly status: 'done' | 'failed' | 'pending' | 'handed-to-finisher'; readonly step: string };

/** The id of the step that ends every run; its message goes to the finisher. */
export const NOTIFY_STEP = 'notify';

const pascal = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1);

async function sendReady(deps: RunStepDeps, runId: string, ready: readonly string[]): Promise<void> {
  if (ready.includes(NOTIFY_STEP)) await deps.sendFinish({ version: 1, runId });
  const steps = ready.filter((id) => id !== NOTIFY_STEP);
  if (steps.length > 0) await deps.sendSteps(steps.map((stepId) => ({ version: 1, runId, stepId, poll: 0 })));
}

/** Whether this delivery may run the step: a fresh claim, or the retry of a claim whose attempt failed. */
async function mayRun(deps: RunStepDeps, step: StepRecord, message: StepMessage, retry: boolean): Promise<boolean> {
  if (step.polls === message.poll) return claimPoll(deps.state, message.runId, message.stepId, message.poll);
  return retry && step.polls === message.poll + 1;
}

/** The schedules step: the group's schedules follow the file; a schedule mpx cannot make fails the step. */
async function ensureSchedules(deps: RunStepDeps, step: StepRecord): Promise<StepOutcome> {
  const desired = step.desired as Extract<StepDesired, { kind: 'schedules' }>;
  try {
    const result = await deps.reconcileSchedules(desired.datasetGroup, desired.schedules);
    const counts = (['created', 'updated', 'deleted', 'unchanged'] as const)
      .filter((key) => result[key].length > 0)
      .map((key) => `${key} ${result[key].join(', ')}`);
    return doneWithNote(deps.scheduleGroupArn, counts.length > 0 ? `schedules ${counts.join('; ')}` : 'no schedules');
  } catch (error) {
    if (error instanceof ScheduleReconcileError) return failed(error.message);
    throw error;
  }
}

async function ensure(deps: RunStepDeps, step: StepRecord, runId: string): Promise<StepOutcome> {
  if (step.kind === 'schedules') return ensureSchedules(deps, step);
  const intentAt = step.intentAt ? new Date(step.intentAt) : await recordIntent(deps.state, runId, step.stepId);
  return ensureStep(step.desired as ResourceDesired, {
    personalize: deps.personalize,
    scope: deps.scope,
    personalizeRoleArn: deps.personalizeRoleArn,
    inputs: step.inputs,
    intentAt,
    runId,
  });
}

async function stateChange(
  deps: RunStepDeps,
  step: StepRecord,
  arn: string,
  status: 'CREATING' | 'ACTIVE',
): Promise<void> {
  const started = step.startedAt ? Date.parse(step.startedAt) : deps.state.now().getTime();
  await deps.putEvents([
    stateChangeEntry(step.kind, arn, status, deps.state.now().getTime() - started, deps.eventBusName),
  ]);
}

/** Handles one steps-queue message. Throws on real faults (SQS retries, then the DLQ). */
export async function runStep(message: StepMessage, deps: RunStepDeps, retry: boolean): Promise<StepRunResult> {
  const { runId, stepId } = message;
  const step = await readStep(deps.state, runId, stepId);
  if (!step) return { status: 'dropped', why: 'no such step' };
  if (isTerminal(step.status)) {
    // A redelivery after a crash between ending the step and sending its dependents.
    if (!retry) return { status: 'dropped', why: `step already ${step.status}` };
    await endStep(
      deps.state,
      runId,
      stepId,
      step.failureReason ? { failureReason: step.failureReason } : { arn: step.arn ?? '' },
    );
    await sendReady(deps, runId, await unstartedDependents(deps.state, runId, stepId));
    return { status: 'dropped', why: `step already ${step.status}; dependents re-sent` };
  }
  if (step.status !== 'READY') return { status: 'dropped', why: `step is ${step.status}` };
  if (!(await mayRun(deps, step, message, retry))) return { status: 'dropped', why: 'duplicate or stale message' };
  if (stepId === NOTIFY_STEP) {
    await deps.sendFinish({ version: 1, runId });
    return { status: 'handed-to-finisher', step: stepId };
  }

  deps.telemetry.count('Polls');
  const outcome = await ensure(deps, step, runId);
  const label = `${step.kind} ${step.name}`;
  switch (outcome.type) {
    case 'pending': {
      await recordProgress(deps.state, runId, stepId, {
        lastStatus: outcome.status,
        ...(outcome.arn ? { arn: outcome.arn } : {}),
        ...(outcome.created ? { created: true } : {}),
        ...(outcome.note ? { note: outcome.note } : {}),
      });
      if (outcome.created && outcome.arn) {
        deps.telemetry.count(`${pascal(step.kind)}Created`);
        await stateChange(deps, step, outcome.arn, 'CREATING');
      }
      const delay = pollDelayFor(deps.policy ?? 'mpx', step.kind, message.poll, deps.pollScale);
      await deps.sendSteps([{ version: 1, runId, stepId, poll: message.poll + 1 }], delay);
      return { status: 'pending', step: label };
    }
    case 'done': {
      const ready = await endStep(deps.state, runId, stepId, { arn: outcome.arn });
      if (outcome.created || outcome.note) {
        await recordProgress(deps.state, runId, stepId, {
          lastStatus: 'ACTIVE',
          ...(outcome.created ? { created: true } : {}),
          ...(outcome.note ? { note: outcome.note } : {}),
        });
      }
      if (outcome.created) deps.telemetry.count(`${pascal(step.kind)}Created`);
      if (step.created || outcome.created) await stateChange(deps, step, outcome.arn, 'ACTIVE');
      await sendReady(deps, runId, ready);
      return { status: 'done', step: label };
    }
    case 'failed': {
      const ready = await endStep(deps.state, runId, stepId, {
        failureReason: outcome.reason,
        ...(outcome.arn ? { arn: outcome.arn } : {}),
      });
      await sendReady(deps, runId, ready);
      return { status: 'failed', step: label };
    }
  }
}
