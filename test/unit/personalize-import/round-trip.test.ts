import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDataset } from '../../../local/personalize/import/csv-import.js';
import type { DatasetValue } from '../../../local/personalize/import/field-values.js';
import { type DatasetRow, readDatasetRows } from '../../../local/personalize/import/read-dataset.js';
import { checkDatasetSchema, type DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

let harness: S3Harness;
let s3: S3Client;
let outDir: string;
const BUCKET = 'data';
let runs = 0;

const check = checkDatasetSchema(
  {
    type: 'record',
    name: 'Items',
    fields: [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'PRICE', type: ['null', 'double'] },
      { name: 'RATING', type: ['null', 'float'] },
      { name: 'STOCK', type: ['null', 'int'] },
      { name: 'VIEWS', type: ['null', 'long'] },
      { name: 'ON_SALE', type: ['null', 'boolean'] },
      { name: 'CREATION_TIMESTAMP', type: ['null', 'long'] },
      // Last, so that a value ending in "\r" meets the line end in the normalized file.
      { name: 'GENRES', type: ['null', 'string'], categorical: true },
    ],
  },
  'items',
);
if (!check.ok) throw new Error(JSON.stringify(check.problems));
const ITEMS: DatasetSchema = check.schema;

const put = (key: string, body: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));

async function readAll(file: string, schema: DatasetSchema): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  for await (const row of readDatasetRows([file], schema)) rows.push(row);
  return rows;
}

beforeAll(async () => {
  harness = await startS3(BUCKET);
  s3 = harness.client;
  outDir = await mkdtemp(join(tmpdir(), 'mpx-round-trip-'));
});

afterAll(async () => {
  await harness.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe('import, then readDatasetRows', () => {
  it('gives back typed rows in schema order, whatever the column order of the CSV', async () => {
    await put(
      'example/items.csv',
      'ON_SALE,ITEM_ID,PRICE,GENRES\nTrue,i1,9.50,Comedy|Drama\nfalse,"i,2",,\n,i3,-1e3,"say ""hi"""\n',
    );
    const result = await importDataset({
      s3,
      dataLocation: 's3://data/example/items.csv',
      schema: ITEMS,
      kind: 'items',
      outFile: join(outDir, 'example.csv'),
    });
    if (!result.ok) throw new Error(result.failureReason);

    expect(await readAll(result.file, ITEMS)).toEqual([
      ['i1', 9.5, null, null, null, true, null, 'Comedy|Drama'],
      ['i,2', null, null, null, null, false, null, null],
      ['i3', -1000, null, null, null, null, null, 'say "hi"'],
    ]);
  });
});

// --- Property: any valid table, written any valid way, round-trips exactly. ---

/** Characters CSV cares about, mixed with any code point. */
const char = fc.oneof(
  fc.constantFrom(',', '"', '\n', '\r', '\r\n', ' ', '\uFEFF', '|', 'é', '🎬'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: char, minLength: 1, maxLength: 10 });

/** A value and one of the ways a CSV may spell it. */
interface Cell {
  readonly value: DatasetValue;
  readonly spelling: string;
}

const integerCell = (arbitrary: fc.Arbitrary<number>): fc.Arbitrary<Cell> =>
  fc.tuple(arbitrary, fc.constantFrom('plain', 'plus', 'zeros')).map(([value, style]) => ({
    value,
    spelling: style === 'plain' || value < 0 ? String(value) : style === 'plus' ? `+${value}` : `00${String(value)}`,
  }));

const decimalCell = (arbitrary: fc.Arbitrary<number>): fc.Arbitrary<Cell> =>
  fc.tuple(arbitrary, fc.constantFrom('plain', 'exponent', 'precision')).map(([value, style]) => ({
    value: value === 0 ? 0 : value, // -0 is written "0"
    spelling: style === 'plain' ? String(value) : style === 'exponent' ? value.toExponential() : value.toPrecision(17),
  }));

const nullable = (cell: fc.Arbitrary<Cell>): fc.Arbitrary<Cell> =>
  fc.option(cell, { nil: { value: null, spelling: '' }, freq: 4 });

const CELLS: Record<string, fc.Arbitrary<Cell>> = {
  ITEM_ID: text.map((value) => ({ value, spelling: value })),
  GENRES: nullable(text.map((value) => ({ value, spelling: value }))),
  PRICE: nullable(decimalCell(fc.double({ noNaN: true, noDefaultInfinity: true }))),
  RATING: nullable(decimalCell(fc.float({ noNaN: true, noDefaultInfinity: true }))),
  STOCK: nullable(integerCell(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }))),
  VIEWS: nullable(integerCell(fc.maxSafeInteger())),
  ON_SALE: nullable(
    fc.tuple(fc.boolean(), fc.constantFrom('lower', 'upper', 'title')).map(([value, style]) => ({
      value,
      spelling:
        style === 'lower' ? String(value) : style === 'upper' ? String(value).toUpperCase() : value ? 'True' : 'False',
    })),
  ),
  CREATION_TIMESTAMP: nullable(integerCell(fc.integer({ min: 0, max: 10_000_000_000 }))),
};

