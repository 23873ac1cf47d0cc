import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Resource } from './model.js';

/**
 * The emulator's metadata, persisted as one JSON document under the data
 * directory. Every write goes to a temporary file that is fsynced and then
 * renamed over the old one, so a crash (even `kill -9`) leaves either the old
 * or the new state, never a torn file. Concurrent commits share one write.
 */

export interface PersistedState {
  readonly version: 1;
  readonly resources: Resource[];
}

export class StateStore {
  readonly resources = new Map<string, Resource>();
  private writing: Promise<void> | undefined;
  private dirty = false;
  private readonly file: string;

  constructor(readonly dataDir: string) {
    this.file = join(dataDir, 'state.json');
  }

  async load(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const state = JSON.parse(text) as PersistedState;
    for (const resource of state.resources) this.resources.set(resource.arn, resource);
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
    const state: PersistedState = { version: 1, resources: [...this.resources.values()] };
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(state));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }
}
