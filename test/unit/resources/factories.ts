import {
  InvalidInputException,
  LimitExceededException,
  PersonalizeClient,
  PersonalizeServiceException,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import type { EnsureContext } from '../../../shared/resources/desired.js';

/** Shared arrangements for the driver specifications: one mocked Personalize, one account, one intent time. */

export const personalize = mockClient(PersonalizeClient);

export const SCOPE = { region: 'us-east-1', account: '123456789012' };
export const arnOf = (type: string, path: string): string =>
  `arn:aws:personalize:${SCOPE.region}:${SCOPE.account}:${type}/${path}`;

export const DATASET_GROUP_ARN = arnOf('dataset-group', 'shop');
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/mpx-personalize';
export const TAGS = [{ tagKey: 'team', tagValue: 'recs' }];
/** When the step first ran; job names carry it to the second. */
export const INTENT_AT = new Date('2026-11-28T10:15:30.250Z');
export const STAMP = '2026_11_28_10_15_30';
export const RUN_ID = 'run-01JD8ZQ7XK3M4N5P6Q7R8S9T0V';

export function ensureContext(inputs: Record<string, string> = {}): EnsureContext {
  return {
    personalize: new PersonalizeClient({ region: SCOPE.region }),
    scope: SCOPE,
    personalizeRoleArn: ROLE_ARN,
    inputs,
    intentAt: INTENT_AT,
    runId: RUN_ID,
  };
}

const metadata = { $metadata: {} };
export const notFound = (): Error => new ResourceNotFoundException({ message: 'Resource not found', ...metadata });
export const alreadyExists = (): Error =>
  new ResourceAlreadyExistsException({ message: 'Resource already exists', ...metadata });
export const inUse = (): Error => new ResourceInUseException({ message: 'Resource is being updated', ...metadata });
export const invalidInput = (message: string): Error => new InvalidInputException({ message, ...metadata });
export const limitExceeded = (): Error =>
  new LimitExceededException({ message: 'More than 5 resources with PENDING or IN_PROGRESS status.', ...metadata });
/** The SDK has no class for it: Personalize's model does not declare the exception it still sends. */
export const throttling = (name = 'ThrottlingException'): Error =>
  new PersonalizeServiceException({ name, $fault: 'client', message: 'Rate exceeded', ...metadata });

/** The inputs of every `command` sent, for an exact comparison (the matchers compare partially). */
export function sent<Input extends object>(command: abstract new (...args: never[]) => { input: Input }): Input[] {
  return personalize
    .calls()
    .map((call) => call.args[0])
    .filter((sentCommand): sentCommand is typeof sentCommand & { input: Input } => sentCommand instanceof command)
    .map((sentCommand) => sentCommand.input);
}
