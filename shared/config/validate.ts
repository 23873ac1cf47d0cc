import { getNodeValue, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
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

/** Files larger than this are refused before parsing (Lambda payloads and sanity). */
export const MAX_PARAMETER_FILE_BYTES = 1024 * 1024 * 4;

/**
 * Validates a parameter file's text: JSON syntax (with line and column), the
 * structure of every section, and the rules across sections. Reports every
 * error at once, never throws, and returns the normalized config as a new value.
 */
export function validate(source: string): ValidationResult {
  const parsed = parseJson(source);
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

type JsonResult = { ok: true; value: unknown } | { ok: false; errors: ConfigIssue[] };

function parseJson(source: string): JsonResult {
  if (source.length > MAX_PARAMETER_FILE_BYTES) {
    return {
      ok: false,
      errors: [
        { path: '', message: `the parameter file is larger than ${MAX_PARAMETER_FILE_BYTES / 1024 / 1024} MiB` },
      ],
    };
  }
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  if (text.trim() === '') return { ok: false, errors: [{ path: '', message: 'invalid JSON: the file is empty' }] };
  const syntax: ParseError[] = [];
  const tree = parseTree(text, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (syntax.length > 0 || tree === undefined) {
    if (syntax.length === 0) return { ok: false, errors: [{ path: '', message: 'invalid JSON' }] };
    // Only the first syntax error: the parser's recovery makes later ones unreliable.
    const first = syntax[0] as ParseError;
    const { line, column } = lineAndColumn(text, first.offset);
    const what = describeSyntaxError(printParseErrorCode(first.error));
    return { ok: false, errors: [{ path: '', message: `invalid JSON at line ${line}, column ${column}: ${what}` }] };
  }
  return { ok: true, value: getNodeValue(tree) };
}

function describeSyntaxError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
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
