import { describe, expect, it } from 'vitest';
import { notifies } from '../../../shared/workflow/finish-run.js';

describe('notifyOn', () => {
  const schedule = 'schedule shop.import 2026-11-28T01:00:00Z';
  const upload = 'upload s3://data/train/shop/config.json';
  it.each([
    ['all', 'SUCCEEDED', schedule, true],
    ['failures', 'SUCCEEDED', schedule, false],
    ['failures', 'FAILED', schedule, true],
    ['failures', 'SUCCEEDED', upload, true],
    ['failures', 'FAILED', upload, true],
  ] as const)('%s: a %s run (%s) notifies: %s', (notifyOn, status, trigger, expected) => {
    expect(notifies(notifyOn, status, trigger)).toBe(expected);
  });
});
