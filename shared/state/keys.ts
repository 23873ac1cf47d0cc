/**
 * Keys of the single DynamoDB table (ARCHITECTURE.md §4), built by named
 * functions only — never by string concatenation in handlers.
 */

export const runKey = (runId: string) => ({ pk: `RUN#${runId}`, sk: 'RUN' });
export const stepKey = (runId: string, stepId: string) => ({ pk: `RUN#${runId}`, sk: `STEP#${stepId}` });
export const intentKey = (runId: string, stepId: string) => ({ pk: `RUN#${runId}`, sk: `INTENT#${stepId}` });
export const lockKey = (datasetGroup: string) => ({ pk: `DSG#${datasetGroup}`, sk: 'LOCK' });
export const requestKey = (idempotencyKey: string) => ({ pk: `REQ#${idempotencyKey}`, sk: 'REQ' });

/** The GSI that lists a dataset group's runs, newest last by sort key. */
export const runsByGroupKey = (datasetGroup: string, startedAt: string, runId: string) => ({
  gsi1pk: `DSG#${datasetGroup}`,
  gsi1sk: `${startedAt}#${runId}`,
});

export const STEP_PREFIX = 'STEP#';
export const stepIdOf = (sk: string): string => sk.slice(STEP_PREFIX.length);

/** Items that are not needed forever expire (TTL attribute `expiresAt`, epoch seconds). */
export const RUN_RETENTION_SECONDS = 90 * 86_400;
export const expiresAt = (now: Date, seconds = RUN_RETENTION_SECONDS): number =>
  Math.floor(now.getTime() / 1000) + seconds;
