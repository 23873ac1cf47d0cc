import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatasetFileError,
  type DatasetRow,
  readDatasetBatches,
  readDatasetRows,
} from '../../../local/personalize/import/read-dataset.js';
import type { DatasetSchema, PrimitiveType } from '../../../shared/personalize/dataset-schema.js';

let folder: string;
let files = 0;

const field = (name: string, type: PrimitiveType, nullable = true) => ({
  name,
  type,
  nullable,
  categorical: false,
  textual: false,
});

const ITEMS: DatasetSchema = {
  name: 'Items',
  fields: [
    field('ITEM_ID', 'string', false),
    field('PRICE', 'double'),
    field('STOCK', 'int'),
    field('ON_SALE', 'boolean'),
    field('GENRES', 'string'),
  ],
};
const HEADER = 'ITEM_ID,PRICE,STOCK,ON_SALE,GENRES\n';

/** A normalized file, as importDataset writes them. */
async function normalizedFile(text: string): Promise<string> {
  files += 1;
  const path = join(folder, `dataset-${files}.csv`);
  await writeFile(path, text);
  return path;
}

async function rowsOf(paths: string[], schema = ITEMS): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  for await (const row of readDatasetRows(paths, schema)) rows.push(row);
  return rows;
}

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'mpx-read-dataset-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('readDatasetRows', () => {
  it('yields typed values in schema order, null for empty cells', async () => {
    const path = await normalizedFile(`${HEADER}i1,19.99,-5,true,Comedy|Drama\ni2,,,,\ni3,1e-7,0,false,\n`);
    expect(await rowsOf([path])).toEqual([
      ['i1', 19.99, -5, true, 'Comedy|Drama'],
      ['i2', null, null, null, null],
      ['i3', 1e-7, 0, false, null],
    ]);
  });

  it('reads quoted cells with commas, doubled quotes and line breaks', async () => {
    const path = await normalizedFile(`${HEADER}"a,b",1,2,true,"say ""hi"""\ni2,1,2,true,"two\nlines\r\n"\n"""",,,,\n`);
    expect(await rowsOf([path])).toEqual([
      ['a,b', 1, 2, true, 'say "hi"'],
      ['i2', 1, 2, true, 'two\nlines\r\n'],
      ['"', null, null, null, null],
    ]);
  });

  it('reads several files in order, each with its header', async () => {
    const first = await normalizedFile(`${HEADER}i1,1,1,true,\n`);
    const empty = await normalizedFile(HEADER);
    const second = await normalizedFile(`${HEADER}i2,2,2,false,\n`);
    expect((await rowsOf([first, empty, second])).map((row) => row[0])).toEqual(['i1', 'i2']);
  });

  it('reads records that straddle the 1 MiB read chunks, quoted or not', async () => {
    const rows: DatasetRow[] = [];
    let text = HEADER;
    for (let i = 0; i < 30_000; i += 1) {
      const genres = i % 3 === 0 ? `"g,${i}\n""x"""` : `g${i}`;
      text += `item-${i},${i}.5,${i},${i % 2 === 0},${genres}\n`;
      rows.push([`item-${i}`, i + 0.5, i, i % 2 === 0, i % 3 === 0 ? `g,${i}\n"x"` : `g${i}`]);
    }
    const path = await normalizedFile(text);
    expect(await rowsOf([path])).toEqual(rows);
    let batches = 0;
    for await (const _ of readDatasetBatches([path], ITEMS)) batches += 1;
    expect(batches).toBeGreaterThan(1);
  });

  it('can be left early with break', async () => {
    const path = await normalizedFile(`${HEADER}i1,1,1,true,\ni2,2,2,true,\n`);
    for await (const row of readDatasetRows([path], ITEMS)) {
      expect(row[0]).toBe('i1');
      break;
    }
  });

  it.each([
    [
      'a header of another schema',
      'ITEM_ID,PRICE\ni1,1\n',
      'record 1): the header is not "ITEM_ID,PRICE,STOCK,ON_SALE,GENRES"',
    ],
    ['a short row', `${HEADER}i1,1,1,true,\ni2,1\n`, 'record 3): a row has 2 cells instead of 5'],
    ['a missing final line break', `${HEADER}i1,1,1,true,`, 'record 2): the file does not end with a line break'],
    ['an empty file', '', 'record 1): the file is empty'],
    [
      'text after a quoted cell',
      `${HEADER}"i1"x,1,1,true,\n`,
      'record 2): a quoted cell is followed by something other than "," or a line break',
    ],
  ])('throws DatasetFileError on %s', async (_, text, problem) => {
    const path = await normalizedFile(text);
    const reading = rowsOf([path]);
    await expect(reading).rejects.toThrow(DatasetFileError);
    await expect(rowsOf([path])).rejects.toThrow(`${path} is not a normalized dataset file (${problem}`);
  });
});
