import {
  CreateSolutionVersionCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
  paginateListSolutionVersions,
  type Tag,
} from '@aws-sdk/client-personalize';
import { createdNow, pending, type StepOutcome } from '../workflow/outcome.js';
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
}

/** A version name that is the same every time the same run trains the same solution (≤ 63 characters). */
export function solutionVersionName(runId: string, solutionName: string): string {
  const suffix = runId.replace(/[^a-zA-Z0-9]/g, '').slice(-12);
  return `${solutionName.slice(0, 63 - suffix.length - 1)}-${suffix}`;
}

/**
 * Finds the version named `desired.name` created at or after `intentAt`
 * (minus a small clock skew), or creates it. Resolves with the step outcome.
 * @throws SDK errors other than the ones that mean "not ready" (the caller classifies throttling).
 */
export async function ensureSolutionVersion(
  client: PersonalizeClient,
  desired: DesiredSolutionVersion,
  intentAt: Date,
): Promise<StepOutcome> {
  const since = intentAt.getTime() - 60_000;
  for await (const page of paginateListSolutionVersions({ client }, { solutionArn: desired.solutionArn })) {
    for (const summary of page.solutionVersions ?? []) {
      if (!summary.solutionVersionArn || (summary.creationDateTime?.getTime() ?? 0) < since) continue;
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
  const { solutionVersionArn } = await client.send(
    new CreateSolutionVersionCommand({
      solutionArn: desired.solutionArn,
      name: desired.name,
      trainingMode: desired.trainingMode,
      ...(desired.tags && desired.tags.length > 0 ? { tags: desired.tags } : {}),
    }),
  );
  return createdNow(pending('CREATE PENDING', solutionVersionArn));
}
