import { join } from 'node:path';
import { JsonFile } from '../json-file.js';
import { type GroupRecord, type ScheduleRecord, scheduleKey } from './model.js';

/**
 * Groups, tags and schedules, persisted as one JSON document under the data
 * directory (crash-safe writes: see JsonFile).
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
  private readonly document: JsonFile<PersistedSchedulerState>;

  constructor(readonly dataDir: string) {
    this.document = new JsonFile(join(dataDir, 'scheduler-state.json'), () => ({
      version: 1,
      groups: [...this.groups.values()],
      schedules: [...this.schedules.values()],
    }));
  }

  /** Reads the state left by a previous run, if any. Throws when the file exists but is not readable JSON. */
  async load(): Promise<void> {
    const state = await this.document.read();
    for (const group of state?.groups ?? []) this.groups.set(group.name, group);
    for (const schedule of state?.schedules ?? [])
      this.schedules.set(scheduleKey(schedule.groupName, schedule.name), schedule);
  }

  /** Resolves once every change made before the call is on disk. */
  commit(): Promise<void> {
    return this.document.commit();
  }
}
