import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportDatasetOptions, importDataset } from '../../../local/personalize/import/csv-import.js';
import { checkDatasetSchema, type DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import { type S3Harness, startS3 } from '../../support/s3.js';

let harness: S3Harness;
let s3: S3Client;
let outDir: string;
const BUCKET = 'data';

function schemaOf(name: string, kind: DatasetKind, fields: { name: string; type: unknown }[]): DatasetSchema {
  const check = checkDatasetSchema({ type: 'record', name, fields }, kind);
  if (!check.ok) throw new Error(JSON.stringify(check.problems));
  return check.schema;
}

const INTERACTIONS = schemaOf('Interactions', 'interactions', [
  { name: 'USER_ID', type: 'string' },
  { name: 'ITEM_ID', type: 'string' },
  { name: 'TIMESTAMP', type: 'long' },
  { name: 'EVENT_TYPE', type: ['null', 'string'] },
  { name: 'EVENT_VALUE', type: ['null', 'float'] },
]);

const ITEMS = schemaOf('Items', 'items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'PRICE', type: 'double' },
  { name: 'STOCK', type: ['null', 'int'] },
  { name: 'ON_SALE', type: ['null', 'boolean'] },
  { name: 'CREATION_TIMESTAMP', type: ['null', 'long'] },
]);

let cases = 0;
// ContentLength spares the SDK a warning: it cannot tell the length of an empty body.
const put = (key: string, body: string | Buffer) =>
  s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }));

interface Case {
  readonly schema?: DatasetSchema;
  readonly kind?: DatasetKind;
  readonly maxRecordBytes?: number;
}

/** Uploads `csv` as a new object and imports it into a new output file. */
async function importCsv(csv: string | Buffer, { schema = INTERACTIONS, kind = 'interactions', ...rest }: Case = {}) {
  cases += 1;
  const key = `case-${cases}/data.csv`;
  await put(key, csv);
  const options: ImportDatasetOptions = {
    s3,
    dataLocation: `s3://${BUCKET}/${key}`,
    schema,
    kind,
    outFile: join(outDir, `case-${cases}`, 'dataset.csv'),
    ...rest,
  };
  return { result: await importDataset(options), object: `s3://${BUCKET}/${key}`, outFile: options.outFile };
}

/** The failure reason of importing `csv`, with the object's URI written `<object>`. */
async function failureOf(csv: string | Buffer, options: Case = {}): Promise<string> {
  const { result, object, outFile } = await importCsv(csv, options);
  if (result.ok) throw new Error('expected the import to fail');
  expect(existsSync(outFile)).toBe(false);
  expect(existsSync(`${outFile}.tmp`)).toBe(false);
  return result.failureReason.replaceAll(object, '<object>');
}

async function normalizedOf(csv: string | Buffer, options: Case = {}): Promise<string> {
  const { result } = await importCsv(csv, options);
  if (!result.ok) throw new Error(result.failureReason);
  return readFile(result.file, 'utf8');
}

beforeAll(async () => {
  harness = await startS3(BUCKET);
  s3 = harness.client;
  outDir = await mkdtemp(join(tmpdir(), 'mpx-import-test-'));
});

afterAll(async () => {
  await harness.stop();
  await rm(outDir, { recursive: true, force: true });
});

