import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One JSON document persisted crash-safely: each write goes to a temporary
 * file that is fsynced and renamed over the old one, so a crash (even
 * `kill -9`) leaves the old or the new document, never a torn one. Commits
 * made while a write runs share the next write.
 */
export class JsonFile<T> {
  private writing: Promise<void> | undefined;
  private dirty = false;

  /** `snapshot` builds the document from the caller's in-memory state at write time. */
  constructor(
    readonly file: string,
    private readonly snapshot: () => T,
  ) {}

  /** The document a previous run left, or undefined. Throws when it exists but is not JSON. */
  async read(): Promise<T | undefined> {
    await mkdir(dirname(this.file), { recursive: true });
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Resolves once every change made before the call is on disk. */
  async commit(): Promise<void> {
    this.dirty = true;
    while (this.dirty) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.dirty = false;
      this.writing = this.write().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
  }

  private async write(): Promise<void> {
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(this.snapshot()));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }
}
