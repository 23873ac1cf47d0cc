import { done, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { errorName } from './scope.js';
import { outcomeOfStatus } from './status.js';

/**
 * The ensure pattern for resources Personalize names uniquely per account and
 * region (dataset groups, schemas, solutions, campaigns, filters, recommenders):
 * describe by the ARN the name implies; create when it does not exist; when it
 * exists, check it belongs to this dataset group (names are account-wide, so a
 * same-named resource of another group must fail loudly — REFERENCE.md defect
 * 17) and that the fields the user set match (drift).
 */

export interface Described {
  readonly status?: string;
  readonly failureReason?: string;
  /** The dataset group the resource belongs to, when it has one. */
  readonly datasetGroupArn?: string;
  /** Fields as Personalize reports them, compared with what the file sets. */
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface NamedDriver<Desired> {
  readonly label: string;
  arn(desired: Desired): string;
  /** Undefined when it does not exist. */
  describe(arn: string): Promise<Described | undefined>;
  create(desired: Desired): Promise<string>;
  /** The fields the user set, to compare with `Described.fields`. */
  desiredFields(desired: Desired): Readonly<Record<string, unknown>>;
  readonly datasetGroupArn?: (desired: Desired) => string | undefined;
}

/** Undefined for ResourceNotFoundException; other errors propagate. */
export async function describeOrUndefined<T>(describe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await describe();
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Fields the user set that differ from the resource's: `field: expected X, found Y`. */
export function drift(desired: Readonly<Record<string, unknown>>, actual: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(desired)
    .filter(([key, value]) => value !== undefined && !same(value, actual[key]))
    .map(([key, value]) => `${key}: expected ${JSON.stringify(value)}, found ${JSON.stringify(actual[key])}`);
}

export async function ensureNamed<Desired>(driver: NamedDriver<Desired>, desired: Desired): Promise<StepOutcome> {
  const arn = driver.arn(desired);
  const existing = await driver.describe(arn);
  if (!existing) {
    try {
      return pending('CREATE PENDING', await driver.create(desired));
    } catch (error) {
      // Another delivery of this step created it between describe and create.
      if (errorName(error) === 'ResourceAlreadyExistsException') return pending('CREATE PENDING', arn);
      throw error;
    }
  }
  const group = driver.datasetGroupArn?.(desired);
  if (group !== undefined && existing.datasetGroupArn !== undefined && existing.datasetGroupArn !== group) {
    return failed(
      `${driver.label} ${arn} already exists in another dataset group (${existing.datasetGroupArn}); Personalize names are unique per account and region`,
      arn,
    );
  }
  const differences = drift(driver.desiredFields(desired), existing.fields);
  if (differences.length > 0) {
    return failed(`${driver.label} ${arn} differs from the parameter file: ${differences.join('; ')}`, arn);
  }
  const outcome = outcomeOfStatus(driver.label, arn, existing.status, existing.failureReason);
  return outcome.type === 'done' ? done(arn) : outcome;
}
