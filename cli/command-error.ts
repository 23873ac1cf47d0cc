import type { Output } from './commands/validate.js';

/**
 * Exit codes of the operator commands (upload, runs, recommend, plan…): 0 done,
 * 1 the thing asked failed (the run failed, no such run or campaign…),
 * 2 bad usage or invalid input (nothing was done), 3 no stack to talk to.
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, NO_STACK: 3 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure to report as one line on stderr, ending with what to do about it, and the exit code it means. */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions & { readonly details?: readonly string[] },
  ) {
    super(message, options);
    this.details = options?.details ?? [];
  }

  /** Lines printed (indented) after the message: each problem found, when there are several. */
  readonly details: readonly string[];
}

/** Prints `mpx <command>: <first line of the message>` and maps the error to its exit code (1 when untyped). */
export function reportError(command: string, error: unknown, io: Output): number {
  const message = error instanceof Error ? error.message : String(error);
  io.err(`mpx ${command}: ${message.split('\n')[0]}`);
  if (!(error instanceof CommandError)) return EXIT.FAILED;
  for (const line of error.details) io.err(`  ${line}`);
  return error.exitCode;
}
