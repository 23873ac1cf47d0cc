/**
 * The text `--help` shows after a command's options, in one layout: notes,
 * the exit codes, then examples. Every command has the last two (a test walks
 * the command tree to hold each new command to it).
 */
export interface HelpText {
  readonly notes?: readonly string[];
  /** Lines of the exit codes; the first follows "Exit codes: ", the others are indented under it. */
  readonly exitCodes: readonly string[];
  readonly examples: readonly string[];
}

export function helpText({ notes = [], exitCodes, examples }: HelpText): string {
  return [
    '',
    ...notes,
    ...(notes.length > 0 ? [''] : []),
    ...exitCodes.map((line, i) => `${i === 0 ? 'Exit codes: ' : '            '}${line}`),
    '',
    'Examples:',
    ...examples.map((example) => `  ${example}`),
  ].join('\n');
}

/** The exit code of every command that reads the stack. */
export const NO_STACK_EXIT = '3 no stack found (see --stage, --region, --endpoint)';
