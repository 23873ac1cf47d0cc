import type { DatasetKind } from './recipes.js';

/**
 * Amazon Personalize dataset schemas: Avro `record` JSON with flat fields.
 * Shared by the parameter-file validator and the emulator's CreateSchema and
 * import checks, so both reject the same schemas.
 */

export type PrimitiveType = 'string' | 'int' | 'long' | 'float' | 'double' | 'boolean';

export interface SchemaField {
  readonly name: string;
  readonly type: PrimitiveType;
  readonly nullable: boolean;
  readonly categorical: boolean;
  readonly textual: boolean;
}

export interface DatasetSchema {
  readonly name: string;
  readonly fields: readonly SchemaField[];
}

/** A problem with `path` relative to the schema object (`['fields', 2, 'type']`, or [] for the schema itself). */
export interface SchemaProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export type SchemaCheck =
  | { readonly ok: true; readonly schema: DatasetSchema }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] };

const PRIMITIVES: readonly PrimitiveType[] = ['string', 'int', 'long', 'float', 'double', 'boolean'];
const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_KEYS = ['name', 'type', 'categorical', 'textual', 'default', 'doc'];
const SCHEMA_KEYS = ['type', 'name', 'namespace', 'fields', 'version', 'doc'];

interface FieldRule {
  readonly types: readonly PrimitiveType[];
  readonly required: boolean;
}

/** Required and reserved fields per dataset type (reserved: optional, but with a fixed type). */
export const FIELD_RULES: Readonly<Record<DatasetKind, Readonly<Record<string, FieldRule>>>> = {
  interactions: {
    USER_ID: { types: ['string'], required: true },
    ITEM_ID: { types: ['string'], required: true },
    TIMESTAMP: { types: ['long'], required: true },
    EVENT_TYPE: { types: ['string'], required: false },
    EVENT_VALUE: { types: ['float', 'double'], required: false },
    IMPRESSION: { types: ['string'], required: false },
    RECOMMENDATION_ID: { types: ['string'], required: false },
  },
  users: { USER_ID: { types: ['string'], required: true } },
  items: {
    ITEM_ID: { types: ['string'], required: true },
    CREATION_TIMESTAMP: { types: ['long'], required: false },
  },
  actions: {
    ACTION_ID: { types: ['string'], required: true },
    CREATION_TIMESTAMP: { types: ['long'], required: false },
    ACTION_EXPIRATION_TIMESTAMP: { types: ['long'], required: false },
    REPEAT_FREQUENCY: { types: ['int'], required: false },
    VALUE: { types: ['int'], required: false },
  },
  action_interactions: {
    USER_ID: { types: ['string'], required: true },
    ACTION_ID: { types: ['string'], required: true },
    TIMESTAMP: { types: ['long'], required: true },
    EVENT_TYPE: { types: ['string'], required: true },
    IMPRESSION: { types: ['string'], required: false },
    RECOMMENDATION_ID: { types: ['string'], required: false },
  },
};

/** Datasets that need at least one field besides their id. */
const NEEDS_METADATA: readonly DatasetKind[] = ['users', 'items'];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function readType(type: unknown): { type: PrimitiveType; nullable: boolean } | string {
  if (typeof type === 'string') {
    return PRIMITIVES.includes(type as PrimitiveType)
      ? { type: type as PrimitiveType, nullable: false }
      : `type "${type}" is not supported: use one of ${PRIMITIVES.join(', ')} (or a union with "null")`;
  }
  if (Array.isArray(type)) {
    const others = type.filter((t) => t !== 'null');
    const inner = others[0];
    if (
      type.length === 2 &&
      others.length === 1 &&
      typeof inner === 'string' &&
      PRIMITIVES.includes(inner as PrimitiveType)
    ) {
      return { type: inner as PrimitiveType, nullable: true };
    }
    return `union ${JSON.stringify(type)} is not supported: a union must be "null" and one of ${PRIMITIVES.join(', ')}`;
  }
  return 'type must be a type name such as "string", or a union such as ["null", "string"]; nested types are not supported';
}

/**
 * Checks a Personalize dataset schema (an object, or the JSON text the API takes)
 * for `kind`, or only as an Avro record when no kind is given (CreateSchema does
 * not know the dataset type yet). Returns every problem, never throws.
 */
