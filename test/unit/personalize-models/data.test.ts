import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterInteractions, loadTrainingData } from '../../../local/personalize/models/data.js';
import type { DatasetSchema, PrimitiveType } from '../../../shared/personalize/dataset-schema.js';

const field = (name: string, type: PrimitiveType, categorical = false) => ({
  name,
  type,
  nullable: true,
  categorical,
  textual: false,
});

const INTERACTIONS: DatasetSchema = {
  name: 'Interactions',
  fields: [
    field('USER_ID', 'string'),
    field('ITEM_ID', 'string'),
    field('TIMESTAMP', 'long'),
    field('EVENT_TYPE', 'string'),
    field('EVENT_VALUE', 'float'),
  ],
};
const ITEMS: DatasetSchema = {
  name: 'Items',
  fields: [
    field('ITEM_ID', 'string'),
    field('GENRES', 'string', true),
    field('DESCRIPTION', 'string'),
    field('PRICE', 'double'),
    field('CREATION_TIMESTAMP', 'long'),
  ],
};

let folder: string;
let interactionsFile: string;
let itemsFile: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mpx-models-'));
  interactionsFile = join(folder, 'interactions.csv');
  itemsFile = join(folder, 'items.csv');
  await writeFile(
    interactionsFile,
    [
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE',
      'u1,a,100,View,',
      'u1,b,110,Purchase,5',
      'u2,a,120,Purchase,1',
      'u2,c,130,View,',
      '',
    ].join('\n'),
  );
  await writeFile(
    itemsFile,
    [
      'ITEM_ID,GENRES,DESCRIPTION,PRICE,CREATION_TIMESTAMP',
      'a,Comedy|Drama,"fun, really",9.5,50',
      'z,Horror,,,',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('loadTrainingData', () => {
  it('reads interactions into id dictionaries and typed columns', async () => {
    const data = await loadTrainingData({ interactions: { files: [interactionsFile], schema: INTERACTIONS } });
    expect(data.userIds).toEqual(['u1', 'u2']);
    expect(data.itemIds).toEqual(['a', 'b', 'c']);
    expect(data.eventTypes).toEqual(['View', 'Purchase']);
    expect(Array.from(data.interactions.user)).toEqual([0, 0, 1, 1]);
    expect(Array.from(data.interactions.item)).toEqual([0, 1, 0, 2]);
    expect(Array.from(data.interactions.timestamp)).toEqual([100, 110, 120, 130]);
    expect(Array.from(data.interactions.eventType)).toEqual([0, 1, 1, 0]);
    expect(Array.from(data.interactions.eventValue ?? [])).toEqual([Number.NaN, 5, 1, Number.NaN]);
  });

  it("keeps only the solution's event type and values at or above the threshold, as Personalize trains", async () => {
    const data = await loadTrainingData(
      { interactions: { files: [interactionsFile], schema: INTERACTIONS } },
      { eventType: 'Purchase', eventValueThreshold: 2 },
    );
    expect(data.interactions.length).toBe(1);
    expect(data.itemIds[data.interactions.item[0] as number]).toBe('b');
  });

  it('reads categorical and numeric item metadata, CREATION_TIMESTAMP apart, and adds items without interactions', async () => {
    const data = await loadTrainingData({
      interactions: { files: [interactionsFile], schema: INTERACTIONS },
      items: { files: [itemsFile], schema: ITEMS },
    });
    expect(data.itemIds).toEqual(['a', 'b', 'c', 'z']);
    expect(data.items.categorical).toEqual({ GENRES: ['Comedy|Drama', null, null, 'Horror'] });
    expect(Array.from(data.items.numeric.PRICE ?? [])).toEqual([9.5, Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(data.items.creationTimestamp)).toEqual([50, Number.NaN, Number.NaN, Number.NaN]);
  });
});

describe('filterInteractions', () => {
  it('keeps dictionaries so indices stay valid', async () => {
    const data = await loadTrainingData({ interactions: { files: [interactionsFile], schema: INTERACTIONS } });
    const views = filterInteractions(data, { eventType: 'View' });
    expect(views.itemIds).toEqual(data.itemIds);
    expect(Array.from(views.interactions.item)).toEqual([0, 2]);
  });
});
