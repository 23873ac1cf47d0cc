import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, type ScheduleRecord } from '../../../local/scheduler/model.js';
import {
  flexibleDelayMs,
  nextScheduledTime,
  RETRY_MAX_DELAY_MS,
  retryDelayMs,
} from '../../../local/scheduler/timing.js';
import { HOUR, MINUTE, T0 } from './harness.js';

/** The pure rules under the emulator's timers, checked over many inputs. */

function schedule(overrides: Partial<ScheduleRecord>): ScheduleRecord {
  return {
    name: 's',
    groupName: 'default',
    arn: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/s',
    scheduleExpression: 'rate(1 hour)',
    state: 'ENABLED',
    target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:q', RoleArn: 'r', RetryPolicy: DEFAULT_RETRY_POLICY },
    flexibleTimeWindow: { Mode: 'OFF' },
    actionAfterCompletion: 'NONE',
    creationDate: T0,
    lastModificationDate: T0,
    ...overrides,
  };
}

describe('flexibleDelayMs', () => {
  it('is within [0, window) and the same for the same name and scheduled time', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-zA-Z_.-]{1,64}$/),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        fc.integer({ min: 1, max: 1440 }),
        (name, time, minutes) => {
          const window = { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: minutes };
          const delay = flexibleDelayMs(name, time, window);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(minutes * MINUTE);
          expect(flexibleDelayMs(name, time, window)).toBe(delay);
        },
      ),
    );
  });

  it('is zero when the window is OFF', () => {
    expect(flexibleDelayMs('s', T0, { Mode: 'OFF', MaximumWindowInMinutes: 60 })).toBe(0);
  });

  it('spreads schedules of the same time over the window', () => {
    const window = { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 60 };
    const delays = Array.from({ length: 200 }, (_, i) => flexibleDelayMs(`schedule-${i}`, T0, window));

    expect(Math.min(...delays)).toBeLessThan(10 * MINUTE);
    expect(Math.max(...delays)).toBeGreaterThan(50 * MINUTE);
  });
});

describe('retryDelayMs', () => {
  it('doubles from one second and stops growing at five minutes', () => {
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 185 }), (retry) => {
        expect(retryDelayMs(retry + 1)).toBeGreaterThanOrEqual(retryDelayMs(retry));
        expect(retryDelayMs(retry)).toBeLessThanOrEqual(RETRY_MAX_DELAY_MS);
      }),
    );
  });
});

describe('nextScheduledTime', () => {
  it('puts every rate occurrence on the grid that starts at StartDate, strictly after the given time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 10 * 24 * 60 }),
        fc.integer({ min: -3 * 24 * 60, max: 30 * 24 * 60 }),
        (hours, startMinutes, afterMinutes) => {
          const startDate = T0 + startMinutes * MINUTE;
          const after = T0 + afterMinutes * MINUTE;
          const next = nextScheduledTime(
            schedule({ scheduleExpression: `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`, startDate }),
            after,
          );
          expect(next).toBeDefined();
          const at = next ?? 0;
          expect(at).toBeGreaterThan(after);
          expect(at).toBeGreaterThanOrEqual(startDate);
          expect((at - startDate) % (hours * HOUR)).toBe(0);
          expect(at - Math.max(after, startDate - 1)).toBeLessThanOrEqual(hours * HOUR);
        },
      ),
    );
  });

  it('never goes past EndDate and never repeats the last scheduled time', () => {
    const hourly = schedule({ scheduleExpression: 'cron(0 * * * ? *)', endDate: T0 + 3 * HOUR });

    expect(nextScheduledTime(hourly, T0 + 2 * HOUR)).toBe(T0 + 3 * HOUR);
    expect(nextScheduledTime(hourly, T0 + 3 * HOUR)).toBeUndefined();
    expect(nextScheduledTime({ ...hourly, lastScheduledTime: T0 + HOUR }, T0 - 1)).toBe(T0 + 2 * HOUR);
  });

  it('gives an at() schedule its wall-clock time in its zone until it has fired, whatever the clock says', () => {
    const once = schedule({ scheduleExpression: 'at(2025-06-01T10:00:00)', timezone: 'Europe/Paris' });

    expect(nextScheduledTime(once, T0)).toBe(Date.UTC(2025, 5, 1, 8));
    expect(nextScheduledTime({ ...once, lastScheduledTime: Date.UTC(2025, 5, 1, 8) }, T0)).toBeUndefined();
  });

  it('lets a schedule with an expression it cannot evaluate never fire instead of throwing', () => {
    expect(nextScheduledTime(schedule({ scheduleExpression: 'cron(5-1 * * * ? *)' }), T0)).toBeUndefined();
  });
});
