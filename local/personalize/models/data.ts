import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import { readDatasetBatches } from '../import/read-dataset.js';

/**
 * Training data in the compact shape the models need: id dictionaries and
 * interaction columns as typed arrays (about 25 bytes per interaction instead of
 * a row object), plus the categorical and numeric metadata of items and users.
 */

/** The files and schema of one imported dataset, as `datasetData` in `work.ts` returns them. */
export interface DatasetFiles {
  readonly files: readonly string[];
  readonly schema: DatasetSchema;
}

/** Metadata of items or users, indexed like the matching id dictionary. */
export interface Metadata {
  /** Categorical string fields by name: the raw value per index (multi-values joined with `|`), or null. */
  readonly categorical: Readonly<Record<string, readonly (string | null)[]>>;
  /** Numeric fields by name: the value per index, NaN when missing. */
  readonly numeric: Readonly<Record<string, Float64Array>>;
}

/** Interaction columns; index `n` of every array describes the same interaction. */
export interface Interactions {
  readonly length: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Epoch seconds. */
  readonly timestamp: Float64Array;
  /** Index into `TrainingData.eventTypes`; -1 when the interaction has none. */
  readonly eventType: Int32Array;
  /** EVENT_VALUE, NaN when missing; undefined when the schema has no EVENT_VALUE. */
  readonly eventValue: Float64Array | undefined;
}

export interface TrainingData {
  /** User ids by index: users of interactions first, then users only in the users dataset. */
  readonly userIds: readonly string[];
  /** Item ids by index: items of interactions first, then items only in the items dataset (cold items). */
  readonly itemIds: readonly string[];
  readonly eventTypes: readonly string[];
  readonly interactions: Interactions;
  readonly items: Metadata & {
    /** CREATION_TIMESTAMP per item in epoch seconds, NaN when unknown. */
    readonly creationTimestamp: Float64Array;
  };
  readonly users: Metadata;
}

/** How Personalize filters interactions before training (a solution's `eventType` and `eventValueThreshold`). */
export interface InteractionFilter {
  readonly eventType?: string | undefined;
  readonly eventValueThreshold?: number | undefined;
}

/** Growable columns plus dictionaries; `build()` freezes them into {@link TrainingData}. */
export class TrainingDataBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly eventTypeIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private readonly eventTypes: string[] = [];
  private length = 0;
  private user = new Int32Array(1024);
  private item = new Int32Array(1024);
  private timestamp = new Float64Array(1024);
  private eventType = new Int32Array(1024);
  private eventValue = new Float64Array(1024);
  private hasEventValue = false;
  private readonly itemRows = new Map<number, Record<string, string | number | null>>();
  private readonly userRows = new Map<number, Record<string, string | number | null>>();
  private readonly itemFields = new Map<string, 'categorical' | 'numeric'>();
  private readonly userFields = new Map<string, 'categorical' | 'numeric'>();

  /** The index of a user id, added when new. */
  userOf(id: string): number {
    return indexOf(this.userIndex, this.userIds, id);
  }

  /** The index of an item id, added when new. */
  itemOf(id: string): number {
    return indexOf(this.itemIndex, this.itemIds, id);
  }

  addInteraction(
    userId: string,
    itemId: string,
    timestamp: number,
    eventType?: string | null,
    eventValue?: number | null,
  ): void {
    if (this.length === this.user.length) this.grow();
    const n = this.length;
    this.user[n] = this.userOf(userId);
    this.item[n] = this.itemOf(itemId);
    this.timestamp[n] = timestamp;
    this.eventType[n] =
      eventType === undefined || eventType === null ? -1 : indexOf(this.eventTypeIndex, this.eventTypes, eventType);
    if (eventValue !== undefined) this.hasEventValue = true;
    this.eventValue[n] = eventValue ?? Number.NaN;
    this.length = n + 1;
  }

  /** Metadata of an item: categorical strings (multi-values joined with `|`) and numbers; `CREATION_TIMESTAMP` is read as such. */
  setItem(itemId: string, fields: Readonly<Record<string, string | number | null>>): void {
    this.itemRows.set(this.itemOf(itemId), { ...this.itemRows.get(this.itemOf(itemId)), ...fields });
    noteFields(this.itemFields, fields);
  }

  setUser(userId: string, fields: Readonly<Record<string, string | number | null>>): void {
    this.userRows.set(this.userOf(userId), { ...this.userRows.get(this.userOf(userId)), ...fields });
    noteFields(this.userFields, fields);
  }

  build(): TrainingData {
    const n = this.length;
    const items = metadataOf(this.itemRows, this.itemFields, this.itemIds.length);
    const creationTimestamp =
      items.numeric.CREATION_TIMESTAMP ?? new Float64Array(this.itemIds.length).fill(Number.NaN);
    const { CREATION_TIMESTAMP: _, ...numeric } = items.numeric;
    return {
      userIds: [...this.userIds],
      itemIds: [...this.itemIds],
      eventTypes: [...this.eventTypes],
      interactions: {
        length: n,
        user: this.user.slice(0, n),
        item: this.item.slice(0, n),
        timestamp: this.timestamp.slice(0, n),
        eventType: this.eventType.slice(0, n),
        eventValue: this.hasEventValue ? this.eventValue.slice(0, n) : undefined,
      },
      items: { categorical: items.categorical, numeric, creationTimestamp },
      users: metadataOf(this.userRows, this.userFields, this.userIds.length),
    };
  }

  private grow(): void {
    const size = this.user.length * 2;
    this.user = copyInto(new Int32Array(size), this.user);
    this.item = copyInto(new Int32Array(size), this.item);
    this.timestamp = copyInto(new Float64Array(size), this.timestamp);
    this.eventType = copyInto(new Int32Array(size), this.eventType);
    this.eventValue = copyInto(new Float64Array(size), this.eventValue);
  }
}