describe('importDataset: accepted data', () => {
  it('writes one normalized file: schema order, canonical values, null as empty', async () => {
    const csv = [
      'TIMESTAMP,EVENT_VALUE,USER_ID,ITEM_ID,EVENT_TYPE',
      '1700000000,1.50,u1,i1,click',
      '+1700000001,,u2,i2,',
      '0001700000002,2e3,u3,i3,watch',
      '',
    ].join('\n');

    const { result, object, outFile } = await importCsv(csv);

    const text = await readFile(outFile, 'utf8');
    expect(text).toBe(
      [
        'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE',
        'u1,i1,1700000000,click,1.5',
        'u2,i2,1700000001,,',
        'u3,i3,1700000002,watch,2000',
        '',
      ].join('\n'),
    );
    expect(result).toEqual({
      ok: true,
      rows: 3,
      file: outFile,
      bytes: Buffer.byteLength(text),
      parts: [{ bucket: BUCKET, key: object.slice(`s3://${BUCKET}/`.length), size: csv.length, rows: 3 }],
      fields: [
        { name: 'USER_ID', rows: 3 },
        { name: 'ITEM_ID', rows: 3 },
        { name: 'TIMESTAMP', rows: 3 },
        { name: 'EVENT_TYPE', rows: 2 },
        { name: 'EVENT_VALUE', rows: 2 },
      ],
    });
    expect(existsSync(`${outFile}.tmp`)).toBe(false);
  });

  it('imports every CSV part of a folder, in key order, each with its own header', async () => {
    await put('parts/interactions/part-2.csv', 'ITEM_ID,USER_ID,TIMESTAMP\ni3,u3,3\n');
    await put('parts/interactions/part-1.csv', 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\nu2,i2,2\n');
    await put('parts/interactions/_SUCCESS', '');
    await put('parts/interactions/empty.csv', 'USER_ID,ITEM_ID,TIMESTAMP\n');
    const outFile = join(outDir, 'parts.csv');

    const result = await importDataset({
      s3,
      dataLocation: 's3://data/parts/interactions/',
      schema: INTERACTIONS,
      kind: 'interactions',
      outFile,
    });

    expect(result.ok && result.parts.map(({ key, rows }) => [key, rows])).toEqual([
      ['parts/interactions/empty.csv', 0],
      ['parts/interactions/part-1.csv', 2],
      ['parts/interactions/part-2.csv', 1],
    ]);
    expect(result.ok && result.rows).toBe(3);
    expect(await readFile(outFile, 'utf8')).toBe(
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1,,\nu2,i2,2,,\nu3,i3,3,,\n',
    );
  });

  it('reads quoted cells with commas, line breaks and doubled quotes, and quotes them again only where needed', async () => {
    const csv =
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"u1","a,b",1,"say ""hi"""\nu2,"line\nbreak",2,"plain"\nu3,i3,3,"cr\r"\n';
    expect(await normalizedOf(csv)).toBe(
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,"a,b",1,"say ""hi""",\nu2,"line\nbreak",2,plain,\nu3,i3,3,"cr\r",\n',
    );
  });

  it('ignores a UTF-8 byte order mark and reads CRLF, LF and mixed line endings and blank lines', async () => {
    const csv = '\uFEFFUSER_ID,ITEM_ID,TIMESTAMP\r\nu1,i1,1\r\n\r\nu2,"i\r\n2",2\nu3,i3,3';
    expect(await normalizedOf(csv)).toBe(
      'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1,,\nu2,"i\r\n2",2,,\nu3,i3,3,,\n',
    );
  });

  it('accepts text in any script, including characters split across network chunks', async () => {
    const names = ['café', '東京', '🎬🍿', 'Ωmega'];
    const rows = Array.from({ length: 20_000 }, (_, i) => `${names[i % 4]}-${i},${names[(i + 1) % 4]},${i}`);
    const { result } = await importCsv(`USER_ID,ITEM_ID,TIMESTAMP\n${rows.join('\n')}\n`);
    expect(result.ok && result.rows).toBe(20_000);
  });

  it('lets nullable fields be missing from the header or empty, and reads every type', async () => {
    const csv = ['ITEM_ID,PRICE,STOCK,ON_SALE', 'i1,19.990,-05,TRUE', 'i2,1e-7,,False', 'i3,-0,2147483647,', ''].join(
      '\n',
    );
    expect(await normalizedOf(csv, { schema: ITEMS, kind: 'items' })).toBe(
      [
        'ITEM_ID,PRICE,STOCK,ON_SALE,CREATION_TIMESTAMP',
        'i1,19.99,-5,true,',
        'i2,1e-7,,false,',
        'i3,0,2147483647,,',
        '',
      ].join('\n'),
    );
  });

  it('accepts an object that has a header and no rows', async () => {
    const { result } = await importCsv('USER_ID,ITEM_ID,TIMESTAMP\n');
    expect(result.ok && result.rows).toBe(0);
  });

  it('replaces an earlier file only when the import succeeds', async () => {
    const outFile = join(outDir, 'replace', 'dataset.csv');
    await put('replace/good.csv', 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\n');
    await put('replace/bad.csv', 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,soon\n');
    const request = { s3, schema: INTERACTIONS, kind: 'interactions', outFile } as const;

    expect((await importDataset({ ...request, dataLocation: 's3://data/replace/good.csv' })).ok).toBe(true);
    expect((await importDataset({ ...request, dataLocation: 's3://data/replace/bad.csv' })).ok).toBe(false);

    expect(await readFile(outFile, 'utf8')).toBe('USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1,,\n');
    expect(existsSync(`${outFile}.tmp`)).toBe(false);
  });
});

describe('importDataset: the data location', () => {
  it('fails with the listing reason when nothing is there', async () => {
    const outFile = join(outDir, 'nothing.csv');
    const result = await importDataset({
      s3,
      dataLocation: 's3://data/nothing/',
      schema: INTERACTIONS,
      kind: 'interactions',
      outFile,
    });
    expect(result).toEqual({
      ok: false,
      failureReason: 'Input data location s3://data/nothing/ does not exist or has no CSV files',
    });
    expect(existsSync(outFile)).toBe(false);
  });

  it('names the part that fails', async () => {
    await put('failing-parts/a.csv', 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\n');
    await put('failing-parts/b.csv', 'USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,1\nu2,,2\n');
    const result = await importDataset({
      s3,
      dataLocation: 's3://data/failing-parts/',
      schema: INTERACTIONS,
      kind: 'interactions',
      outFile: join(outDir, 'failing-parts.csv'),
    });
    expect(result).toEqual({
      ok: false,
      failureReason:
        's3://data/failing-parts/b.csv row 3, column ITEM_ID: is empty, but ITEM_ID is required in every interactions record',
    });
  });
});

describe('importDataset: the header', () => {
  it.each([
    ['an empty object', '', '<object> row 1: a header row is required, but the file is empty'],
    ['only blank lines', '\n\r\n\n', '<object> row 1: a header row is required, but the file is empty'],
    [
      'an unknown column',
      'USER_ID,ITEM_ID,TIMESTAMP,COLOR\n',
      '<object> row 1, column "COLOR": is not a field of schema Interactions (fields: USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE)',
    ],
    [
      'a name with a stray space',
      'USER_ID, ITEM_ID,TIMESTAMP\n',
      '<object> row 1, column " ITEM_ID": is not a field of schema Interactions (fields: USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE)',
    ],
    [
      'a repeated column',
      'USER_ID,ITEM_ID,TIMESTAMP,USER_ID\n',
      '<object> row 1, column USER_ID: appears more than once in the header',
    ],
    [
      'no header at all (data first)',
      'u1,i1,1700000000\n',
      '<object> row 1, column "u1": is not a field of schema Interactions (fields: USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE, EVENT_VALUE)',
    ],
    [
      'a missing required column',
      'USER_ID,ITEM_ID\nu1,i1\n',
      '<object> row 1: the header has no TIMESTAMP column, but TIMESTAMP is required in every interactions record',
    ],
  ])('fails on %s', async (_, csv, reason) => {
    expect(await failureOf(csv)).toBe(reason);
  });

  it('fails when a non-nullable field has no column', async () => {
    expect(await failureOf('ITEM_ID,STOCK\ni1,3\n', { schema: ITEMS, kind: 'items' })).toBe(
      '<object> row 1: the header has no PRICE column, but PRICE is not nullable in schema Items',
    );
  });
});

describe('importDataset: rows and cells', () => {
  const header = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_VALUE\n';

  it.each([
    ['a short row', 'u1,i1,1,1.5\nu2,i2,2\n', '<object> row 3: has 3 cells, but the header has 4'],
    ['a long row', 'u1,i1,1,1.5,extra\n', '<object> row 2: has 5 cells, but the header has 4'],
    [
      'an empty id',
      'u1,i1,1,\n,i2,2,\n',
      '<object> row 3, column USER_ID: is empty, but USER_ID is required in every interactions record',
    ],
    [
      'an empty quoted id',
      '"",i1,1,\n',
      '<object> row 2, column USER_ID: is empty, but USER_ID is required in every interactions record',
    ],
    [
      'an empty timestamp',
      'u1,i1,,\n',
      '<object> row 2, column TIMESTAMP: is empty, but TIMESTAMP is required in every interactions record',
    ],
    ['a word as a long', 'u1,i1,soon,\n', '<object> row 2, column TIMESTAMP: "soon" is not an integer (type long)'],
    ['a decimal as a long', 'u1,i1,1.5,\n', '<object> row 2, column TIMESTAMP: "1.5" is not an integer (type long)'],
    ['an exponent as a long', 'u1,i1,1e9,\n', '<object> row 2, column TIMESTAMP: "1e9" is not an integer (type long)'],
    ['a padded long', 'u1,i1, 17,\n', '<object> row 2, column TIMESTAMP: " 17" is not an integer (type long)'],
    [
      'a long beyond 2^53',
      'u1,i1,-9007199254740993,\n',
      '<object> row 2, column TIMESTAMP: "-9007199254740993" is out of range for type long (the emulator keeps integers within ±9007199254740991)',
    ],
    [
      'a timestamp in milliseconds',
      'u1,i1,1700000000000,\n',
      '<object> row 2, column TIMESTAMP: "1700000000000" looks like milliseconds: TIMESTAMP must be in Unix epoch seconds',
    ],
    [
      'a word as a float',
      'u1,i1,1,much\n',
      '<object> row 2, column EVENT_VALUE: "much" is not a finite number (type float)',
    ],
    ['NaN', 'u1,i1,1,NaN\n', '<object> row 2, column EVENT_VALUE: "NaN" is not a finite number (type float)'],
    [
      'Infinity',
      'u1,i1,1,-Infinity\n',
      '<object> row 2, column EVENT_VALUE: "-Infinity" is not a finite number (type float)',
    ],
    [
      'a decimal comma',
      'u1,i1,1,"1,5"\n',
      '<object> row 2, column EVENT_VALUE: "1,5" is not a finite number (type float)',
    ],
    [
      'a float beyond 32 bits',
      'u1,i1,1,1e39\n',
      '<object> row 2, column EVENT_VALUE: "1e39" is out of range for type float',
    ],
  ])('fails on %s', async (_, rows, reason) => {
    expect(await failureOf(header + rows)).toBe(reason);
  });

  it.each([
    [
      'an empty non-nullable field',
      'i1,,1,,',
      '<object> row 2, column PRICE: is empty, but PRICE is not nullable in schema Items',
    ],
    [
      'an int beyond 32 bits',
      'i1,1,2147483648,,',
      '<object> row 2, column STOCK: "2147483648" is out of range for type int (-2147483648 to 2147483647)',
    ],
    ['a word as a boolean', 'i1,1,1,yes,', '<object> row 2, column ON_SALE: "yes" is not a boolean (true or false)'],
    ['a number as a boolean', 'i1,1,1,1,', '<object> row 2, column ON_SALE: "1" is not a boolean (true or false)'],
    [
      'a creation time in milliseconds',
      'i1,1,1,true,1700000000000',
      '<object> row 2, column CREATION_TIMESTAMP: "1700000000000" looks like milliseconds: CREATION_TIMESTAMP must be in Unix epoch seconds',
    ],
  ])('fails on %s (items)', async (_, row, reason) => {
    const csv = `ITEM_ID,PRICE,STOCK,ON_SALE,CREATION_TIMESTAMP\n${row}\n`;
    expect(await failureOf(csv, { schema: ITEMS, kind: 'items' })).toBe(reason);
  });

  it('shortens a huge cell in the reason', async () => {
    expect(await failureOf(`${header}u1,i1,${'9'.repeat(500)},\n`)).toBe(
      `<object> row 2, column TIMESTAMP: "${'9'.repeat(47)}..." is out of range for type long (the emulator keeps integers within ±9007199254740991)`,
    );
  });

  it('reports the first problem in the file when a bad cell comes before malformed CSV', async () => {
    expect(await failureOf(`${header}u1,i1,soon,\nu2,i2,2,\nu3,"i3,3,\n`)).toBe(
      '<object> row 2, column TIMESTAMP: "soon" is not an integer (type long)',
    );
  });
});

describe('importDataset: malformed CSV', () => {
  const header = 'USER_ID,ITEM_ID,TIMESTAMP\n';

  it.each([
    [
      'an unclosed quote',
      'u1,i1,1\nu2,"i2,2\nu3,i3,3\n',
      '<object> row 3: a quoted field is not closed before the end of the file',
    ],
    [
      'text after a closing quote',
      'u1,"i1"x,1\n',
      '<object> row 2, column ITEM_ID: a closing quote must be followed by a comma or a line break',
    ],
    [
      'a quote inside an unquoted cell',
      'u1,i"1",1\n',
      '<object> row 2, column ITEM_ID: a quote inside an unquoted field (quote the field and double its quotes)',
    ],
  ])('fails on %s', async (_, rows, reason) => {
    expect(await failureOf(header + rows)).toBe(reason);
  });

  it('fails on a record over the configured size, counting quoted line breaks as part of it', async () => {
    const long = `u2,"${'x\n'.repeat(60)}",2\n`;
    expect(await failureOf(`${header}u1,i1,1\n${long}`, { maxRecordBytes: 100 })).toBe(
      '<object> row 3: the record is longer than 100 bytes',
    );
  });

  it('fails on a record over 1 MiB by default, without reading the rest of the line', async () => {
    const line = `u1,${'x'.repeat(1024 * 1024)},1\n`;
    expect(await failureOf(`${header}${line}`)).toBe('<object> row 2: the record is longer than 1048576 bytes');
  });

  it('accepts a record just under the limit', async () => {
    const { result } = await importCsv(`${header}u1,${'x'.repeat(90)},1\n`, { maxRecordBytes: 100 });
    expect(result.ok).toBe(true);
  });
});

describe('importDataset: encoding', () => {
  const utf8 = (text: string) => Buffer.from(text, 'utf8');
  const header = 'USER_ID,ITEM_ID,TIMESTAMP\n';

  it.each([
    [
      'a Latin-1 byte',
      Buffer.concat([utf8(`${header}u1,i1,1\nu2,caf`), Buffer.from([0xe9]), utf8(',2\n')]),
      `<object> line 3: the file is not valid UTF-8 (invalid byte sequence starting with 0xE9 at byte offset ${header.length + 14})`,
    ],
    [
      'a stray 0xFF',
      Buffer.concat([utf8(header), Buffer.from([0xff]), utf8('u1,i1,1\n')]),
      `<object> line 2: the file is not valid UTF-8 (invalid byte sequence starting with 0xFF at byte offset ${header.length})`,
    ],
    [
      'an overlong encoding',
      Buffer.concat([utf8(`${header}u`), Buffer.from([0xc0, 0xaf]), utf8(',i1,1\n')]),
      `<object> line 2: the file is not valid UTF-8 (invalid byte sequence starting with 0xC0 at byte offset ${header.length + 1})`,
    ],
    [
      'an encoded surrogate',
      Buffer.concat([utf8(`${header}u`), Buffer.from([0xed, 0xa0, 0x80]), utf8(',i1,1\n')]),
      `<object> line 2: the file is not valid UTF-8 (invalid byte sequence starting with 0xED at byte offset ${header.length + 1})`,
    ],
    [
      'a character cut off by the end of the file',
      Buffer.concat([utf8(`${header}u1,i1,1\nu2,i2,2,`), Buffer.from([0xe2, 0x82])]),
      `<object> line 3: the file is not valid UTF-8 (the file ends inside a multi-byte character at byte offset ${header.length + 16})`,
    ],
    [
      'a UTF-16 file',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header, 'utf16le')]),
      '<object> line 1: the file is not valid UTF-8 (invalid byte sequence starting with 0xFF at byte offset 0)',
    ],
  ])('fails on %s', async (_, csv, reason) => {
    expect(await failureOf(csv)).toBe(reason);
  });

  it('finds a bad byte deep in a large object', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => `user-${i},item-${i},${i}\n`).join('');
    const csv = Buffer.concat([utf8(header + rows), Buffer.from([0xff]), utf8(',i,1\n')]);
    expect(await failureOf(csv)).toBe(
      `<object> line 50002: the file is not valid UTF-8 (invalid byte sequence starting with 0xFF at byte offset ${csv.length - 6})`,
    );
  });
});
