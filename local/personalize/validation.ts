import * as sdk from '@aws-sdk/client-personalize';
import type { z } from 'zod';
import { structureShape, zodFromStructure } from '../../shared/personalize/sdk-shape.js';
import { PersonalizeApiError } from './errors.js';

/**
 * Request validation from the SDK's own request shapes, plus the constraints
 * the JS SDK does not carry (patterns, lengths, ranges), with AWS's wording:
 * "1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ...".
 */

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
const ARN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;
const ROLE_ARN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const KMS_ARN = /^arn:aws.*:kms:.*:[0-9]{12}:key\/.*$/;
const S3_PATH = /^(s3|http|https):\/\/.+$/;

type Constraint = (value: unknown) => string | undefined;

const pattern =
  (regex: RegExp, max: number): Constraint =>
  (value) => {
    if (typeof value !== 'string') return undefined;
    if (value.length > max) return `Member must have length less than or equal to ${max}`;
    if (!regex.test(value))
      return `Member must satisfy regular expression pattern: ${regex.source.replace(/^\^|\$$/g, '')}`;
    return undefined;
  };

const range =
  (min: number, max: number): Constraint =>
  (value) => {
    if (typeof value !== 'number') return undefined;
    if (value < min) return `Member must have value greater than or equal to ${min}`;
    if (value > max) return `Member must have value less than or equal to ${max}`;
    return undefined;
  };

/** Constraints by member name, wherever the member appears at the top of a request. */
const CONSTRAINTS: Readonly<Record<string, Constraint>> = {
  name: pattern(NAME, 63),
  jobName: pattern(NAME, 63),
  roleArn: pattern(ROLE_ARN, 256),
  kmsKeyArn: pattern(KMS_ARN, 2048),
  datasetGroupArn: pattern(ARN, 256),
  datasetArn: pattern(ARN, 256),
  schemaArn: pattern(ARN, 256),
  solutionArn: pattern(ARN, 256),
  solutionVersionArn: pattern(ARN, 256),
  campaignArn: pattern(ARN, 256),
  recommenderArn: pattern(ARN, 256),
  filterArn: pattern(ARN, 256),
  eventTrackerArn: pattern(ARN, 256),
  datasetImportJobArn: pattern(ARN, 256),
  batchInferenceJobArn: pattern(ARN, 256),
  batchSegmentJobArn: pattern(ARN, 256),
  recipeArn: pattern(ARN, 256),
  algorithmArn: pattern(ARN, 256),
  resourceArn: pattern(ARN, 256),
  maxResults: range(1, 100),
  minProvisionedTPS: range(1, 100_000),
  numResults: range(1, 5_000_000),
  schema: (value) =>
    typeof value === 'string' && value.length > 20_000
      ? 'Member must have length less than or equal to 20000'
      : undefined,
  filterExpression: (value) =>
    typeof value === 'string' && (value.length < 1 || value.length > 2500)
      ? 'Member must have length between 1 and 2500'
      : undefined,
  nextToken: (value) =>
    typeof value === 'string' && value.length > 1500 ? 'Member must have length less than or equal to 1500' : undefined,
};

const NESTED: Readonly<Record<string, Constraint>> = {
  'dataSource.dataLocation': pattern(S3_PATH, 256),
  'jobInput.s3DataSource.path': pattern(S3_PATH, 256),
  'jobOutput.s3DataDestination.path': pattern(S3_PATH, 256),
};

const schemas = new Map<string, z.ZodObject>();

function requestSchema(operation: string): z.ZodObject {
  let schema = schemas.get(operation);
  if (!schema) {
    schema = zodFromStructure((sdk as unknown as Record<string, unknown>)[`${operation}Request$`]);
    schemas.set(operation, schema);
  }
  return schema;
}

/** Whether the SDK knows this operation (it has a request shape). */
export function isKnownOperation(operation: string): boolean {
  const shape = (sdk as unknown as Record<string, unknown>)[`${operation}Request$`];
  if (shape === undefined) return false;
  structureShape(shape);
  return true;
}

const show = (value: unknown): string => (value === undefined || value === null ? 'null' : `'${String(value)}'`);

function get(input: Record<string, unknown>, path: string): unknown {
  let current: unknown = input;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * Validates a request body against the operation's SDK shape. Throws
 * SerializationException for values of the wrong type and InvalidInputException
 * for missing members, unknown members and broken constraints.
 */
export function validateRequest(operation: string, input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PersonalizeApiError('SerializationException', 'The request body must be a JSON object');
  }
  const parsed = requestSchema(operation).safeParse(input, { reportInput: true });
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const at = issue.path.join('.');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          problems.push(`Unknown parameter '${at === '' ? key : `${at}.${key}`}' in the ${operation} input`);
      } else if (issue.code === 'invalid_type' && issue.input === undefined) {
        problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      } else if (issue.code === 'invalid_type') {
        throw new PersonalizeApiError(
          'SerializationException',
          `Value ${JSON.stringify(issue.input)} at '${at}' cannot be read as ${issue.expected}`,
        );
      } else {
        problems.push(`Value at '${at}' failed to satisfy constraint: ${issue.message}`);
      }
    }
  }
  const record = input as Record<string, unknown>;
  for (const [member, check] of Object.entries(CONSTRAINTS)) {
    const message = record[member] === undefined ? undefined : check(record[member]);
    if (message) problems.push(`Value ${show(record[member])} at '${member}' failed to satisfy constraint: ${message}`);
  }
  for (const [path, check] of Object.entries(NESTED)) {
    const value = get(record, path);
    const message = value === undefined ? undefined : check(value);
    if (message) problems.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${message}`);
  }
  if (problems.length > 0) {
    const count =
      problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`;
    throw new PersonalizeApiError('InvalidInputException', `${count}: ${problems.join('; ')}`);
  }
  return record;
}
