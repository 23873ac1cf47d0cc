/**
 * What Personalize's exceptions mean to a step, decided by exception name here
 * and nowhere else (STYLE.md §7). The SDK already retried transient faults by
 * the time an error reaches a driver, so what is left is either a wait (the
 * step re-polls), a rejected request (the step fails with Personalize's
 * message) or a real fault (the message is retried through SQS, then the DLQ).
 */

/** The exception name of an SDK error (`ResourceNotFoundException`…), or undefined. */
export const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * Personalize reports its cap on concurrent jobs and trainings ("More than 5
 * resources with PENDING or IN_PROGRESS status.") as LimitExceededException,
 * the same name it uses for request rates: both clear up by waiting.
 */
const WAITS = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException']);

/** Whether the error means "try again later" rather than "this cannot work". */
export const isRetryableWait = (error: unknown): boolean => WAITS.has(errorName(error) ?? '');

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
