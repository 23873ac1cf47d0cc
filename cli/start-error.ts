import { CommandError, EXIT } from './command-error.js';

/**
 * Why the local cloud or an emulator did not start (`mpx demo`, `mpx local
 * up`, `mpx local personalize`), as one line with what to do. Node reports a
 * port that is taken as EADDRINUSE from listen() — most often another
 * `mpx local up` or `mpx demo --keep` on the same port — and a port it may not
 * open as EACCES.
 */
export function startError(error: unknown, what: string, port: string): CommandError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const cannotListen = `${what} cannot listen on port ${port}`;
  const message =
    code === 'EADDRINUSE'
      ? `${cannotListen}: it is in use (another mpx local up or mpx demo --keep?); stop what listens there, or pass --port 0 for any free port`
      : code === 'EACCES'
        ? `${cannotListen}: this user may not open it; pass a port above 1023, or --port 0 for any free port`
        : `${what} did not start: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`;
  return new CommandError(message, EXIT.FAILED, { cause: error });
}
