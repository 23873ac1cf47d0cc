import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** ARCHITECTURE.md: one code path. Function code never reaches into the local cloud. */

const root = fileURLToPath(new URL('../../', import.meta.url));

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(root, folder), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('layering', () => {
  it.each(['functions', 'shared'])('%s/ imports nothing from local/ or cli/', async (folder) => {
    const offenders: string[] = [];
    for (const file of await sources(folder)) {
      const text = await readFile(file, 'utf8');
      if (/from\s+['"](\.\.\/)+(local|cli)\//.test(text)) offenders.push(file.slice(root.length));
    }
    expect(offenders).toEqual([]);
  });

  it('functions/ never asks whether it runs locally', async () => {
    const offenders: string[] = [];
    for (const file of await sources('functions')) {
      if (/\b(IS_LOCAL|isLocal|LOCALSTACK|MPX_LOCAL)\b/.test(await readFile(file, 'utf8')))
        offenders.push(file.slice(root.length));
    }
    expect(offenders).toEqual([]);
  });
});
