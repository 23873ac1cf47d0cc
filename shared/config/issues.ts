import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';
import { formatPath } from './paths.js';
import type { ConfigIssue } from './types.js';

/**
 * Turns zod issues into the messages users read. Every message says what is
 * wrong and, where it can, what would be right.
 */

const describe = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
};

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** The per-parse error map: wording for issues that carry no message of their own. */
export function messageFor(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${describe(issue.input)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, not ${describe(issue.input)}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return `must have at least ${min} item(s)`;
      return issue.inclusive === false ? `must be greater than ${min}` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} item(s)`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    default:
      return 'is not valid';
  }
}

/** The keys a zod schema allows at `path`, for did-you-mean hints. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  const step = (node: unknown): unknown => {
    const def = (node as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return undefined;
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') return step(def.innerType);
    if (def.type === 'pipe') return step(def.in);
    return node;
  };
  for (const segment of path) {
    const node = step(current) as { _zod: { def: Record<string, unknown> } } | undefined;
    const def = node?._zod.def;
    if (def?.type === 'array' && typeof segment === 'number') current = def.element;
    else if (def?.type === 'object' && typeof segment === 'string')
      current = (def.shape as Record<string, unknown>)[segment];
    else return [];
  }
  const node = step(current) as { _zod: { def: Record<string, unknown> } } | undefined;
  return node?._zod.def.type === 'object' ? Object.keys(node._zod.def.shape as object) : [];
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return `unknown key "${key}"`;
  const guess = closest(key, allowed as string[]);
  const near =
    guess !== undefined && distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3));
  return near
    ? `unknown key "${key}"; did you mean "${guess}"?`
    : `unknown key "${key}"; allowed keys here: ${allowed.join(', ')}`;
}

/** Flattens zod issues into `{path, message}` findings (one per unknown key). */
export function toConfigIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys)
        out.push({ path: formatPath([...issue.path, key]), message: unknownKeyMessage(key, allowed) });
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
}
