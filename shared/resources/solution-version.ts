import {
  CreateSolutionVersionCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
  paginateListSolutionVersions,
  type Tag,
} from '@aws-sdk/client-personalize';
import { createdNow, doneWithNote, pending, type StepOutcome } from '../workflow/outcome.js';
import { type Dated, newest, trainingDecision } from './freshness.js';
import { outcomeOfStatus } from './status.js';

/**
 * Solution versions are the one resource whose duplicate costs hours of
 * training (ARCHITECTURE.md §5): CreateSolutionVersion is not idempotent by
 * name. So every training gets a deterministic `name` (from the run and the
 * solution), and before creating, the driver looks for a version of that name
 * among those created since the step's intent was recorded. A redelivered or
 * retried step therefore finds the version it already started instead of
 * training twice.
 */

export interface DesiredSolutionVersion {
  readonly solutionArn: string;
  /** Deterministic per training request, e.g. `solutionVersionName(runId, solution)`. */
  readonly name: string;
  readonly trainingMode: 'FULL' | 'UPDATE';
  readonly tags?: Tag[];
  /** Train even when nothing changed (a scheduled training). */
  readonly force?: boolean;
  readonly maxAgeSeconds?: number;
  /** The import jobs this version trains on, from this run's graph. */
  readonly trainedOn?: readonly string[];
}

/** A version name that is the same every time the same run trains the same solution (≤ 63 characters). */
export function solutionVersionName(runId: string, solutionName: string): string {
  const suffix = runId.replace(/[^a-zA-Z0-9]/g, '').slice(-12);
  return `${solutionName.slice(0, 63 - suffix.length - 1)}-${suffix}`;
}

/**
 * Finds the version named `desired.name` created at or after `intentAt`
 * (minus a small clock skew). When there is none, decides whether to train
 * (shared/resources/freshness.ts): a new version, or the latest ACTIVE one
 * re-used. An UPDATE training needs an ACTIVE version to update, so the first
 * training of a solution is FULL.
 * @throws SDK errors other than the ones that mean "not ready" (the caller classifies throttling).
 */
export async function ensureSolutionVersion(
  client: PersonalizeClient,
  desired: DesiredSolutionVersion,
  intentAt: Date,
): Promise<StepOutcome> {
  const since = intentAt.getTime() - 60_000;
  const active: Dated[] = [];
  for await (const page of paginateListSolutionVersions({ client }, { solutionArn: desired.solutionArn })) {
    for (const summary of page.solutionVersions ?? []) {
      if (!summary.solutionVersionArn) continue;
      if (summary.status === 'ACTIVE' && summary.creationDateTime)
        active.push({ arn: summary.solutionVersionArn, createdAt: summary.creationDateTime });
      if ((summary.creationDateTime?.getTime() ?? 0) < since) continue;
      const { solutionVersion } = await client.send(
        new DescribeSolutionVersionCommand({ solutionVersionArn: summary.solutionVersionArn }),
      );
      if (solutionVersion?.name === desired.name) {
        return outcomeOfStatus(
          'solution version',
          summary.solutionVersionArn,
          solutionVersion.status,
          solutionVersion.failureReason,
        );
      }
    }
  }
  const latestActive = newest(active);
  const importsCreatedAt: Date[] = [];
  for (const datasetImportJobArn of desired.trainedOn ?? []) {
    const { datasetImportJob } = await client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }));
    if (datasetImportJob?.creationDateTime) importsCreatedAt.push(datasetImportJob.creationDateTime);
  }
  const decision = trainingDecision({
    force: desired.force === true,
    latestActive,
    importsCreatedAt,
    now: intentAt,
    ...(desired.maxAgeSeconds === undefined ? {} : { maxAgeSeconds: desired.maxAgeSeconds }),
  });
  if (!decision.train) {
    return doneWithNote(decision.reuse.arn, 're-used: no new data since this version and it is within maxAge');
  }
  const { solutionVersionArn } = await client.send(
    new CreateSolutionVersionCommand({
      solutionArn: desired.solutionArn,
      name: desired.name,
      trainingMode: latestActive ? desired.trainingMode : 'FULL',
      ...(desired.tags && desired.tags.length > 0 ? { tags: desired.tags } : {}),
    }),
  );
  return createdNow(pending('CREATE PENDING', solutionVersionArn));
}
