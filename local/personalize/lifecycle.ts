import type { PhaseDurations } from './profile.js';

/**
 * Status as a function of time. A resource carries a timeline of statuses with
 * the time each begins; its status at any moment is read off the timeline, so
 * a restart resumes exactly where the clock says it is. The last step may wait
 * for real work (an import, a training): it is reached only when both its time
 * has come and the work has finished, and it becomes the failure status if the
 * work failed.
 */

export interface TimelineStep {
  readonly status: string;
  readonly at: number;
  /** The step also waits for the resource's work; on failure it becomes `failedStatus`. */
  readonly afterWork?: { readonly failedStatus: string };
}

export type WorkResult = { readonly ok: true } | { readonly ok: false; readonly failureReason: string };

export interface WorkState {
  readonly finishedAt?: number;
  readonly result?: WorkResult;
}

/** The status sentinel for a resource whose deletion has completed. */
export const GONE = '__GONE__';

/** Steps for `pending → inProgress → final`, starting at `start`. */
export function phases(
  start: number,
  [pending, inProgress]: PhaseDurations,
  statuses: readonly [string, string, string],
  afterWork?: { failedStatus: string },
): TimelineStep[] {
  return [
    { status: statuses[0], at: start },
    { status: statuses[1], at: start + pending },
    { status: statuses[2], at: start + pending + inProgress, ...(afterWork ? { afterWork } : {}) },
  ];
}

export interface StatusView {
  readonly status: string;
  /** When the current status began. */
  readonly since: number;
  readonly failureReason?: string;
}

/** The status of a timeline at `now`. Steps waiting for unfinished work are not reached. */
export function statusAt(timeline: readonly TimelineStep[], work: WorkState | undefined, now: number): StatusView {
  let view: StatusView = { status: timeline[0]?.status ?? 'UNKNOWN', since: timeline[0]?.at ?? now };
  for (const step of timeline) {
    if (step.afterWork) {
      const result = work?.result;
      if (!result || work?.finishedAt === undefined) break;
      const at = Math.max(step.at, work.finishedAt);
      if (at > now) break;
      view = result.ok
        ? { status: step.status, since: at }
        : { status: step.afterWork.failedStatus, since: at, failureReason: result.failureReason };
    } else {
      if (step.at > now) break;
      view = { status: step.status, since: step.at };
    }
  }
  return view;
}

/** When a timeline reaches its last step (undefined while it waits for unfinished work). */
export function settlesAt(timeline: readonly TimelineStep[], work: WorkState | undefined): number | undefined {
  const last = timeline.at(-1);
  if (!last) return undefined;
  if (!last.afterWork) return last.at;
  return work?.finishedAt === undefined ? undefined : Math.max(last.at, work.finishedAt);
}
