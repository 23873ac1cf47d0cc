import { describe, expect, it } from 'vitest';
import { notifies } from '../../../shared/workflow/finish-run.js';

describe('notifyOn', () => {
  const schedule = 'schedule shop.import 2026-11-28T01:00:00Z';
  const upload = 'upload s3://data/train/shop/config.json';
  it.each([
    ['all', 'SUCCEEDED', schedule, false, true],
    ['failures', 'SUCCEEDED', schedule, false, false],
    ['failures', 'SUCCEEDED', schedule, true, true],
    ['failures', 'FAILED', schedule, false, true],
    ['failures', 'SUCCEEDED', upload, false, true],
    ['failures', 'FAILED', upload, false, true],
  ] as const)('%s: a %s run (%s, a version held: %s) notifies: %s', (notifyOn, status, trigger, held, expected) => {
    expect(notifies(notifyOn, status, trigger, held)).toBe(expected);
  });
});
