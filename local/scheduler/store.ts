import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { type GroupRecord, type ScheduleRecord, scheduleKey } from './model.js';

/**
 * Groups, tags and schedules, persisted as one JSON document under the data
 * directory (the pattern of the Personalize emulator's store). Every write
 * goes to a temporary file that is fsynced and renamed over the old one, so a
 * crash, even `kill -9`, leaves the old or the new state, never a torn file.
 * Concurrent commits share one write.
 */

export interface PersistedSchedulerState {
  readonly version: 1;
  readonly groups: GroupRecord[];
  readonly schedules: ScheduleRecord[];
}

export class SchedulerStore {
  readonly groups = new Map<string, GroupRecord>();
  /** By `scheduleKey(group, name)`. */
  readonly schedules = new Map<string, ScheduleRecord>();
  private writing: Promise<void> | undefined;
  private dirty = false;
  private readonly file: string;

  constructor(readonly dataDir: string) {
    this.file = join(dataDir, 'scheduler-state.json');
  }

  /** Reads the state left by a previous run, if any. Throws when the file exists but is not readable JSON. */
  async load(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const state = JSON.parse(text) as PersistedSchedulerState;
    for (const group of state.groups) this.groups.set(group.name, group);
    for (const schedule of state.schedules)
      this.schedules.set(scheduleKey(schedule.groupName, schedule.name), schedule);
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
    const state: PersistedSchedulerState = {
      version: 1,
      groups: [...this.groups.values()],
      schedules: [...this.schedules.values()],
    };
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
