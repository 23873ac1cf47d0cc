import { createdNow, done, failed, pending, type StepOutcome } from '../workflow/outcome.js';
import { isAlreadyExists, isNotFound, rejectable } from './sdk-errors.js';
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
  /** The name the parameter file gives, used in messages. */
  name(desired: Desired): string;
  arn(desired: Desired): string;
  /** Undefined when it does not exist. */
  describe(arn: string): Promise<Described | undefined>;
  /** The new resource's ARN (Personalize always returns one; `arn(desired)` stands in if not). */
  create(desired: Desired): Promise<string | undefined>;
  /** The fields the user set, to compare with `Described.fields`. */
  desiredFields(desired: Desired): Readonly<Record<string, unknown>>;
  readonly datasetGroupArn?: (desired: Desired) => string | undefined;
}

/** Undefined for ResourceNotFoundException; other errors propagate. */
export async function describeOrUndefined<T>(describe: () => Promise<T>): Promise<T | undefined> {
  try {
    return await describe();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const isPlainObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Key order carries no meaning in JSON (a schema re-serialized by Personalize must not drift). */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** Fields the user set that differ from the resource's: `field: expected X, found Y`. */
export function drift(desired: Readonly<Record<string, unknown>>, actual: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(desired)
    .filter(([key, value]) => value !== undefined && !same(value, actual[key]))
    .map(([key, value]) => `${key}: expected ${JSON.stringify(value)}, found ${JSON.stringify(actual[key])}`);
}

/**
 * `{a: {b: 1}}` → `{'a.b': 1}`; arrays and scalars stay whole. Flattening both
 * sides before `drift` compares only the nested keys the user set: Personalize
 * fills in defaults inside configs (campaignConfig, recommenderConfig), and
 * comparing those whole would update the resource on every run.
 */
export function leaves(record: Readonly<Record<string, unknown>>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (isPlainObject(value)) Object.assign(flat, leaves(value, `${prefix}${key}.`));
    else flat[`${prefix}${key}`] = value;
  }
  return flat;
}

/** A failure when a same-named resource belongs to another dataset group, which must never be adopted. */
export function foreignGroup(
  label: string,
  arn: string,
  desiredGroup: string | undefined,
  actualGroup: string | undefined,
): StepOutcome | undefined {
  if (desiredGroup === undefined || actualGroup === undefined || actualGroup === desiredGroup) return undefined;
  return failed(
    `${label} ${arn} already exists in another dataset group (${actualGroup}); Personalize names are unique per account and region`,
    arn,
  );
}

/**
 * Describes, creates when missing, otherwise checks ownership, drift and status.
 * @throws RequestRejectedError when Personalize refuses the create as invalid; other SDK errors unchanged.
 */
export async function ensureNamed<Desired>(driver: NamedDriver<Desired>, desired: Desired): Promise<StepOutcome> {
  const arn = driver.arn(desired);
  const existing = await driver.describe(arn);
  if (!existing) {
    try {
      const created = await rejectable(driver.label, driver.name(desired), () => driver.create(desired));
      return createdNow(pending('CREATE PENDING', created ?? arn));
    } catch (error) {
      // Another delivery of this step created it between describe and create.
      if (isAlreadyExists(error)) return pending('CREATE PENDING', arn);
      throw error;
    }
  }
  const foreign = foreignGroup(driver.label, arn, driver.datasetGroupArn?.(desired), existing.datasetGroupArn);
  if (foreign) return foreign;
  const differences = drift(driver.desiredFields(desired), existing.fields);
  if (differences.length > 0) {
    return failed(`${driver.label} ${arn} differs from the parameter file: ${differences.join('; ')}`, arn);
  }
  const outcome = outcomeOfStatus(driver.label, arn, existing.status, existing.failureReason);
  return outcome.type === 'done' ? done(arn) : outcome;
}
