import { CommandError, EXIT, reportError } from '../command-error.js';
import { withRunState } from '../stack.js';
import { followRun, type RunView } from '../watch-run.js';
import type { Output } from './validate.js';

/**
 * `mpx runs watch <runId>`: a run, live, until it ends — exit 0 when it
 * succeeded, 1 when it failed or was superseded (or does not exist).
 */

export interface RunsWatchOptions {
  readonly stage: string;
  /** The runs table (default: the stack output RunsTableName). */
  readonly table?: string;
  /** One JSON line per change (wins over `view`). */
  readonly json?: boolean;
  /** How the run is shown without --json (default: plain lines). */
  readonly view?: RunView;
  /** Time between two reads of the run (default 1 s). */
  readonly intervalMs?: number;
}

export async function runsWatchCommand(runId: string, options: RunsWatchOptions, io: Output): Promise<number> {
  try {
    return await withRunState(options, async (state) => {
      const view: RunView = options.json ? { kind: 'json' } : (options.view ?? { kind: 'lines' });
      const code = await followRun(
        state,
        runId,
        { view, ...(options.intervalMs ? { intervalMs: options.intervalMs } : {}) },
        io,
      );
      if (code === undefined)
        throw new CommandError(
          `no run ${runId} in table ${state.table} (npx mpx runs list shows the runs)`,
          EXIT.FAILED,
        );
      return code;
    });
  } catch (error) {
    return reportError('runs watch', error, io);
  }
}
