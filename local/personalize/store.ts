import { join } from 'node:path';
import { JsonFile } from '../json-file.js';
import type { Resource } from './model.js';

/** The emulator's metadata: one JSON document under the data directory (see JsonFile for the crash safety). */

export interface PersistedState {
  readonly version: 1;
  readonly resources: Resource[];
}

export class StateStore {
  readonly resources = new Map<string, Resource>();
  private readonly document: JsonFile<PersistedState>;

  constructor(readonly dataDir: string) {
    this.document = new JsonFile(join(dataDir, 'state.json'), () => ({
      version: 1,
      resources: [...this.resources.values()],
    }));
  }

  async load(): Promise<void> {
    const state = await this.document.read();
    for (const resource of state?.resources ?? []) this.resources.set(resource.arn, resource);
  }

  /** Resolves once every change made before the call is on disk. */
  commit(): Promise<void> {
    return this.document.commit();
  }
}
