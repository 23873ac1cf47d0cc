import { appendFile, mkdir, open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DatasetSchema } from '../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../shared/personalize/recipes.js';
import type { OperationContext } from './context.js';
import type { FilterDataView, InteractionRecord, MetadataRecord } from './filters/evaluate.js';
import { csvCell, type DatasetValue } from './import/field-values.js';
import { readDatasetBatches } from './import/read-dataset.js';
import type { Resource } from './model.js';
import { inDatasetGroup } from './operations/common.js';
import { currentSegments, type DatasetSegment, STREAMED } from './operations/datasets.js';
import { datasetData, datasetDirectory } from './work.js';

/**
 * What a dataset group holds, in memory, for the runtime: item and user
 * metadata by id and interactions by user — the data view filters evaluate
 * against. Built on first use and rebuilt when the group's data changes
 * (an import becomes ACTIVE, events are streamed).
 */

export interface GroupView {
  readonly filterData: FilterDataView;
  readonly items: ReadonlyMap<string, MetadataRecord>;
  readonly users: ReadonlyMap<string, MetadataRecord>;
}

async function records(files: string[], schema: DatasetSchema, key: string): Promise<Map<string, MetadataRecord>> {
  const names = schema.fields.map((f) => f.name);
  const index = names.indexOf(key);
  const out = new Map<string, MetadataRecord>();
  for await (const batch of readDatasetBatches(files, schema)) {
    for (const row of batch) {
      const record: Record<string, DatasetValue> = {};
      names.forEach((name, i) => {
        record[name] = row[i] ?? null;
      });
      out.set(String(row[index]), record);
    }
  }
  return out;
}

async function interactionsByUser(files: string[], schema: DatasetSchema): Promise<Map<string, InteractionRecord[]>> {
  const names = schema.fields.map((f) => f.name);
  const [user, item, time, type] = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE'].map((n) => names.indexOf(n)) as [
    number,
    number,
    number,
    number,
  ];
  const out = new Map<string, InteractionRecord[]>();
  for await (const batch of readDatasetBatches(files, schema)) {
    for (const row of batch) {
      const id = String(row[user]);
      let list = out.get(id);
      if (!list) {
        list = [];
        out.set(id, list);
      }
      list.push({
        id: String(row[item]),
        eventType: type >= 0 ? ((row[type] as string | null) ?? null) : null,
        timestamp: Number(row[time]),
      });
    }
  }
  return out;
}

export class DatasetViews {
  private readonly cache = new Map<string, { signature: string; view: Promise<GroupView> }>();

  private signature(ctx: OperationContext, datasetGroupArn: string): string {
    return inDatasetGroup(ctx, 'dataset', datasetGroupArn)
      .map(
        (d) =>
          `${d.arn}:${currentSegments(ctx, d)
            .map((s) => `${s.file}#${s.rows}`)
            .join(',')}`,
      )
      .join('|');
  }

  /** The group's view as of now (cached while its data is unchanged). */
  view(ctx: OperationContext, datasetGroupArn: string): Promise<GroupView> {
    const signature = this.signature(ctx, datasetGroupArn);
    const cached = this.cache.get(datasetGroupArn);
    if (cached?.signature === signature) return cached.view;
    const view = this.build(ctx, datasetGroupArn);
    this.cache.set(datasetGroupArn, { signature, view });
    return view;
  }

  private async build(ctx: OperationContext, datasetGroupArn: string): Promise<GroupView> {
    const data = (kind: DatasetKind) => datasetData(ctx, datasetGroupArn, kind);
    const items = data('items');
    const users = data('users');
    const interactions = data('interactions');
    const itemMap = items ? await records(items.files, items.schema, 'ITEM_ID') : new Map<string, MetadataRecord>();
    const userMap = users ? await records(users.files, users.schema, 'USER_ID') : new Map<string, MetadataRecord>();
    const byUser = interactions
      ? await interactionsByUser(interactions.files, interactions.schema)
      : new Map<string, InteractionRecord[]>();
    return {
      items: itemMap,
      users: userMap,
      filterData: { items: itemMap, users: userMap, interactionsOf: (userId) => byUser.get(userId) ?? [] },
    };
  }
}

/**
 * Appends rows streamed by the events API to the dataset's streamed file
 * (normalized CSV, fsynced before the call is answered) and records it as a
 * segment, so filters see the rows at once and models at the next training.
 */
export async function appendStreamedRows(
  ctx: OperationContext,
  dataDir: string,
  dataset: Resource,
  schema: DatasetSchema,
  rows: DatasetValue[][],
): Promise<void> {
  const file = join(datasetDirectory(dataDir, dataset), `${STREAMED}.csv`);
  const segments = (dataset.internal?.segments ?? []) as DatasetSegment[];
  const existing = segments.find((s) => s.importJobArn === STREAMED);
  if (!existing) {
    await mkdir(datasetDirectory(dataDir, dataset), { recursive: true });
    await writeFile(file, `${schema.fields.map((f) => f.name).join(',')}\n`);
  }
  const text = rows.map((row) => `${row.map((v) => (v === null ? '' : csvCell(String(v)))).join(',')}\n`).join('');
  await appendFile(file, text);
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  const segment: DatasetSegment = {
    importJobArn: STREAMED,
    importMode: 'INCREMENTAL',
    file,
    rows: (existing?.rows ?? 0) + rows.length,
    finishedAt: ctx.now,
  };
  dataset.internal = {
    ...dataset.internal,
    segments: [...segments.filter((s) => s.importJobArn !== STREAMED), segment],
  };
  ctx.mutated = true;
}