export function checkDatasetSchema(input: unknown, kind?: DatasetKind): SchemaCheck {
  const problems: SchemaProblem[] = [];
  let schema = input;
  if (typeof input === 'string') {
    try {
      schema = JSON.parse(input);
    } catch (error) {
      return { ok: false, problems: [{ path: [], message: `is not valid JSON: ${(error as Error).message}` }] };
    }
  }
  if (!isRecord(schema))
    return { ok: false, problems: [{ path: [], message: 'must be an Avro record schema object' }] };
  for (const key of Object.keys(schema)) {
    if (!SCHEMA_KEYS.includes(key)) problems.push({ path: [key], message: `unknown Avro schema key "${key}"` });
  }
  if (schema.type !== 'record') problems.push({ path: ['type'], message: 'must be "record"' });
  if (typeof schema.name !== 'string' || !AVRO_NAME.test(schema.name)) {
    problems.push({
      path: ['name'],
      message: 'must be an Avro name (letters, digits and _, not starting with a digit)',
    });
  }
  if (schema.namespace !== undefined && typeof schema.namespace !== 'string') {
    problems.push({ path: ['namespace'], message: 'must be a string' });
  }
  if (!Array.isArray(schema.fields) || schema.fields.length === 0) {
    problems.push({ path: ['fields'], message: 'must be a non-empty array of fields' });
    return { ok: false, problems };
  }
  const fields: SchemaField[] = [];
  const seen = new Set<string>();
  schema.fields.forEach((field: unknown, index: number) => {
    const at = ['fields', index];
    if (!isRecord(field)) {
      problems.push({ path: at, message: 'must be an object with name and type' });
      return;
    }
    for (const key of Object.keys(field)) {
      if (!FIELD_KEYS.includes(key)) problems.push({ path: [...at, key], message: `unknown field attribute "${key}"` });
    }
    const name = field.name;
    if (typeof name !== 'string' || !AVRO_NAME.test(name)) {
      problems.push({
        path: [...at, 'name'],
        message: 'must be a field name (letters, digits and _, not starting with a digit)',
      });
      return;
    }
    if (seen.has(name)) problems.push({ path: [...at, 'name'], message: `duplicate field "${name}"` });
    seen.add(name);
    const type = readType(field.type);
    if (typeof type === 'string') {
      problems.push({ path: [...at, 'type'], message: type });
      return;
    }
    for (const flag of ['categorical', 'textual'] as const) {
      if (field[flag] !== undefined && typeof field[flag] !== 'boolean') {
        problems.push({ path: [...at, flag], message: 'must be true or false' });
      }
      if (field[flag] === true && type.type !== 'string') {
        problems.push({ path: [...at, flag], message: `only string fields can be ${flag}` });
      }
    }
    if (field.textual === true && kind !== undefined && kind !== 'items') {
      problems.push({ path: [...at, 'textual'], message: 'only items datasets can have textual fields' });
    }
    const rule = kind === undefined ? undefined : FIELD_RULES[kind][name];
    if (rule && !rule.types.includes(type.type)) {
      problems.push({
        path: [...at, 'type'],
        message: `${name} must be of type ${rule.types.join(' or ')} in the ${kind} schema`,
      });
    }
    if (rule?.required && type.nullable) {
      problems.push({
        path: [...at, 'type'],
        message: `${name} is required in the ${kind} schema and cannot be nullable`,
      });
    }
    fields.push({ name, ...type, categorical: field.categorical === true, textual: field.textual === true });
  });
  const rules = kind === undefined ? {} : FIELD_RULES[kind];
  for (const [name, rule] of Object.entries(rules)) {
    if (rule.required && !seen.has(name)) {
      problems.push({
        path: ['fields'],
        message: `the ${kind} schema needs a ${name} field of type ${rule.types.join(' or ')}`,
      });
    }
  }
  const ids = Object.keys(rules);
  if (
    kind !== undefined &&
    NEEDS_METADATA.includes(kind) &&
    fields.length > 0 &&
    fields.every((f) => f.name === ids[0])
  ) {
    problems.push({ path: ['fields'], message: `the ${kind} schema needs at least one field besides ${ids[0]}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, schema: { name: schema.name as string, fields } };
}
