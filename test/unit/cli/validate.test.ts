import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validateCommand } from '../../../cli/commands/validate.js';
import { main } from '../../../cli/main.js';
import { sampleWith, seedConfigText } from '../../fixtures/configs.js';

const NOW = new Date('2026-11-28T10:00:00Z');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function fileWith(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mpx-validate-'));
  const file = join(dir, 'config.json');
  await writeFile(file, text);
  return file;
}

describe('mpx validate', () => {
  it('prints a valid file with the next three fire times of each schedule', async () => {
    const { io, out } = capture();
    const file = await fileWith(seedConfigText('seed-sample'));
    expect(await validateCommand(file, { now: NOW }, io)).toBe(0);
    expect(out).toEqual([
      `✔ ${file} is a valid parameter file`,
      'Schedules (next 3 fire times, UTC):',
      '  import datasets: cron(0 */6 * * ? *) → 2026-11-28T12:00:00Z, 2026-11-28T18:00:00Z, 2026-11-29T00:00:00Z',
      '  full training of sims-solution: cron(0 0 ? * 1 *) → 2026-11-29T00:00:00Z, 2026-12-06T00:00:00Z, 2026-12-13T00:00:00Z',
      '  full training of popularity-count-solution: cron(0 1 ? * 1 *) → 2026-11-29T01:00:00Z, 2026-12-06T01:00:00Z, 2026-12-13T01:00:00Z',
      '  full training of user-personalization-solution: cron(0 2 ? * 1 *) → 2026-11-29T02:00:00Z, 2026-12-06T02:00:00Z, 2026-12-13T02:00:00Z',
      '  batch inference job user-personalization-solution: cron(0 3 * * ? *) → 2026-11-29T03:00:00Z, 2026-11-30T03:00:00Z, 2026-12-01T03:00:00Z',
    ]);
  });

  it('lists every error with its path and exits 1', async () => {
    const { io, out } = capture();
    const file = await fileWith(
      sampleWith((d) => {
        d.datasetGroup.serviceConfig.name = 'a b';
        d.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS = 0;
      }),
    );
    expect(await validateCommand(file, {}, io)).toBe(1);
    expect(out[0]).toBe(`✖ ${file} has 2 error(s):`);
    expect(out).toContain('  solutions[2].campaigns[0].serviceConfig.minProvisionedTPS: must be at least 1');
  });

  it('prints exactly {valid, errors, warnings} with --json', async () => {
    const { io, out } = capture();
    const file = await fileWith(sampleWith((d) => (d.solutions[0].serviceConfig.performAutoML = true)));
    expect(await validateCommand(file, { json: true }, io)).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] as string)).toEqual({
      valid: true,
      errors: [],
      warnings: [
        {
          path: 'solutions[0].serviceConfig.performAutoML',
          message: 'performAutoML is deprecated by Personalize; mpx drops it and trains the recipeArn',
        },
      ],
    });
  });

  it('exits 2 when the file cannot be read', async () => {
    const { io, out, err } = capture();
    expect(await main(['node', 'mpx', 'validate', '/nonexistent/config.json', '--json'], io)).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual(['mpx validate: cannot read /nonexistent/config.json: ENOENT']);
  });

  it('runs as the installed `mpx` command', async () => {
    const bin = fileURLToPath(new URL('../../../bin/mpx.js', import.meta.url));
    const file = await fileWith('{ "datasetGroup": ');
    const run = promisify(execFile)(process.execPath, [bin, 'validate', '--json', file]);
    await expect(run).rejects.toMatchObject({
      code: 1,
      stdout: `${JSON.stringify({ valid: false, errors: [{ path: '', message: 'invalid JSON at line 1, column 19: expected a value' }], warnings: [] })}\n`,
    });
  });
});