const OPTIONAL = ITEMS.fields.map((field) => field.name).filter((name) => name !== 'ITEM_ID');

/** Columns: ITEM_ID plus any subset of the others, in any order. */
const columns = fc
  .tuple(fc.shuffledSubarray(OPTIONAL), fc.nat())
  .map(([others, at]) => others.toSpliced(at % (others.length + 1), 0, 'ITEM_ID'));

const table = columns.chain((names) =>
  fc.record({
    names: fc.constant(names),
    rows: fc.array(fc.tuple(...names.map((name) => CELLS[name] as fc.Arbitrary<Cell>)), { maxLength: 12 }),
    quoting: fc.constantFrom('minimal', 'always'),
    lineEnd: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    finalLineEnd: fc.boolean(),
    parts: fc.integer({ min: 1, max: 3 }),
  }),
);

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

function renderCsv({ names, rows, quoting, lineEnd, bom, finalLineEnd }: Table, from: number, to: number): string {
  const quote = (cell: string) =>
    quoting === 'always' || /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
  const lines = [names, ...rows.slice(from, to).map((row) => row.map((cell) => cell.spelling))].map((cells) =>
    cells.map(quote).join(','),
  );
  return `${bom ? '\uFEFF' : ''}${lines.join(lineEnd)}${finalLineEnd ? lineEnd : ''}`;
}

describe('property: round trip', () => {
  it('imports any valid table exactly, in parts or not, and its normalized file is a fixed point', async () => {
    await fc.assert(
      fc.asyncProperty(table, async (generated) => {
        runs += 1;
        const folder = `property/${runs}/`;
        const size = Math.ceil(generated.rows.length / generated.parts);
        for (let part = 0; part < generated.parts; part += 1) {
          await put(`${folder}part-${part}.csv`, renderCsv(generated, part * size, (part + 1) * size));
        }
        const outFile = join(outDir, `property-${runs}.csv`);

        const result = await importDataset({
          s3,
          dataLocation: `s3://${BUCKET}/${folder}`,
          schema: ITEMS,
          kind: 'items',
          outFile,
        });

        if (!result.ok) throw new Error(result.failureReason);
        const expected = generated.rows.map((row) =>
          ITEMS.fields.map((field) => {
            const column = generated.names.indexOf(field.name);
            return column === -1 ? null : (row[column] as Cell).value;
          }),
        );
        expect(result.rows).toBe(expected.length);
        expect(await readAll(outFile, ITEMS)).toEqual(expected);
        expect(result.fields.map((field) => field.rows)).toEqual(
          ITEMS.fields.map((_, index) => expected.filter((row) => row[index] !== null).length),
        );

        const normalized = await readFile(outFile);
        await put(`${folder}normalized/data.csv`, normalized);
        const again = await importDataset({
          s3,
          dataLocation: `s3://${BUCKET}/${folder}normalized/data.csv`,
          schema: ITEMS,
          kind: 'items',
          outFile: `${outFile}.again`,
        });
        expect(again.ok).toBe(true);
        expect(await readFile(`${outFile}.again`)).toEqual(normalized);
      }),
      { numRuns: 60 },
    );
  });
});
