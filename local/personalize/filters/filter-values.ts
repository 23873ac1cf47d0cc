import { invalidInput } from '../errors.js';

/**
 * The runtime's `filterValues`: for each `$NAME` of a filter, the text of a
 * comma-separated list of JSON strings (`"\"Comedy\",\"Drama\""`), numbers as
 * plain text (`"10"`). Parsed once per request.
 */

/** One parameter's values: strings as sent, numbers for unquoted numbers. */
export type FilterParameterValue = string | number;

/** Parameter name (without `$`) → its values, in the order sent. */
export type FilterParameterValues = ReadonlyMap<string, readonly FilterParameterValue[]>;

const PARAMETER_NAME = /^[A-Za-z0-9_]+$/;

/**
 * Reads the runtime's `filterValues` map. Keys are parameter names without
 * `$`; keys the filter does not use are kept (and ignored by the evaluator),
 * as Personalize ignores them.
 *
 * @throws PersonalizeApiError InvalidInputException when a key is not a parameter
 * name, or a value is not a comma-separated list of quoted strings or numbers.
 */
export function parseFilterValues(filterValues: Readonly<Record<string, unknown>> | undefined): FilterParameterValues {
  const parsed = new Map<string, FilterParameterValue[]>();
  for (const [name, text] of Object.entries(filterValues ?? {})) {
    if (!PARAMETER_NAME.test(name)) {
      throw invalidInput(
        `Invalid filterValues key "${name}": use the parameter name without "$" (letters, digits and _), e.g. GENRES for $GENRES`,
      );
    }
    if (typeof text !== 'string') throw invalidInput(`Invalid filter value for ${name}: it must be a string`);
    parsed.set(name, parseValueList(name, text));
  }
  return parsed;
}

function parseValueList(name: string, text: string): FilterParameterValue[] {
  const hint = `expected a comma-separated list of quoted strings or numbers, such as "\\"Comedy\\",\\"Drama\\"" or "10"`;
  if (text.trim() === '') throw invalidInput(`Invalid filter value for ${name}: it is empty; ${hint}`);
  let values: unknown;
  try {
    values = JSON.parse(`[${text}]`);
  } catch {
    throw invalidInput(`Invalid filter value for ${name}: ${JSON.stringify(text)} cannot be read; ${hint}`);
  }
  const list = values as unknown[];
  for (const value of list) {
    const ok = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw invalidInput(`Invalid filter value for ${name}: ${JSON.stringify(value)} is not allowed; ${hint}`);
  }
  return list as FilterParameterValue[];
}
