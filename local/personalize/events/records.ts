import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import { invalidInput } from '../errors.js';
import {
  CellProblem,
  type CellRule,
  canonicalCell,
  cellDecoder,
  cellRules,
  type DatasetValue,
} from '../import/field-values.js';

/**
 * Turns streamed records (a few members set by the API, the rest in a
 * `properties` JSON object with camelCase names) into typed rows in schema
 * order, checked with the same cell rules as CSV imports so a value accepted
 * one way is accepted the other.
 */

/** `NUMBER_OF_RATINGS` → `numberOfRatings`: the property name Personalize expects for a schema field. */
export function propertyNameOf(fieldName: string): string {
  return fieldName.toLowerCase().replace(/_+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Where a record sits in the request, for messages: `items[2]`. */
export type RecordPath = string;

/**
 * Reads `properties` (a JSON object text, or absent) into schema field name → raw value.
 * `reserved` maps field names the request sets through its own members to those members' names.
 *
 * @throws PersonalizeApiError InvalidInputException for text that is not a JSON object, unknown
 * property names, and properties that duplicate a request member.
 */
export function readProperties(
  properties: string | undefined,
  schema: DatasetSchema,
  reserved: Readonly<Record<string, string>>,
  at: RecordPath,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (properties === undefined) return values;
  let parsed: unknown;
  try {
    parsed = JSON.parse(properties);
  } catch {
    throw invalidInput(`Invalid properties at ${at}: not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidInput(`Invalid properties at ${at}: must be a JSON object such as {"numberOfRatings": "12"}`);
  }
  const byProperty = new Map(schema.fields.map((field) => [propertyNameOf(field.name), field.name]));
  for (const [key, value] of Object.entries(parsed)) {
    const fieldName = byProperty.get(key);
    if (fieldName === undefined) {
      const expected = schema.fields.filter((f) => !(f.name in reserved)).map((f) => propertyNameOf(f.name));
      throw invalidInput(
        `Invalid properties at ${at}: ${JSON.stringify(key)} is not a field of schema ${schema.name}; properties use camelCase field names (${expected.join(', ') || 'none'})`,
      );
    }
    const member = reserved[fieldName];
    if (member !== undefined) {
      throw invalidInput(`Invalid properties at ${at}: ${JSON.stringify(key)} is set by ${member}, not in properties`);
    }
    values.set(fieldName, value);
  }
  return values;
}

/**
 * The typed row (schema order) for `values` (field name → raw JSON value).
 * Numbers may come as JSON numbers or numeric strings, booleans as `true`/`"true"`.
 *
 * @throws PersonalizeApiError InvalidInputException naming the record and the field for a
 * missing required value or a value the field's type cannot hold.
 */
export function buildRow(
  values: ReadonlyMap<string, unknown>,
  schema: DatasetSchema,
  kind: DatasetKind,
  at: RecordPath,
): DatasetValue[] {
  const rules = cellRules(schema, kind);
  return rules.map((rule) => decodeField(values.get(rule.name), rule, at));
}

function decodeField(value: unknown, rule: CellRule, at: RecordPath): DatasetValue {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else {
    throw invalidInput(`Invalid value at ${at}: ${rule.name} must be a ${rule.type}, not ${JSON.stringify(value)}`);
  }
  if (rule.type === 'string' && typeof value !== 'string' && text !== '') {
    throw invalidInput(`Invalid value at ${at}: ${rule.name} must be a string, not ${JSON.stringify(value)}`);
  }
  const canonical = canonicalCell(text, rule);
  if (canonical instanceof CellProblem) {
    const problem = canonical.message.startsWith('is empty, but ')
      ? `${rule.name} is missing, but ${canonical.message.slice('is empty, but '.length)}`
      : `${rule.name}: ${canonical.message}`;
    throw invalidInput(`Invalid value at ${at}: ${problem}`);
  }
  // Strings keep their exact text (no CSV quoting); other types are read back from the canonical text.
  return rule.type === 'string' ? (text === '' ? null : text) : cellDecoder(rule.type)(canonical);
}
