import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUploadRun, planUpload, uploadTrigger } from '../../../cli/upload-plan.js';
import type { RunSummary } from '../../../shared/state/runs.js';
import { DATA_KINDS, findDataLocations } from '../../../shared/uploads/data-locations.js';

describe('planUpload', () => {
  it('puts data under train/<group>/, batch inputs under batch/<group>/, and the parameter file last', () => {
    const plan = planUpload(
      [
        'config.json',
        'users.csv',
        'interactions.csv',
        'README.md',
        'batch/shop-sims/job_config.json',
        'batch/shop-personalization/job_config.json',
        'items.csv',
      ],
      'shop',
    );
    expect(plan.uploads).toEqual([
      { file: 'interactions.csv', key: 'train/shop/interactions.csv', role: 'data' },
      { file: 'items.csv', key: 'train/shop/items.csv', role: 'data' },
      { file: 'users.csv', key: 'train/shop/users.csv', role: 'data' },
      {
        file: 'batch/shop-personalization/job_config.json',
        key: 'batch/shop/shop-personalization/job_config.json',
        role: 'batch',
      },
      { file: 'batch/shop-sims/job_config.json', key: 'batch/shop/shop-sims/job_config.json', role: 'batch' },
      { file: 'config.json', key: 'train/shop/config.json', role: 'config' },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('uploads a folder of CSV parts instead of the single file, and says what it leaves out', () => {
    const plan = planUpload(
      [
        'config.json',
        'interactions.csv',
        'interactions/part-2.CSV',
        'interactions/part-1.csv',
        'interactions/notes.txt',
        'interactions/old/part-0.csv',
      ],
      'shop',
    );
    expect(plan.uploads.map((u) => u.key)).toEqual([
      'train/shop/interactions/part-1.csv',
      'train/shop/interactions/part-2.CSV',
      'train/shop/config.json',
    ]);
    expect(plan.skipped).toEqual([
      'interactions/notes.txt: only the CSV files directly in interactions/ are read as interactions data',
      'interactions/old/part-0.csv: only the CSV files directly in interactions/ are read as interactions data',
      'interactions.csv: the interactions/ folder of CSV parts is used instead',
    ]);
  });

  it('falls back to <type>.csv when the <type>/ folder has no CSV part', () => {
    const plan = planUpload(['config.json', 'items.csv', 'items/README'], 'g');
    expect(plan.uploads.map((u) => u.key)).toEqual(['train/g/items.csv', 'train/g/config.json']);
  });

  it('uploads only the parameter file from a folder without data (the data already in S3 is used)', () => {
    expect(planUpload(['config.json'], 'g').uploads).toEqual([
      { file: 'config.json', key: 'train/g/config.json', role: 'config' },
    ]);
  });

  it('lays the data out where the run starter finds it, whatever the folder holds', () => {
    const name = fc.constantFrom(...DATA_KINDS, 'other', 'batch');
    const file = fc.oneof(
      name.map((n) => `${n}.csv`),
      fc.tuple(name, fc.constantFrom('a.csv', 'b.CSV', 'c.txt', 'd/e.csv')).map(([n, f]) => `${n}/${f}`),
    );
    fc.assert(
      fc.property(fc.uniqueArray(file, { maxLength: 12 }), (files) => {
        const plan = planUpload(['config.json', ...files], 'g');
        const keys = plan.uploads.map((u) => u.key);
        expect(keys.at(-1)).toBe('train/g/config.json');
        expect(new Set(keys).size).toBe(keys.length);
        // Every kind with data in the folder has a data location among the uploaded keys, and no other.
        const uploaded = findDataLocations('b', 'train/g/', keys);
        const local = findDataLocations('b', '', files);
        expect(Object.keys(uploaded).sort()).toEqual(Object.keys(local).sort());
        for (const [kind, location] of Object.entries(local))
          expect(uploaded[kind as keyof typeof uploaded]).toBe(location.replace('s3://b/', 's3://b/train/g/'));
      }),
    );
  });
});

describe('findUploadRun', () => {
  const trigger = uploadTrigger('bucket', 'shop');
  const run = (runId: string, startedAt: string, fields: Partial<RunSummary> = {}): RunSummary => ({
    runId,
    datasetGroup: 'shop',
    trigger,
    status: 'RUNNING',
    startedAt,
    ...fields,
  });
  const since = new Date('2026-11-28T12:00:00.000Z');

  it('is the oldest new run of the upload’s trigger', () => {
    const runs = [
      run('later', '2026-11-28T12:00:09.000Z'),
      run('ours', '2026-11-28T12:00:01.000Z'),
      run('schedule', '2026-11-28T12:00:00.500Z', { trigger: 'schedule mpx-dev-shop-import 2026-11-28T12:00:00Z' }),
    ];
    expect(findUploadRun(runs, { trigger, before: new Set(), since })?.runId).toBe('ours');
  });

  it('is none of the runs there before the upload, nor one that started well before it', () => {
    const runs = [run('old', '2026-11-28T11:59:59.000Z'), run('older', '2026-11-28T11:00:00.000Z')];
    expect(findUploadRun(runs, { trigger, before: new Set(['old']), since })).toBeUndefined();
    // Within the clock skew allowance, a run not seen before is the upload's.
    expect(findUploadRun(runs, { trigger, before: new Set(), since })?.runId).toBe('old');
  });

  it('is undefined while no run has the upload’s trigger', () => {
    expect(
      findUploadRun([run('x', '2026-11-28T12:00:01.000Z', { trigger: uploadTrigger('bucket', 'other') })], {
        trigger,
        before: new Set(),
        since,
      }),
    ).toBeUndefined();
  });
});
