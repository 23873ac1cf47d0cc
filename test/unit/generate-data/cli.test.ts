import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.js';
import { validate } from '../../../shared/config/validate.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

const generate = (...args: string[]) => ['node', 'mpx', 'local', 'generate-data', ...args];

describe('mpx local generate-data', () => {
  it('writes the CSVs and config.json, prints rows and sizes, and exits 0', async () => {
    const { io, out, err } = capture();
    const dir = join(await mkdtemp(join(tmpdir(), 'mpx-cli-')), 'train', 'summer-shop');
    const args = generate('--users', '100', '--items', '50', '--interactions', '3000', '--seed', '3', '--out', dir);

    expect(await main(args, io)).toBe(0);

    expect(err).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'interactions.csv', 'items.csv', 'users.csv']);
    expect(out[0]).toMatch(
      /^Wrote dataset group summer-shop \(seed 3, 2026-01-01 to 2026-03-31\) to .* in \d+\.\d s:$/,
    );
    expect(out[1]).toMatch(/^ {2}interactions\.csv {2}3,000 rows, \d+\.\d KiB$/);
    expect(out[2]).toMatch(/^ {2}items\.csv {9}50 rows, \d+\.\d KiB$/);
    expect(out[3]).toMatch(/^ {2}users\.csv {9}100 rows, \d+\.\d KiB$/);
    expect(out[4]).toMatch(/^ {2}config\.json {7}\d+\.\d KiB$/);
    expect(out[5]).toBe('Upload them under train/summer-shop/ (config.json last: it starts the run).');
    expect(validate(await readFile(join(dir, 'config.json'), 'utf8')).ok).toBe(true);
  });

  it('names the dataset group after --dataset-group, and honours --start and --days', async () => {
    const { io, out } = capture();
    const dir = await mkdtemp(join(tmpdir(), 'mpx-cli-'));
    const args = generate('--interactions', '1000', '--out', dir, '--dataset-group', 'outlet');
    expect(await main([...args, '--start', '2025-12-01', '--days', '7'], io)).toBe(0);
    expect(out[0]).toContain('Wrote dataset group outlet (seed 42, 2025-12-01 to 2025-12-07)');
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.datasetGroup.serviceConfig.name).toBe('outlet');
  });

  it.each([
    [['--users', 'many'], 'mpx local generate-data: --users must be a whole number, not many'],
    [['--days', '0'], 'mpx local generate-data: --days must be a whole number of at least 1, not 0'],
    [['--start', 'someday'], 'mpx local generate-data: --start must be a valid date'],
    [
      ['--dataset-group', 'my shop'],
      'mpx local generate-data: --dataset-group my shop makes an invalid parameter file: must match ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*$ (letters, digits, "-" and "_", starting with a letter or digit)',
    ],
  ])('exits 2 on %j with a message', async (extra, message) => {
    const { io, err } = capture();
    const dir = await mkdtemp(join(tmpdir(), 'mpx-cli-'));
    expect(await main(generate('--out', dir, ...extra), io)).toBe(2);
    expect(err).toEqual([message]);
  });

  it('exits 2 without --out', async () => {
    const { io, err } = capture();
    expect(await main(generate(), io)).toBe(2);
    expect(err.join('\n')).toContain("required option '--out <dir>' not specified");
  });
});
