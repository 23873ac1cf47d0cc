import { type DatasetSchema, FIELD_RULES, type PrimitiveType } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';

/**
 * What a CSV cell may hold for a schema field, and its canonical text in the
 * normalized dataset files the emulator trains from: integers as integer text,
 * floats as `String(Number(cell))`, booleans `true`/`false`, null as an empty
 * cell, strings quoted only when they must be.
 */

export type DatasetValue = string | number | boolean | null;

export interface CellRule {
  readonly name: string;
  readonly type: PrimitiveType;
  /** Why an empty cell is refused (the field is not nullable, or the dataset type requires it); undefined when null is allowed. */
  readonly requiredBecause: string | undefined;
  /** Epoch-second timestamps, where a millisecond value is a common mistake worth its own message. */
  readonly timestamp: boolean;
}

/** A cell the field cannot hold; `message` completes "column X: ...". */
export class CellProblem {
  constructor(readonly message: string) {}
}

/** Ids are never empty, whatever the schema says (the schema validator also refuses nullable ids). */
const ID_FIELDS: ReadonlySet<string> = new Set(['USER_ID', 'ITEM_ID', 'ACTION_ID']);
const TIMESTAMP_FIELDS: ReadonlySet<string> = new Set([
  'TIMESTAMP',
  'CREATION_TIMESTAMP',
  'ACTION_EXPIRATION_TIMESTAMP',
]);
/** Above this, a "seconds" value is in 2286 or later: it is almost surely milliseconds. */
export const MAX_EPOCH_SECONDS = 10_000_000_000;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const FLOAT_MAX = 3.4028234663852886e38;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** The rules for each schema field, in schema order. */
export function cellRules(schema: DatasetSchema, kind: DatasetKind): CellRule[] {
  return schema.fields.map((field) => {
    let requiredBecause: string | undefined;
    if (FIELD_RULES[kind][field.name]?.required || ID_FIELDS.has(field.name)) {
      requiredBecause = `${field.name} is required in every ${kind} record`;
    } else if (!field.nullable) {
      requiredBecause = `${field.name} is not nullable in schema ${schema.name}`;
    }
    return { name: field.name, type: field.type, requiredBecause, timestamp: TIMESTAMP_FIELDS.has(field.name) };
  });
}

/** `"value"` for messages, shortened so a huge cell does not make a huge failure reason. */
export function quoteForMessage(value: string): string {
  return JSON.stringify(value.length > 50 ? `${value.slice(0, 47)}...` : value);
}

/** A CSV cell for `text`: quoted (quotes doubled) when it holds a comma, a quote or a line break. */
export const csvCell = (text: string): string => (NEEDS_QUOTES.test(text) ? `"${text.replace(QUOTE, '""')}"` : text);

/** Personalize's longest user, item and action id. */
export const MAX_ID_LENGTH = 256;

function checkTimestamp(value: number, cell: string, rule: CellRule): string | CellProblem {
  if (rule.timestamp && value < 0) {
    return new CellProblem(`${quoteForMessage(cell)} is negative: ${rule.name} must be a Unix epoch time in seconds`);
  }
  if (rule.timestamp && value > MAX_EPOCH_SECONDS) {
    return new CellProblem(
      `${quoteForMessage(cell)} looks like milliseconds: ${rule.name} must be in Unix epoch seconds`,
    );
  }
  return String(value);
}

/**
 * The canonical CSV text of `cell` for the field (`''` for null), or the problem
 * that makes Personalize reject it. Numbers are written the way JavaScript
 * reads them back exactly.
 */
export function canonicalCell(cell: string, rule: CellRule): string | CellProblem {
  if (cell === '') {
    return rule.requiredBecause === undefined ? '' : new CellProblem(`is empty, but ${rule.requiredBecause}`);
  }
  switch (rule.type) {
    case 'string':
      if (ID_FIELDS.has(rule.name) && cell.length > MAX_ID_LENGTH) {
        return new CellProblem(
          `${quoteForMessage(cell)} is longer than ${MAX_ID_LENGTH} characters, the limit for ${rule.name}`,
        );
      }
      return csvCell(cell);
    case 'int':
    case 'long': {
      if (!INTEGER.test(cell)) return new CellProblem(`${quoteForMessage(cell)} is not an integer (type ${rule.type})`);
      const value = Number(cell);
      if (rule.type === 'int' && (value < INT_MIN || value > INT_MAX)) {
        return new CellProblem(`${quoteForMessage(cell)} is out of range for type int (${INT_MIN} to ${INT_MAX})`);
      }
      if (!Number.isSafeInteger(value)) {
        return new CellProblem(
          `${quoteForMessage(cell)} is out of range for type long (the emulator keeps integers within ±${Number.MAX_SAFE_INTEGER})`,
        );
      }
      return checkTimestamp(value, cell, rule);
    }
    case 'float':
    case 'double': {
      const value = DECIMAL.test(cell) ? Number(cell) : Number.NaN;
      if (!Number.isFinite(value)) {
        return new CellProblem(`${quoteForMessage(cell)} is not a finite number (type ${rule.type})`);
      }
      if (rule.type === 'float' && Math.abs(value) > FLOAT_MAX) {
        return new CellProblem(`${quoteForMessage(cell)} is out of range for type float`);
      }
      return checkTimestamp(value, cell, rule);
    }
    case 'boolean': {
      const lower = cell.toLowerCase();
      if (lower === 'true' || lower === 'false') return lower;
      return new CellProblem(`${quoteForMessage(cell)} is not a boolean (true or false)`);
    }
  }
}

/** Reads a canonical cell back as a typed value (normalized files only: no checks). */
export type CellDecoder = (text: string) => DatasetValue;

const decodeString: CellDecoder = (text) => (text === '' ? null : text);
const decodeNumber: CellDecoder = (text) => (text === '' ? null : +text);
const decodeBoolean: CellDecoder = (text) => (text === '' ? null : text === 'true');

/** The decoder for a field type: strings as they are, numbers with `+text`, booleans from `true`/`false`. */
export function cellDecoder(type: PrimitiveType): CellDecoder {
  if (type === 'string') return decodeString;
  if (type === 'boolean') return decodeBoolean;
  return decodeNumber;
}
