/**
 * Errors the emulator answers with, named and shaped as Personalize's: HTTP 400
 * with `{"__type": "<ExceptionName>", "message": "..."}` (AWS JSON 1.1).
 */

export type PersonalizeErrorType =
  | 'InvalidInputException'
  | 'InvalidNextTokenException'
  | 'LimitExceededException'
  | 'ResourceAlreadyExistsException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'TooManyTagsException'
  | 'TooManyTagKeysException'
  | 'ThrottlingException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';

export class PersonalizeApiError extends Error {
  override readonly name = 'PersonalizeApiError';

  constructor(
    readonly type: PersonalizeErrorType,
    message: string,
    readonly httpStatus = type === 'InternalFailure' ? 500 : 400,
  ) {
    super(message);
  }
}

export const invalidInput = (message: string) => new PersonalizeApiError('InvalidInputException', message);
export const notFound = (message: string) => new PersonalizeApiError('ResourceNotFoundException', message);
export const alreadyExists = (message: string) => new PersonalizeApiError('ResourceAlreadyExistsException', message);
export const inUse = (message: string) => new PersonalizeApiError('ResourceInUseException', message);
export const limitExceeded = (message: string) => new PersonalizeApiError('LimitExceededException', message);
