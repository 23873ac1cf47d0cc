import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { messageFor, toConfigIssues } from './issues.js';
import { normalize } from './normalize.js';
import { checkRules } from './rules.js';
import { parameterFileSchema } from './schema.js';
import type { ConfigIssue, ParameterFile } from './types.js';

export interface ValidationResult {
  readonly ok: boolean;
  /** The normalized file (defaults, inherited tags); present only when `ok`. */
  readonly config?: ParameterFile;
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

/** Parameter files larger than 1 MiB are refused before parsing: real ones are a few kilobytes. */
export const MAX_PARAMETER_FILE_BYTES = 1024 * 1024;

/**
 * Validates a parameter file's text: JSON syntax (with line and column), the
 * structure of every section, and the rules across sections. Reports every
 * error at once, never throws, and returns the normalized config as a new value.
 */
export function validate(source: string): ValidationResult {
  const parsed = parseParameterFile(source);
  if (!parsed.ok) return { ok: false, errors: parsed.errors, warnings: [] };
  return validateDocument(parsed.value);
}

/** Like `validate`, for a document that is already parsed. Does not mutate it. */
export function validateDocument(doc: unknown): ValidationResult {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { ok: false, errors: [{ path: '', message: 'the parameter file must be a JSON object' }], warnings: [] };
  }
  const structure = parameterFileSchema.safeParse(doc, { reportInput: true, error: messageFor });
  const rules = checkRules(doc);
  const errors = [
    ...(structure.success ? [] : toConfigIssues(parameterFileSchema, structure.error.issues)),
    ...rules.errors,
  ];
  const unique = dedupe(errors);
  if (unique.length > 0 || !structure.success) return { ok: false, errors: unique, warnings: rules.warnings };
  return {
    ok: true,
    config: normalize(structure.data as unknown as ParameterFile),
    errors: [],
    warnings: rules.warnings,
  };
}

function dedupe(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; errors: ConfigIssue[] };

/** The error of a parameter file over the size limit (checked before reading it when its size is known). */
export function tooLargeIssue(bytes: number): ConfigIssue {
  return {
    path: '',
    message: `the parameter file is ${bytes} bytes; the limit is 1 MiB (${MAX_PARAMETER_FILE_BYTES} bytes)`,
  };
}

/** Parses a parameter file's JSON; syntax errors carry line and column. Never throws. */
export function parseParameterFile(source: string): JsonResult {
  const bytes = source.length > MAX_PARAMETER_FILE_BYTES / 3 ? Buffer.byteLength(source, 'utf8') : source.length;
  if (bytes > MAX_PARAMETER_FILE_BYTES) return { ok: false, errors: [tooLargeIssue(bytes)] };
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.trim() === '') return { ok: false, errors: [{ path: '', message: 'invalid JSON: the file is empty' }] };
  try {
    // JSON.parse is the fast path and keeps keys such as "__proto__" as plain data.
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // jsonc-parser only to locate the error: V8's messages do not always say where.
    const syntax: ParseError[] = [];
    parse(text, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = syntax[0];
    if (!first) return { ok: false, errors: [{ path: '', message: 'invalid JSON' }] };
    const { line, column } = lineAndColumn(text, first.offset);
    const what = describeSyntaxError(printParseErrorCode(first.error));
    return { ok: false, errors: [{ path: '', message: `invalid JSON at line ${line}, column ${column}: ${what}` }] };
  }
}

const SYNTAX_MESSAGES: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected the end of the file',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

function describeSyntaxError(code: string): string {
  return SYNTAX_MESSAGES[code] ?? code;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
