import { describe, expect, it } from 'vitest';
import { promotionVerdict } from '../../../shared/resources/campaign.js';
import { reusableBatchJob, reusableImport, trainingDecision } from '../../../shared/resources/freshness.js';
import { nextInLine } from '../../../shared/state/lock.js';

const at = (iso: string) => new Date(iso);
const dated = (arn: string, iso: string) => ({ arn, createdAt: at(iso) });

describe('reusableImport', () => {
  const imports = [dated('i1', '2026-11-01T00:00:00Z'), dated('i2', '2026-11-10T00:00:00Z')];
  it('re-uses the newest import when the data is older than it', () => {
    expect(reusableImport(imports, at('2026-11-09T00:00:00Z'))?.arn).toBe('i2');
    expect(reusableImport(imports, at('2026-11-10T00:00:00Z'))?.arn).toBe('i2');
  });
  it('imports when the data is newer, when nothing was imported, or when the data’s age is unknown', () => {
    expect(reusableImport(imports, at('2026-11-11T00:00:00Z'))).toBeUndefined();
    expect(reusableImport([], at('2026-11-01T00:00:00Z'))).toBeUndefined();
    expect(reusableImport(imports, undefined)).toBeUndefined();
  });
});

describe('trainingDecision', () => {
  const latestActive = dated('v1', '2026-11-10T00:00:00Z');
  const now = at('2026-11-20T00:00:00Z');
  it.each([
    ['forced by a schedule', { force: true, latestActive, importsCreatedAt: [], now }, true],
    ['no ACTIVE version', { force: false, latestActive: undefined, importsCreatedAt: [], now }, true],
    [
      'an import newer than the version',
      { force: false, latestActive, importsCreatedAt: [at('2026-11-11')], now },
      true,
    ],
    ['older than maxAge', { force: false, latestActive, importsCreatedAt: [], now, maxAgeSeconds: 86_400 }, true],
    [
      'nothing new, within maxAge',
      { force: false, latestActive, importsCreatedAt: [at('2026-11-09')], now, maxAgeSeconds: 30 * 86_400 },
      false,
    ],
    ['nothing new, no maxAge', { force: false, latestActive, importsCreatedAt: [], now }, false],
  ])('%s → train: %s', (_why, facts, train) => {
    expect(trainingDecision(facts).train).toBe(train);
  });
});

describe('reusableBatchJob', () => {
  const jobs = [dated('j1', '2026-11-19T00:00:00Z')];
  const now = at('2026-11-20T00:00:00Z');
  it('re-uses the latest job unless forced or older than maxAge', () => {
    expect(reusableBatchJob(jobs, { force: false, now })?.arn).toBe('j1');
    expect(reusableBatchJob(jobs, { force: true, now })).toBeUndefined();
    expect(reusableBatchJob(jobs, { force: false, now, maxAgeSeconds: 3600 })).toBeUndefined();
    expect(reusableBatchJob(jobs, { force: false, now, maxAgeSeconds: 2 * 86_400 })?.arn).toBe('j1');
  });
});

describe('promotionVerdict', () => {
  const gate = { metric: 'normalized_discounted_cumulative_gain_at_10', minRatio: 0.95 };
  it('promotes a version that reaches minRatio × the current one’s metric', () => {
    expect(promotionVerdict(gate, { arn: 'new', value: 0.2 }, { arn: 'old', value: 0.21 })).toEqual({
      promote: true,
      note: 'promoted new: normalized_discounted_cumulative_gain_at_10 0.2000 vs 0.2100 × 0.95 = 0.1995',
    });
  });
  it('holds a worse version, saying both values', () => {
    expect(promotionVerdict(gate, { arn: 'new', value: 0.1 }, { arn: 'old', value: 0.21 })).toEqual({
      promote: false,
      note: 'held new, the campaign stays on old: normalized_discounted_cumulative_gain_at_10 0.1000 vs 0.2100 × 0.95 = 0.1995',
    });
  });
  it('holds a version without the metric, and promotes over a current version without it', () => {
    expect(promotionVerdict(gate, { arn: 'new', value: undefined }, { arn: 'old', value: 0.2 }).promote).toBe(false);
    expect(promotionVerdict(gate, { arn: 'new', value: 0.1 }, { arn: 'old', value: undefined }).promote).toBe(true);
  });
});

describe('nextInLine', () => {
  it('lets the newest waiting run of each kind supersede the older ones, then takes the oldest kept', () => {
    const kinds = { a: 'upload', b: 'schedule:x', c: 'upload', d: 'upload' };
    expect(nextInLine(['a', 'b', 'c', 'd'], kinds)).toEqual({ next: 'b', superseded: ['a', 'c'], rest: ['d'] });
  });
  it('takes waiting runs in order when each is of its own kind, and nothing when none waits', () => {
    expect(nextInLine(['a', 'b'], {})).toEqual({ next: 'a', superseded: [], rest: ['b'] });
    expect(nextInLine([], {})).toEqual({ superseded: [], rest: [] });
  });
});