function copyInto<T extends Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}

function indexOf(index: Map<string, number>, ids: string[], id: string): number {
  let n = index.get(id);
  if (n === undefined) {
    n = ids.length;
    index.set(id, n);
    ids.push(id);
  }
  return n;
}

function noteFields(
  known: Map<string, 'categorical' | 'numeric'>,
  fields: Readonly<Record<string, string | number | null>>,
): void {
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || known.has(name)) continue;
    known.set(name, typeof value === 'number' ? 'numeric' : 'categorical');
  }
}

function metadataOf(
  rows: Map<number, Record<string, string | number | null>>,
  fields: Map<string, 'categorical' | 'numeric'>,
  size: number,
): Metadata {
  const categorical: Record<string, (string | null)[]> = {};
  const numeric: Record<string, Float64Array> = {};
  for (const [name, kind] of fields) {
    if (kind === 'numeric') numeric[name] = new Float64Array(size).fill(Number.NaN);
    else categorical[name] = new Array<string | null>(size).fill(null);
  }
  for (const [index, row] of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (value === null) continue;
      const column = numeric[name];
      if (column && typeof value === 'number') column[index] = value;
      const strings = categorical[name];
      if (strings) strings[index] = String(value);
    }
  }
  return { categorical, numeric };
}

/**
 * Reads the imported datasets of a dataset group into {@link TrainingData}.
 * Interactions are filtered as Personalize filters them for training (`filter`);
 * item fields are kept when categorical strings or numbers, user fields likewise
 * (textual and non-categorical strings are not used by these models).
 *
 * @throws DatasetFileError from `readDatasetBatches` when a file is not a normalized dataset file.
 */
