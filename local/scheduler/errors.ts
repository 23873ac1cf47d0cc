/**
 * Errors the emulator answers with, named, coded and shaped as EventBridge
 * Scheduler's (REST JSON): the HTTP status of the exception's `httpError`
 * trait, the name in `x-amzn-errortype`, and `{"Message": "..."}` as the body.
 */

export type SchedulerErrorType =
  | 'ValidationException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ServiceQuotaExceededException'
  | 'ThrottlingException'
  | 'InternalServerException'
  | 'UnknownOperationException';

/** HTTP statuses from the `httpError` traits of the Scheduler model (402 for quotas is AWS's choice, not a typo). */
const HTTP_STATUS: Readonly<Record<SchedulerErrorType, number>> = {
  ValidationException: 400,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
  UnknownOperationException: 404,
};

/** An error the API answers with; `type` is the exception name the SDK turns into its exception class. */
export class SchedulerApiError extends Error {
  override readonly name = 'SchedulerApiError';
  readonly httpStatus: number;

  constructor(
    readonly type: SchedulerErrorType,
    message: string,
  ) {
    super(message);
    this.httpStatus = HTTP_STATUS[type];
  }
}

/** Factories for the errors the operations throw, with AWS's messages for missing resources. */
export const validationError = (message: string) => new SchedulerApiError('ValidationException', message);
export const notFound = (message: string) => new SchedulerApiError('ResourceNotFoundException', message);
export const conflict = (message: string) => new SchedulerApiError('ConflictException', message);
export const quotaExceeded = (message: string) => new SchedulerApiError('ServiceQuotaExceededException', message);

export const scheduleNotFound = (name: string) => notFound(`Schedule ${name} does not exist.`);
export const groupNotFound = (name: string) => notFound(`Schedule group ${name} does not exist.`);
