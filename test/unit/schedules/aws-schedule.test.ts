import { describe, expect, it } from 'vitest';
import { nextFireTimes, parseScheduleExpression, toCronerPattern } from '../../../shared/schedules/aws-schedule.js';

const FROM = new Date('2026-11-28T10:17:00Z'); // a Saturday

function next(expression: string, count = 3, options = {}): string[] {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) throw new Error(parsed.message);
  return nextFireTimes(parsed.schedule, FROM, count, options).map((d) => d.toISOString());
}

describe('AWS cron fire times', () => {
  it.each([
    ['cron(0 */6 * * ? *)', ['2026-11-28T12:00:00.000Z', '2026-11-28T18:00:00.000Z', '2026-11-29T00:00:00.000Z']],
    ['cron(0 2 ? * 1 *)', ['2026-11-29T02:00:00.000Z', '2026-12-06T02:00:00.000Z', '2026-12-13T02:00:00.000Z']],
    ['cron(0 2 ? * SUN *)', ['2026-11-29T02:00:00.000Z', '2026-12-06T02:00:00.000Z', '2026-12-13T02:00:00.000Z']],
    ['cron(0 2 ? * 7 *)', ['2026-12-05T02:00:00.000Z', '2026-12-12T02:00:00.000Z', '2026-12-19T02:00:00.000Z']],
    ['cron(30 8 ? * 2-6 *)', ['2026-11-30T08:30:00.000Z', '2026-12-01T08:30:00.000Z', '2026-12-02T08:30:00.000Z']],
    ['cron(0 9 ? * 6L *)', ['2026-12-25T09:00:00.000Z', '2027-01-29T09:00:00.000Z', '2027-02-26T09:00:00.000Z']],
    ['cron(0 9 ? * 2#1 *)', ['2026-12-07T09:00:00.000Z', '2027-01-04T09:00:00.000Z', '2027-02-01T09:00:00.000Z']],
    ['cron(0 9 L * ? *)', ['2026-11-30T09:00:00.000Z', '2026-12-31T09:00:00.000Z', '2027-01-31T09:00:00.000Z']],
    ['cron(0 9 1W * ? *)', ['2026-12-01T09:00:00.000Z', '2027-01-01T09:00:00.000Z', '2027-02-01T09:00:00.000Z']],
    ['cron(0/20 10 * * ? *)', ['2026-11-28T10:20:00.000Z', '2026-11-28T10:40:00.000Z', '2026-11-29T10:00:00.000Z']],
    ['cron(0 0 1 1 ? 2028-2029)', ['2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z']],
  ])('%s', (expression, expected) => {
    expect(next(expression)).toEqual(expected);
  });

  it('reads the expression in a time zone', () => {
    expect(next('cron(0 9 * * ? *)', 1, { timezone: 'Europe/Paris' })).toEqual(['2026-11-29T08:00:00.000Z']);
  });

  it('translates to croner with seconds first and Quartz weekdays', () => {
    const parsed = parseScheduleExpression('cron(0/15 1 ? * 6L *)');
    expect(parsed.ok && parsed.schedule.kind === 'cron' && toCronerPattern(parsed.schedule.fields)).toBe(
      '0 0-59/15 1 ? * 6#L *',
    );
  });
});

describe('rate() and at()', () => {
  it('fires a rate every period from its anchor', () => {
    const parsed = parseScheduleExpression('rate(6 hours)');
    if (!parsed.ok) throw new Error(parsed.message);
    const anchor = new Date('2026-11-28T00:00:00Z');
    expect(nextFireTimes(parsed.schedule, FROM, 2, { anchor }).map((d) => d.toISOString())).toEqual([
      '2026-11-28T12:00:00.000Z',
      '2026-11-28T18:00:00.000Z',
    ]);
  });

  it('fires at() once, in its time zone', () => {
    expect(next('at(2026-12-01T09:30:00)', 3, { timezone: 'America/New_York' })).toEqual(['2026-12-01T14:30:00.000Z']);
    expect(next('at(2020-01-01T00:00:00)')).toEqual([]);
  });
});

describe('schedule expression errors', () => {
  it.each([
    ['cron(0 0 * * * *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 0 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(60 0 * * ? *)', 'minutes field "60" has 60, outside 0-59'],
    ['cron(0 24 * * ? *)', 'hours field "24" has 24, outside 0-23'],
    ['cron(0 0 32 * ? *)', 'day-of-month field "32" has 32, outside 1-31'],
    ['cron(0 0 ? 13 * *)', 'month field "13" has 13, outside 1-12'],
    ['cron(0 0 ? * 8 *)', 'day-of-week field "8" has 8, outside 1-7'],
    ['cron(0 0 ? * 2#6 *)', 'uses #6: the occurrence must be 1 to 5'],
    ['cron(0 0 1 * ? 1969)', 'year field "1969" has 1969, outside 1970-2199'],
    ['cron(? 0 1 * ? *)', 'minutes field "?" cannot be "?"'],
    ['cron(0 0 1 * ?)', 'has 5 field(s)'],
    ['cron(*/0 0 1 * ? *)', 'has step "0": a step must be a positive whole number'],
    ['cron(0 0 1 FOO ? *)', 'month field "FOO" has "FOO": expected a number 1-12 or JAN-DEC'],
    ['rate(0 minutes)', 'needs a value of at least 1'],
    ['rate(5 minute)', 'must use "minutes" for the value 5'],
    ['rate(5 weeks)', 'has unit "weeks": use minute(s), hour(s) or day(s)'],
    ['at(2026-02-30T00:00:00)', 'is not a real date and time'],
    ['0 0 * * ? *', 'is not a schedule expression'],
  ])('%s', (expression, fragment) => {
    const parsed = parseScheduleExpression(expression);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(fragment);
  });
});

describe('expressions the evaluator could not run are refused by the parser', () => {
  it.each([
    ['cron(5-1 * * * ? *)', 'minutes field "5-1" has a range "5-1" that ends before it starts'],
    ['cron(0/70 * * * ? *)', 'minutes field "0/70" has step 70, larger than the field\'s range 0-59'],
    ['cron(0 0 ? * FRI-MON *)', 'day-of-week field "FRI-MON" has a range "FRI-MON" that ends before it starts'],
  ])('%s', (expression, fragment) => {
    const parsed = parseScheduleExpression(expression);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(fragment);
  });
});

describe('rate() anchors', () => {
  it('fires at the anchor itself when it is still ahead', () => {
    const parsed = parseScheduleExpression('rate(1 hour)');
    if (!parsed.ok) throw new Error(parsed.message);
    const anchor = new Date('2026-11-28T12:00:00Z');
    expect(nextFireTimes(parsed.schedule, FROM, 2, { anchor }).map((d) => d.toISOString())).toEqual([
      '2026-11-28T12:00:00.000Z',
      '2026-11-28T13:00:00.000Z',
    ]);
  });
});
