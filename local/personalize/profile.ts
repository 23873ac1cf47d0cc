/**
 * Latency profiles: how long each phase of each resource takes. `realistic`
 * reproduces the typical durations of PERSONALIZE.md; `instant` is for tests;
 * a speed factor scales any profile (realistic ×600: a 30-minute training takes 3 s).
 */

export type Phase =
  | 'datasetGroup'
  | 'dataset'
  | 'datasetImportJob'
  | 'eventTracker'
  | 'filter'
  | 'solution'
  | 'solutionVersion'
  | 'campaign'
  | 'campaignUpdate'
  | 'recommender'
  | 'recommenderUpdate'
  | 'recommenderStop'
  | 'recommenderStart'
  | 'batchInferenceJob'
  | 'batchSegmentJob'
  | 'stopSolutionVersion'
  | 'delete';

/** Milliseconds in the PENDING phase, then in the IN_PROGRESS phase. */
export type PhaseDurations = readonly [pending: number, inProgress: number];

export type LatencyProfile = Readonly<Record<Phase, PhaseDurations>>;

const S = 1000;
const MIN = 60 * S;

export const REALISTIC: LatencyProfile = {
  datasetGroup: [10 * S, 80 * S],
  dataset: [5 * S, 40 * S],
  datasetImportJob: [1 * MIN, 16 * MIN],
  eventTracker: [10 * S, 50 * S],
  filter: [30 * S, 150 * S],
  solution: [5 * S, 25 * S],
  solutionVersion: [2 * MIN, 28 * MIN],
  campaign: [1 * MIN, 14 * MIN],
  campaignUpdate: [1 * MIN, 14 * MIN],
  recommender: [1 * MIN, 19 * MIN],
  recommenderUpdate: [1 * MIN, 9 * MIN],
  recommenderStop: [30 * S, 90 * S],
  recommenderStart: [30 * S, 4 * MIN],
  batchInferenceJob: [1 * MIN, 19 * MIN],
  batchSegmentJob: [1 * MIN, 19 * MIN],
  stopSolutionVersion: [0, 30 * S],
  delete: [5 * S, 25 * S],
};

export const INSTANT: LatencyProfile = Object.fromEntries(
  Object.keys(REALISTIC).map((phase) => [phase, [0, 0]]),
) as unknown as LatencyProfile;

export const PROFILES = { realistic: REALISTIC, instant: INSTANT } as const;
export type ProfileName = keyof typeof PROFILES;

/** A profile with every duration divided by `speed` (speed 600: 10 minutes → 1 second). */
export function scaledProfile(profile: LatencyProfile, speed: number): LatencyProfile {
  if (!(speed > 0)) throw new RangeError(`speed must be a positive number, not ${speed}`);
  return Object.fromEntries(
    Object.entries(profile).map(([phase, [pending, inProgress]]) => [phase, [pending / speed, inProgress / speed]]),
  ) as unknown as LatencyProfile;
}