export async function loadTrainingData(
  datasets: { interactions: DatasetFiles; items?: DatasetFiles | undefined; users?: DatasetFiles | undefined },
  filter: InteractionFilter = {},
): Promise<TrainingData> {
  const builder = new TrainingDataBuilder();
  const fields = datasets.interactions.schema.fields.map((f) => f.name);
  const userAt = fields.indexOf('USER_ID');
  // Action interactions train aws-next-best-action: actions play the part of items.
  const itemAt = fields.includes('ITEM_ID') ? fields.indexOf('ITEM_ID') : fields.indexOf('ACTION_ID');
  const timeAt = fields.indexOf('TIMESTAMP');
  const typeAt = fields.indexOf('EVENT_TYPE');
  const valueAt = fields.indexOf('EVENT_VALUE');
  for await (const batch of readDatasetBatches(datasets.interactions.files, datasets.interactions.schema)) {
    for (const row of batch) {
      const eventType = typeAt === -1 ? null : (row[typeAt] as string | null);
      const eventValue = valueAt === -1 ? undefined : (row[valueAt] as number | null);
      if (!keeps(filter, eventType, eventValue ?? null)) continue;
      builder.addInteraction(
        row[userAt] as string,
        row[itemAt] as string,
        row[timeAt] as number,
        eventType,
        eventValue,
      );
    }
  }
  if (datasets.items) {
    const key = datasets.items.schema.fields.some((f) => f.name === 'ITEM_ID') ? 'ITEM_ID' : 'ACTION_ID';
    await readMetadata(datasets.items, key, (id, f) => builder.setItem(id, f));
  }
  if (datasets.users) await readMetadata(datasets.users, 'USER_ID', (id, f) => builder.setUser(id, f));
  return builder.build();
}

function keeps(filter: InteractionFilter, eventType: string | null, eventValue: number | null): boolean {
  if (filter.eventType !== undefined && eventType !== filter.eventType) return false;
  if (filter.eventValueThreshold !== undefined && !(eventValue !== null && eventValue >= filter.eventValueThreshold))
    return false;
  return true;
}

async function readMetadata(
  dataset: DatasetFiles,
  idField: string,
  set: (id: string, fields: Record<string, string | number | null>) => void,
): Promise<void> {
  const usable = dataset.schema.fields
    .map((field, at) => ({ field, at }))
    .filter(
      ({ field }) =>
        field.name !== idField &&
        (field.type === 'string' ? field.categorical : field.type !== 'boolean' || field.categorical),
    );
  const idAt = dataset.schema.fields.findIndex((f) => f.name === idField);
  for await (const batch of readDatasetBatches(dataset.files, dataset.schema)) {
    for (const row of batch) {
      const fields: Record<string, string | number | null> = {};
      for (const { field, at } of usable) {
        const value = row[at] ?? null;
        fields[field.name] = typeof value === 'boolean' ? String(value) : value;
      }
      set(row[idAt] as string, fields);
    }
  }
}

/**
 * The interactions Personalize trains on for a solution: those of `filter.eventType`
 * (all when undefined) with EVENT_VALUE at least `filter.eventValueThreshold`.
 * Dictionaries and metadata are kept, so indices stay valid.
 */
export function filterInteractions(data: TrainingData, filter: InteractionFilter): TrainingData {
  if (filter.eventType === undefined && filter.eventValueThreshold === undefined) return data;
  const typeIndex = filter.eventType === undefined ? undefined : data.eventTypes.indexOf(filter.eventType);
  const source = data.interactions;
  return selectInteractions(data, (n) => {
    if (typeIndex !== undefined && source.eventType[n] !== typeIndex) return false;
    if (filter.eventValueThreshold !== undefined) {
      const value = source.eventValue?.[n] ?? Number.NaN;
      if (!(value >= filter.eventValueThreshold)) return false;
    }
    return true;
  });
}

/** The data with only the interactions `keep` accepts (dictionaries and metadata unchanged). */
export function selectInteractions(data: TrainingData, keep: (n: number) => boolean): TrainingData {
  const source = data.interactions;
  const chosen: number[] = [];
  for (let n = 0; n < source.length; n += 1) if (keep(n)) chosen.push(n);
  const pick = <T extends Int32Array | Float64Array>(column: T, make: (size: number) => T): T => {
    const out = make(chosen.length);
    for (let i = 0; i < chosen.length; i += 1) out[i] = column[chosen[i] as number] as number;
    return out;
  };
  return {
    ...data,
    interactions: {
      length: chosen.length,
      user: pick(source.user, (s) => new Int32Array(s)),
      item: pick(source.item, (s) => new Int32Array(s)),
      timestamp: pick(source.timestamp, (s) => new Float64Array(s)),
      eventType: pick(source.eventType, (s) => new Int32Array(s)),
      eventValue: source.eventValue ? pick(source.eventValue, (s) => new Float64Array(s)) : undefined,
    },
  };
}
