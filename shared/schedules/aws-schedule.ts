import { Cron } from 'croner';

/**
 * AWS schedule expressions, parsed and evaluated by ONE engine.
 *
 * The deprecated solution used two cron engines that disagreed on day-of-week
 * numbering (REFERENCE.md defect 15). mpx validates AWS syntax itself (with
 * AWS's rules and messages) and evaluates fire times with croner, after
 * translating the expression: croner reads raw AWS cron wrongly (no seconds
 * field, 0-based weekdays, `5L`, `0/15`), so the translation is explicit here.
 */

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: CronFields }
  | { readonly kind: 'rate'; readonly expression: string; readonly value: number; readonly unit: RateUnit }
  | { readonly kind: 'at'; readonly expression: string; readonly at: string };

export interface CronFields {
  readonly minutes: string;
  readonly hours: string;
  readonly dayOfMonth: string;
  readonly month: string;
  readonly dayOfWeek: string;
  readonly year: string;
}

export type RateUnit = 'minute' | 'hour' | 'day';

export type ParseResult =
  | { readonly ok: true; readonly schedule: ScheduleExpression }
  | { readonly ok: false; readonly message: string };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Extra tokens this field accepts besides numbers, ranges, lists and steps. */
  readonly special: 'none' | 'dom' | 'dow';
  readonly question: boolean;
}

const FIELD_SPECS: readonly FieldSpec[] = [
  { name: 'minutes', min: 0, max: 59, special: 'none', question: false },
  { name: 'hours', min: 0, max: 23, special: 'none', question: false },
  { name: 'day-of-month', min: 1, max: 31, special: 'dom', question: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: 'none', question: false },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS, special: 'dow', question: true },
  { name: 'year', min: 1970, max: 2199, special: 'none', question: false },
];

/**
 * Parses an AWS schedule expression: `cron(min hour dom month dow year)`,
 * `rate(N unit)` or `at(yyyy-mm-ddThh:mm:ss)`. Never throws.
 */
export function parseScheduleExpression(text: string): ParseResult {
  const trimmed = text.trim();
  const match = /^(cron|rate|at)\((.*)\)$/s.exec(trimmed);
  if (!match) {
    return fail(`"${text}" is not a schedule expression: expected cron(...), rate(...) or at(...)`);
  }
  const [, kind, body = ''] = match;
  if (kind === 'rate') return parseRate(trimmed, body);
  if (kind === 'at') return parseAt(trimmed, body);
  return parseCron(trimmed, body);
}

function fail(message: string): ParseResult {
  return { ok: false, message };
}

function parseRate(expression: string, body: string): ParseResult {
  const match = /^\s*(\d+)\s+([a-z]+)\s*$/.exec(body);
  if (!match) return fail(`rate expression "${expression}" must look like rate(5 minutes)`);
  const value = Number(match[1]);
  const word = match[2] ?? '';
  if (value < 1) return fail(`rate expression "${expression}" needs a value of at least 1`);
  const unit = word.replace(/s$/, '') as RateUnit;
  if (!['minute', 'hour', 'day'].includes(unit)) {
    return fail(`rate expression "${expression}" has unit "${word}": use minute(s), hour(s) or day(s)`);
  }
  const expected = value === 1 ? unit : `${unit}s`;
  if (word !== expected) {
    return fail(`rate expression "${expression}" must use "${expected}" for the value ${value}`);
  }
  return { ok: true, schedule: { kind: 'rate', expression, value, unit } };
}

function parseAt(expression: string, body: string): ParseResult {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) return fail(`at expression "${expression}" must look like at(2026-12-31T23:59:00)`);
  const [y, mo, d, h, mi, s] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return fail(`at expression "${expression}" is not a real date and time`);
  }
  return { ok: true, schedule: { kind: 'at', expression, at: body } };
}

function parseCron(expression: string, body: string): ParseResult {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    return fail(
      `cron expression "${expression}" has ${parts.length} field(s); AWS cron needs 6: minutes hours day-of-month month day-of-week year`,
    );
  }
  for (const [index, spec] of FIELD_SPECS.entries()) {
    const problem = checkField(parts[index] ?? '', spec);
    if (problem) return fail(`cron expression "${expression}": ${spec.name} field "${parts[index]}" ${problem}`);
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    return fail(
      `cron expression "${expression}": exactly one of day-of-month and day-of-week must be "?" (AWS does not allow both day fields)`,
    );
  }
  const fields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  try {
    // What passes AWS's rules must also be evaluable: validation and firing use one engine.
    new Cron(toCronerPattern(fields), { mode: '7-part', alternativeWeekdays: true, paused: true });
  } catch (error) {
    return fail(`cron expression "${expression}" cannot be evaluated: ${(error as Error).message}`);
  }
  return { ok: true, schedule: { kind: 'cron', expression, fields } };
}

