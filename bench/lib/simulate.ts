import type { LatencyProfile } from '../../local/personalize/profile.js';
import type { PlannedStep, RunPlan, StepKind } from '../../shared/workflow/plan.js';
import { pollDelayFor, type RunPolicy } from '../../shared/workflow/policy.js';
import { stepSeconds, topologicalOrder } from './critical-path.js';

/**
 * A model of the step runner (shared/workflow/run-step.ts) with no
 * orchestration overhead: each step runs when its last dependency is done;
 * its first run creates the resource (or, when Personalize's cap on
 * concurrent jobs is reached, is throttled), every later run describes it,
 * with the policy's delays between runs; the step is done at the first run
 * that finds the resource ACTIVE. Delays are whole seconds at the policy's
 * `pollScale`, exactly as the functions compute them, so the model shows
 * both what the policy costs on AWS (pollScale 1) and what rounding to whole
 * seconds costs a time-scaled local cloud. Times are AWS seconds.
 */

/** Personalize's caps on resources PENDING or IN_PROGRESS at once, per account (local/personalize/context.ts). */
export interface ConcurrencyCaps {
  readonly datasetImportJob: number;
  readonly solutionVersion: number;
  readonly batchInferenceJob: number;
  readonly batchSegmentJob: number;
}

export const DEFAULT_CAPS: ConcurrencyCaps = {
  datasetImportJob: 5,
  solutionVersion: 20,
  batchInferenceJob: 5,
  batchSegmentJob: 5,
};

const capOf = (kind: StepKind, caps: ConcurrencyCaps): number | undefined =>
  kind in caps ? caps[kind as keyof ConcurrencyCaps] : undefined;

/** Steps that create nothing in Personalize: done the first time they run. */
const IMMEDIATE = new Set<StepKind>(['schedules', 'notify']);

export interface SimulatedStep {
  readonly run: number;
  readonly id: string;
  readonly kind: StepKind;
  /** First run of the step (AWS seconds from the start). */
  readonly start: number;
  /** The run that found the resource ACTIVE. */
  readonly end: number;
  /** Runs of the step, the first (create) included. */
  readonly polls: number;
  /** Runs Personalize's concurrency cap turned away. */
  readonly throttled: number;
}

export interface Simulation {
  /** Per run: the time its last step was done. */
  readonly makespans: readonly number[];
  readonly makespan: number;
  readonly steps: readonly SimulatedStep[];
}

export interface SimulationOptions {
  readonly profile: LatencyProfile;
  readonly policy: RunPolicy;
  /** MPX_POLL_SCALE of the functions (1 on AWS; 1/speed on a time-scaled local cloud). */
  readonly pollScale: number;
  readonly caps?: ConcurrencyCaps;
}

type Event = { readonly at: number; readonly seq: number; readonly run: number; readonly id: string };

/** A binary min-heap of events by time, then by the order they were scheduled. */
class EventQueue {
  private readonly heap: Event[] = [];
  private seq = 0;

  push(at: number, run: number, id: string): void {
    const heap = this.heap;
    heap.push({ at, seq: this.seq++, run, id });
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Event, heap[parent] as Event)) break;
      [heap[i], heap[parent]] = [heap[parent] as Event, heap[i] as Event];
      i = parent;
    }
  }

  pop(): Event | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l] as Event, heap[m] as Event)) m = l;
        if (r < heap.length && before(heap[r] as Event, heap[m] as Event)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as Event, heap[i] as Event];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Event, b: Event) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

interface StepState {
  readonly step: PlannedStep;
  open: number;
  polls: number;
  throttled: number;
  start?: number;
  /** When the resource becomes ACTIVE, once created. */
  activeAt?: number;
  end?: number;
}

/**
 * Simulates `plans` (one run each, of different dataset groups, all started
 * at time 0) sharing one account's concurrency caps.
 * @throws when a run cannot finish (a cycle, or a cap of 0).
 */
export function simulateRuns(plans: readonly RunPlan[], options: SimulationOptions): Simulation {
  const caps = options.caps ?? DEFAULT_CAPS;
  const queue = new EventQueue();
  const runs = plans.map((plan) => {
    const states = new Map<string, StepState>(
      topologicalOrder(plan).map((step) => [step.id, { step, open: step.dependsOn.length, polls: 0, throttled: 0 }]),
    );
    const dependents = new Map<string, string[]>();
    for (const step of plan.steps)
      for (const d of step.dependsOn) dependents.set(d, [...(dependents.get(d) ?? []), step.id]);
    return { states, dependents };
  });
  runs.forEach((run, index) => {
    for (const state of run.states.values()) if (state.open === 0) queue.push(0, index, state.step.id);
  });
  // Resources holding a slot of a capped kind, with when they release it.
  const busy = new Map<StepKind, number[]>();
  const holding = (kind: StepKind, now: number) => {
    const ends = (busy.get(kind) ?? []).filter((end) => end > now);
    busy.set(kind, ends);
    return ends.length;
  };

  for (let event = queue.pop(); event; event = queue.pop()) {
    const now = event.at;
    const run = runs[event.run];
    const state = run?.states.get(event.id);
    if (!run || !state || state.end !== undefined) continue;
    const { kind } = state.step;
    state.start ??= now;
    const poll = state.polls;
    state.polls += 1;
    let done = IMMEDIATE.has(kind);
    if (!done && state.activeAt === undefined) {
      const cap = capOf(kind, caps);
      if (cap !== undefined && holding(kind, now) >= cap) {
        state.throttled += 1;
      } else {
        state.activeAt = now + stepSeconds(kind, options.profile);
        if (cap !== undefined) busy.get(kind)?.push(state.activeAt);
      }
    } else if (!done && state.activeAt !== undefined && poll > 0) {
      done = now >= state.activeAt;
    }
    if (!done) {
      const delay = pollDelayFor(options.policy, kind, poll, options.pollScale) / options.pollScale;
      queue.push(now + delay, event.run, event.id);
      continue;
    }
    state.end = now;
    for (const id of run.dependents.get(event.id) ?? []) {
      const dependent = run.states.get(id);
      if (!dependent) continue;
      dependent.open -= 1;
      if (dependent.open === 0) queue.push(now, event.run, id);
    }
  }

  const steps: SimulatedStep[] = [];
  const makespans = runs.map((run, index) => {
    let last = 0;
    for (const state of run.states.values()) {
      if (state.end === undefined || state.start === undefined)
        throw new Error(`step ${state.step.id} of run ${index} never finished`);
      last = Math.max(last, state.end);
      steps.push({
        run: index,
        id: state.step.id,
        kind: state.step.kind,
        start: state.start,
        end: state.end,
        polls: state.polls,
        throttled: state.throttled,
      });
    }
    return last;
  });
  return { makespans, makespan: Math.max(0, ...makespans), steps };
}

/**
 * How many times a resource that takes `seconds` to become ACTIVE is
 * described under `policy`: every run of its step after the one that created
 * it describes it once, until one finds it ACTIVE.
 */
export function describesFor(policy: RunPolicy, kind: StepKind, seconds: number, pollScale = 1): number {
  let elapsed = 0;
  let describes = 0;
  for (let poll = 0; describes === 0 || elapsed < seconds; poll += 1) {
    elapsed += pollDelayFor(policy, kind, poll, pollScale) / pollScale;
    describes += 1;
    if (describes > 100_000) throw new Error(`${policy} never finds a ${seconds} s ${kind} ACTIVE`);
  }
  return describes;
}
