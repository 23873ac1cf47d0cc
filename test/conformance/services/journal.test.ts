import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptJournalError } from '../../../local/services/errors.js';
import { Journal, type JournalModel } from '../../../local/services/journal.js';

/** The smallest model: a list of strings. */
class ListModel implements JournalModel<string, string[]> {
  items: string[] = [];
  apply(entry: string): void {
    this.items.push(entry);
  }
  snapshot(): string[] {
    return [...this.items];
  }
  load(snapshot: string[]): void {
    this.items = [...snapshot];
  }
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mpx-journal-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reopen(compactAfterBytes?: number) {
  const model = new ListModel();
  const journal = await Journal.open(model, { dir, ...(compactAfterBytes ? { compactAfterBytes } : {}) });
  return { model, journal };
}

async function journalFile(): Promise<string> {
  const name = (await readdir(dir)).find((n) => n.startsWith('journal-'));
  if (!name) throw new Error('no journal file');
  return join(dir, name);
}

describe('the journal', () => {
  it('replays flushed entries in order after a reopen', async () => {
    const { journal } = await reopen();
    journal.append('a');
    journal.append('b');
    await journal.flush();
    journal.append('c');
    await journal.close();

    const reopened = await reopen();
    await reopened.journal.close();
    expect(reopened.model.items).toEqual(['a', 'b', 'c']);
  });

  it('ignores a torn last line (a write cut by a crash) and keeps appending after it', async () => {
    const first = await reopen();
    first.journal.append('kept');
    await first.journal.close();
    await appendFile(await journalFile(), '{"s":2,"e":"to');
    const second = await reopen();
    second.journal.append('next');
    await second.journal.close();

    expect(second.model.items).toEqual(['kept', 'next']);
    const third = await reopen();
    await third.journal.close();
    expect(third.model.items).toEqual(['kept', 'next']);
  });

  it('refuses to start on a damaged complete line rather than drop what follows', async () => {
    const { journal } = await reopen();
    journal.append('a');
    await journal.close();
    await writeFile(await journalFile(), 'garbage\n{"s":2,"e":"b"}\n', { flag: 'a' });

    await expect(reopen()).rejects.toBeInstanceOf(CorruptJournalError);
  });

  it('shares one write among concurrent flushes (group commit)', async () => {
    const { journal } = await reopen();

    await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        journal.append(`entry ${i}`);
        return journal.flush();
      }),
    );

    expect(journal.stats.entries).toBe(200);
    expect(journal.stats.flushes).toBeLessThan(20);
    await journal.close();
  });

  it('compacts into a snapshot when the journal grows, losing nothing', async () => {
    const { journal } = await reopen(256);
    for (let i = 0; i < 100; i += 1) {
      journal.append(`entry ${i}`);
      await journal.flush();
    }
    await journal.close();

    const reopened = await reopen();
    await reopened.journal.close();
    expect(journal.stats.compactions).toBeGreaterThan(5);
    expect(reopened.model.items).toEqual(Array.from({ length: 100 }, (_, i) => `entry ${i}`));
  });
});
