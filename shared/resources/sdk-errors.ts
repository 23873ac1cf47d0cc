/**
 * What Personalize's exceptions mean to a step, decided by exception name here
 * and nowhere else (STYLE.md §7). The SDK already retried transient faults by
 * the time an error reaches a driver, so what is left is either a wait (the
 * step re-polls), a rejected request (the step fails with Personalize's
 * message) or a real fault (the message is retried through SQS, then the DLQ).
 */

/** The exception name of an SDK error (`ResourceNotFoundException`…), or undefined. */
export const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/** Request-rate limits: they clear up by waiting. */
const RATE_LIMITS = new Set(['ThrottlingException', 'TooManyRequestsException']);

/**
 * Personalize uses LimitExceededException for two different things: its cap
 * on concurrent jobs and trainings ("More than 5 resources with PENDING or
 * IN_PROGRESS status."), which clears up by waiting, and account quotas on
 * how many resources may exist (dataset groups, solutions, campaigns…), which
 * waiting never clears — those must fail the step with Personalize's message,
 * or the run would poll forever and hold its dataset group's lock.
 */
export const isConcurrencyCap = (error: unknown): boolean =>
  errorName(error) === 'LimitExceededException' &&
  error instanceof Error &&
  /PENDING|IN_PROGRESS|IN PROGRESS|in progress|concurrent/.test(error.message);

/** An account quota on how many resources may exist: retrying cannot help. */
export const isQuotaReached = (error: unknown): boolean =>
  errorName(error) === 'LimitExceededException' && !isConcurrencyCap(error);

/** Whether the error means "try again later" rather than "this cannot work". */
export const isRetryableWait = (error: unknown): boolean =>
  RATE_LIMITS.has(errorName(error) ?? '') || isConcurrencyCap(error);

export const isNotFound = (error: unknown): boolean => errorName(error) === 'ResourceNotFoundException';

/** Another delivery of the same step created the resource first. */
export const isAlreadyExists = (error: unknown): boolean => errorName(error) === 'ResourceAlreadyExistsException';

/** An update is already running (another delivery of the same step started it). */
export const isInUse = (error: unknown): boolean => errorName(error) === 'ResourceInUseException';

/**
 * A create or update Personalize refused as invalid: retrying the same request
 * cannot succeed, so the step fails with Personalize's message instead of
 * ending in the DLQ with no word to the user (REFERENCE.md defect 1).
 */
export class RequestRejectedError extends Error {
  override readonly name = 'RequestRejectedError';

  constructor(label: string, resourceName: string, cause: Error) {
    super(`${label} ${resourceName}: ${cause.message}`, { cause });
  }
}

/**
 * Sends a create or update request.
 * @throws RequestRejectedError for InvalidInputException; every other error unchanged.
 */
export async function rejectable<T>(label: string, resourceName: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof Error && errorName(error) === 'InvalidInputException') {
      throw new RequestRejectedError(label, resourceName, error);
    }
    throw error;
  }
}
