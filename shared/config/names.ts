import { MAX_NAME_LENGTH } from './schema.js';

/**
 * Names mpx generates for Personalize resources. The deprecated solution gave
 * every batch job of a solution the same name, input and output, so the second
 * job never ran (REFERENCE.md defect 8); each job now has its own base name.
 */

/** `_YYYY_MM_DD_HH_MM_SS`, the suffix of every generated job name (as the original's output folders). */
export const TIMESTAMP_SUFFIX_LENGTH = '_YYYY_MM_DD_HH_MM_SS'.length;
export const MAX_JOB_BASE_NAME_LENGTH = MAX_NAME_LENGTH - TIMESTAMP_SUFFIX_LENGTH;

/**
 * The base of a batch job's generated names: its `jobName` when set, otherwise
 * the solution name for the first job (as the original) and `<solution>-<n>` after.
 */
export function batchJobBaseName(solutionName: string, jobName: string | undefined, index: number): string {
  if (jobName !== undefined) return jobName;
  return index === 0 ? solutionName : `${solutionName}-${index + 1}`;
}

/** `<base>_YYYY_MM_DD_HH_MM_SS` in UTC. */
export function timestampedName(base: string, when: Date): string {
  const iso = when.toISOString();
  const stamp = `${iso.slice(0, 4)}_${iso.slice(5, 7)}_${iso.slice(8, 10)}_${iso.slice(11, 13)}_${iso.slice(14, 16)}_${iso.slice(17, 19)}`;
  return `${base}_${stamp}`;
}

const STAMPED = /_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}$/;

/**
 * The base of a generated job name (`up_weekly_2026_11_28_03_00_00` →
 * `up_weekly`), or undefined for a name mpx did not generate. Matching by
 * prefix would take `up_weekly_…` for a job of base `up`.
 */
export function jobBaseOf(jobName: string | undefined): string | undefined {
  if (!jobName || !STAMPED.test(jobName) || jobName.length <= TIMESTAMP_SUFFIX_LENGTH) return undefined;
  return jobName.slice(0, -TIMESTAMP_SUFFIX_LENGTH);
}