/** Returns why a field is invalid, or undefined when it is valid. */
function checkField(field: string, spec: FieldSpec): string | undefined {
  if (field === '?') return spec.question ? undefined : 'cannot be "?"';
  if (spec.special === 'dom') {
    if (field === 'L') return undefined;
    const weekday = /^(\d+)W$/.exec(field);
    if (weekday) return checkValue(weekday[1] ?? '', spec);
  }
  if (spec.special === 'dow') {
    if (field === 'L') return undefined;
    const last = /^([A-Za-z]+|\d+)L$/.exec(field);
    if (last) return checkValue(last[1] ?? '', spec);
    const nth = /^([A-Za-z]+|\d+)#(\d+)$/.exec(field);
    if (nth) {
      const n = Number(nth[2]);
      if (n < 1 || n > 5) return `uses #${nth[2]}: the occurrence must be 1 to 5`;
      return checkValue(nth[1] ?? '', spec);
    }
  }
  for (const item of field.split(',')) {
    const problem = checkListItem(item, spec);
    if (problem) return problem;
  }
  return undefined;
}

function checkListItem(item: string, spec: FieldSpec): string | undefined {
  if (item === '') return 'has an empty list item';
  const [range = '', step, ...rest] = item.split('/');
  if (rest.length > 0) return `has more than one "/" in "${item}"`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) {
    return `has step "${step}": a step must be a positive whole number`;
  }
  if (step !== undefined && Number(step) > spec.max - spec.min + 1) {
    return `has step ${step}, larger than the field's range ${spec.min}-${spec.max}`;
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `has a malformed range "${range}"`;
  for (const bound of bounds) {
    const problem = checkValue(bound, spec);
    if (problem) return problem;
  }
  const [from, to] = bounds.map((b) => fieldValue(b, spec));
  if (to !== undefined && (from as number) > to) return `has a range "${range}" that ends before it starts`;
  return undefined;
}

function fieldValue(token: string, spec: FieldSpec): number {
  const index = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  return index >= 0 ? index + spec.min : Number(token);
}

function checkValue(token: string, spec: FieldSpec): string | undefined {
  if (spec.names?.includes(token.toUpperCase())) return undefined;
  if (!/^\d+$/.test(token)) {
    const allowed = spec.names ? ` or ${spec.names[0]}-${spec.names.at(-1)}` : '';
    return `has "${token}": expected a number ${spec.min}-${spec.max}${allowed}`;
  }
  const value = Number(token);
  if (value < spec.min || value > spec.max) return `has ${value}, outside ${spec.min}-${spec.max}`;
  return undefined;
}

/** Translates validated AWS cron fields into croner's 7-part pattern (seconds first, Quartz weekdays). */
export function toCronerPattern(fields: CronFields): string {
  const expandStart = (field: string, max: number) =>
    field
      .split(',')
      .map((item) => item.replace(/^(\d+)\/(\d+)$/, `$1-${max}/$2`))
      .join(',');
  const dayOfWeek = fields.dayOfWeek === 'L' ? '7' : fields.dayOfWeek.replace(/^([A-Za-z]+|\d+)L$/, '$1#L');
  return [
    '0',
    expandStart(fields.minutes, 59),
    expandStart(fields.hours, 23),
    expandStart(fields.dayOfMonth, 31),
    expandStart(fields.month, 12),
    expandStart(dayOfWeek, 7),
    expandStart(fields.year, 2199),
  ].join(' ');
}

export interface FireTimeOptions {
  /** IANA time zone the expression is read in (EventBridge Scheduler's ScheduleExpressionTimezone). Default UTC. */
  readonly timezone?: string;
  /** For rate(): the first fire time (Scheduler starts a rate at creation or StartDate); later ones follow every period. Default: `after` (so the first fire is one period later). */
  readonly anchor?: Date;
}

/** The next `count` fire times strictly after `after`. */
export function nextFireTimes(
  schedule: ScheduleExpression,
  after: Date,
  count: number,
  options: FireTimeOptions = {},
): Date[] {
  if (schedule.kind === 'at') {
    const at = zonedLocalToDate(schedule.at, options.timezone ?? 'UTC');
    return at.getTime() > after.getTime() && count > 0 ? [at] : [];
  }
  if (schedule.kind === 'rate') {
    const periodMs = schedule.value * { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[schedule.unit];
    const anchor = (options.anchor ?? after).getTime();
    const first =
      anchor > after.getTime() ? anchor : anchor + (Math.floor((after.getTime() - anchor) / periodMs) + 1) * periodMs;
    return Array.from({ length: count }, (_, i) => new Date(first + i * periodMs));
  }
  const cron = new Cron(toCronerPattern(schedule.fields), {
    mode: '7-part',
    alternativeWeekdays: true,
    timezone: options.timezone ?? 'UTC',
  });
  return cron.nextRuns(count, after);
}

/** Reads `yyyy-mm-ddThh:mm:ss` as wall-clock time in `timezone`. */
function zonedLocalToDate(local: string, timezone: string): Date {
  const cron = new Cron(local, { timezone });
  const next = cron.nextRun(new Date(0));
  return next ?? new Date(`${local}Z`);
}
