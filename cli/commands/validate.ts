import { readFile } from 'node:fs/promises';
import type { ConfigIssue } from '../../shared/config/types.js';
import { validate } from '../../shared/config/validate.js';
import { nextFireTimes, parseScheduleExpression } from '../../shared/schedules/aws-schedule.js';
import { configuredSchedules, describeTask } from '../../shared/schedules/from-config.js';

export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_UNREADABLE = 2;

export interface ValidateOptions {
  readonly json?: boolean;
  /** The time schedules' next fire times are computed from (tests pin it). */
  readonly now?: Date;
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

/** `mpx validate <file>`: 0 valid, 1 invalid, 2 unreadable. */
export async function validateCommand(file: string, options: ValidateOptions, io: Output): Promise<number> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`mpx validate: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return EXIT_UNREADABLE;
  }
  const result = validate(source);
  if (options.json) {
    io.out(JSON.stringify({ valid: result.ok, errors: result.errors, warnings: result.warnings }));
    return result.ok ? EXIT_VALID : EXIT_INVALID;
  }
  const show = (issue: ConfigIssue) => `  ${issue.path === '' ? '(file)' : issue.path}: ${issue.message}`;
  if (result.ok) io.out(`✔ ${file} is a valid parameter file`);
  else io.out(`✖ ${file} has ${result.errors.length} error(s):`);
  for (const error of result.errors) io.out(show(error));
  if (result.warnings.length > 0) {
    io.out(`${result.warnings.length} warning(s):`);
    for (const warning of result.warnings) io.out(show(warning));
  }
  if (result.config) {
    const schedules = configuredSchedules(result.config);
    if (schedules.length > 0) io.out('Schedules (next 3 fire times, UTC):');
    for (const schedule of schedules) {
      const parsed = parseScheduleExpression(schedule.expression);
      const times = parsed.ok
        ? nextFireTimes(parsed.schedule, options.now ?? new Date(), 3).map((d) => d.toISOString().replace('.000Z', 'Z'))
        : [];
      const when =
        schedule.expression === 'delete'
          ? 'deleted on the next upload'
          : times.length === 0
            ? 'never (no fire time after now)'
            : times.join(', ');
      io.out(`  ${describeTask(schedule.task)}: ${schedule.expression} → ${when}`);
    }
  }
  return result.ok ? EXIT_VALID : EXIT_INVALID;
}
