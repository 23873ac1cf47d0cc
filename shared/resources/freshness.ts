/**
 * When a run re-uses what Personalize already has instead of making it again
 * (REFERENCE.md "maxAge", defect 16). Pure rules; the drivers gather the facts.
 *
 * - An import is redone only when its data changed: an ACTIVE import of this
 *   dataset (by mpx, so named `<base>_<timestamp>`) created after the data was
 *   last written is re-used.
 * - A solution trains when a schedule asks for it, when it has no ACTIVE
 *   version, when one of the imports it trains on is newer than its latest
 *   ACTIVE version, or when that version is older than the solution's maxAge.
 * - A batch job runs when a schedule asks for it, or when no ACTIVE job of the
 *   same base name exists on the solution version in use (younger than maxAge).
 */

export interface Dated {
  readonly arn: string;
  readonly createdAt: Date;
}

/** The newest of `items` (by creation), if any. */
export function newest<T extends Dated>(items: readonly T[]): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (!best || item.createdAt > best.createdAt ? item : best),
    undefined,
  );
}

/** The ACTIVE import to re-use, or undefined when the data is newer than every ACTIVE import (or its age is unknown). */
export function reusableImport(activeImports: readonly Dated[], dataModifiedAt: Date | undefined): Dated | undefined {
  const latest = newest(activeImports);
  if (!latest || dataModifiedAt === undefined) return undefined;
  return latest.createdAt >= dataModifiedAt ? latest : undefined;
}

export type TrainingDecision =
  | { readonly train: true; readonly why: string }
  | { readonly train: false; readonly reuse: Dated };

export interface TrainingFacts {
  readonly force: boolean;
  readonly latestActive: Dated | undefined;
  /** Creation times of the imports the version trains on (in this run's graph). */
  readonly importsCreatedAt: readonly Date[];
  readonly maxAgeSeconds?: number;
  readonly now: Date;
}

export function trainingDecision(facts: TrainingFacts): TrainingDecision {
  const { latestActive } = facts;
  if (facts.force) return { train: true, why: 'a schedule asked for a training' };
  if (!latestActive) return { train: true, why: 'the solution has no ACTIVE version' };
  if (facts.importsCreatedAt.some((at) => at > latestActive.createdAt))
    return { train: true, why: 'new data was imported since the latest version' };
  if (
    facts.maxAgeSeconds !== undefined &&
    facts.now.getTime() - latestActive.createdAt.getTime() > facts.maxAgeSeconds * 1000
  )
    return { train: true, why: 'the latest version is older than maxAge' };
  return { train: false, reuse: latestActive };
}

/** The ACTIVE batch job to re-use instead of running a new one, if any. */
export function reusableBatchJob(
  activeJobs: readonly Dated[],
  options: { readonly force: boolean; readonly maxAgeSeconds?: number; readonly now: Date },
): Dated | undefined {
  if (options.force) return undefined;
  const latest = newest(activeJobs);
  if (!latest) return undefined;
  const { maxAgeSeconds } = options;
  if (maxAgeSeconds !== undefined && options.now.getTime() - latest.createdAt.getTime() > maxAgeSeconds * 1000)
    return undefined;
  return latest;
}
