import type { StepKind } from './plan.js';

/**
 * When to look again at a resource that is not ready. The first look comes
 * near the resource's typical duration (PERSONALIZE.md), later ones back off
 * geometrically, capped at SQS's 15-minute maximum delay. There is no overall
 * budget: a training that takes ten hours is polled until it ends (the
 * deprecated solution failed such runs after ~5.2 h, REFERENCE.md defect 2).
 */

/** Typical seconds from create to ACTIVE. */
export const TYPICAL_SECONDS: Readonly<Record<StepKind, number>> = {
  datasetGroup: 90,
  schema: 1,
  dataset: 45,
  datasetImportJob: 17 * 60,
  eventTracker: 60,
  filter: 3 * 60,
  solution: 30,
  solutionVersion: 30 * 60,
  campaign: 15 * 60,
  recommender: 20 * 60,
  batchInferenceJob: 20 * 60,
  batchSegmentJob: 20 * 60,
  schedules: 1,
  notify: 1,
};

export const MAX_DELAY_SECONDS = 900;
export const MIN_DELAY_SECONDS = 5;
const GROWTH = 1.5;

/**
 * Seconds to wait before poll number `polls + 1` of a resource of `kind`.
 * `scale` shrinks every delay (a local cloud running Personalize 600× faster
 * passes 1/600); the result never exceeds 900 s.
 */
export function nextPollDelay(kind: StepKind, polls: number, scale = 1): number {
  const typical = TYPICAL_SECONDS[kind];
  const raw = polls === 0 ? typical * 0.8 : Math.max(typical / 8, 10) * GROWTH ** (polls - 1);
  const seconds = Math.min(MAX_DELAY_SECONDS, Math.max(MIN_DELAY_SECONDS, raw)) * scale;
  // SQS delays are whole seconds; never 0, so a scaled-down poll loop cannot spin.
  return Math.max(1, Math.round(seconds));
}
