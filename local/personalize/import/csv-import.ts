import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CsvError, type Parser, parse } from 'csv-parse';
import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import type { DatasetKind } from '../../../shared/personalize/recipes.js';
import { type CsvObject, listCsvObjects, s3FailureReason, s3Uri } from './data-location.js';
import { DatasetFileWriter } from './dataset-file.js';
import { type CellRule, canonicalCell, cellRules, csvCell, quoteForMessage } from './field-values.js';
import { type Utf8Check, Utf8Guard } from './utf8-guard.js';

/**
 * A dataset import job's work: stream every CSV part of `dataLocation` from S3,
 * check it against the dataset schema as Personalize does, and write the
 * accepted rows to one normalized CSV file (see field-values.ts) that training
 * reads back with `readDatasetRows`.
 *
 * Failure reasons name the object, the row and the column:
 * `s3://bucket/key row 7, column TIMESTAMP: "abc" is not an integer (type long)`.
 * Rows are CSV records counted from the header (row 1), blank lines not counted;
 * bytes that are not UTF-8 are located by line, since they stop the parser
 * before a record exists.
 */

/** Personalize refuses CSV records over 1 MB. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

export interface ImportDatasetOptions {
  /** Configured by the caller for the endpoint (the local cloud or AWS). */
  readonly s3: S3Client;
  /** `s3://bucket/key.csv` or a folder `s3://bucket/prefix/`. */
  readonly dataLocation: string;
  readonly schema: DatasetSchema;
  readonly kind: DatasetKind;
  /** The normalized output file; written as `<outFile>.tmp` first. */
  readonly outFile: string;
  /**
   * Longest accepted record (csv-parse's `max_record_size`: characters, which are bytes for ASCII);
   * default {@link DEFAULT_MAX_RECORD_BYTES}, 0 for no limit.
   */
  readonly maxRecordBytes?: number;
}

export interface ImportedPart extends CsvObject {
  readonly rows: number;
}

export interface FieldStats {
  readonly name: string;
  /** Rows where the field has a value (not null). */
  readonly rows: number;
}

export type ImportResult =
  | {
      readonly ok: true;
      /** Data rows imported (headers not counted). */
      readonly rows: number;
      readonly file: string;
      /** Size of the normalized file. */
      readonly bytes: number;
      readonly parts: readonly ImportedPart[];
      /** One entry per schema field, in schema order. */
      readonly fields: readonly FieldStats[];
    }
  | { readonly ok: false; readonly failureReason: string };

type Failure = { readonly ok: false; readonly failureReason: string };
const fail = (failureReason: string): Failure => ({ ok: false, failureReason });

/**
 * Imports the CSV data at `options.dataLocation` into `options.outFile`.
 * Bad data (missing objects, header or cell problems, malformed CSV, records
 * over the size limit, non-UTF-8 bytes) is an `ok: false` result with a
 * Personalize-like `failureReason`, and no file is left under `outFile`.
 * Memory stays flat whatever the size of the files.
 *
 * @throws S3 errors that are not about the data (throttling, network) and
 * file-system errors on the output file: the job may be retried.
 */
export async function importDataset(options: ImportDatasetOptions): Promise<ImportResult> {
  const listing = await listCsvObjects(options.s3, options.dataLocation);
  if (!listing.ok) return listing;
  const rules = cellRules(options.schema, options.kind);
  const table = new ImportedTable(options.schema, rules, await DatasetFileWriter.create(options.outFile));
  try {
    table.output.add(`${rules.map((rule) => csvCell(rule.name)).join(',')}\n`);
    const parts: ImportedPart[] = [];
    for (const object of listing.objects) {
      const outcome = await importPart(options, object, table);
      if (typeof outcome !== 'number') {
        await table.output.discard();
        return outcome;
      }
      parts.push({ ...object, rows: outcome });
    }
    const bytes = await table.output.commit();
    const rows = parts.reduce((sum, part) => sum + part.rows, 0);
    const fields = rules.map((rule, index) => ({ name: rule.name, rows: table.nonNull[index] ?? 0 }));
    return { ok: true, rows, file: options.outFile, bytes, parts, fields };
  } catch (error) {
    await table.output.discard();
    throw error;
  }
}

/** What all parts share: the schema, the output file and the per-field counts. */
class ImportedTable {
  readonly nonNull: number[];
  readonly fieldIndex: ReadonlyMap<string, number>;

  constructor(
    readonly schema: DatasetSchema,
    readonly rules: readonly CellRule[],
    readonly output: DatasetFileWriter,
  ) {
    this.nonNull = rules.map(() => 0);
    this.fieldIndex = new Map(rules.map((rule, index) => [rule.name, index]));
  }
}

/** Imports one object; returns its row count or the failure. */
async function importPart(
  options: ImportDatasetOptions,
  object: CsvObject,
  table: ImportedTable,
): Promise<number | Failure> {
  const where = s3Uri(object);
  let body: Readable;
  try {
    const response = await options.s3.send(new GetObjectCommand({ Bucket: object.bucket, Key: object.key }));
    body = asReadable(response.Body);
  } catch (error) {
    const failureReason = s3FailureReason(error, where);
    if (failureReason !== undefined) return fail(failureReason);
    throw error;
  }
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const records = new PartRecords(where, table);
  const parser = parse({
    bom: true,
    // Both endings in one list, so a file mixing them still splits on every line.
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true, // cell counts are checked here, to name the row
    skip_empty_lines: true,
    max_record_size: maxRecordBytes,
  });
  // With a 'data' listener and no other consumer, records are handled synchronously
  // while the parser runs, so a bad cell is reported before a later syntax error.
  parser.on('data', (record: string[]) => records.accept(record));
  let parseError: unknown;
  parser.on('error', (error) => {
    parseError ??= error;
  });
  const guard = new Utf8Guard();
  const csvFailure = (): Failure | undefined =>
    records.failure ?? (parseError === undefined ? undefined : syntaxFailure(parseError, records, maxRecordBytes));
  try {
    for await (const chunk of body) {
      const checked = guard.push(chunk as Buffer);
      await write(parser, checked.bytes);
      records.throwIfBroken();
      const failure = csvFailure() ?? notUtf8(where, checked);
      if (failure) return failure;
      await table.output.flushIfFull();
    }
    const tail = guard.end();
    await write(parser, tail.bytes);
    records.throwIfBroken();
    const failure = csvFailure() ?? notUtf8(where, tail);
    if (failure) return failure;
    parser.end();
    await finished(parser).catch((error: unknown) => {
      parseError ??= error;
    });
    records.throwIfBroken();
    const last = csvFailure();
    if (last) return last;
    if (records.row === 0) return fail(`${where} row 1: a header row is required, but the file is empty`);
    return records.row - 1;
  } finally {
    body.destroy();
    parser.destroy();
  }
}

/**
 * Bytes that are not UTF-8 are located by line: the guard runs ahead of the
 * parser, so no record holds them yet. The valid bytes before them were parsed
 * first, so an earlier problem wins.
 */
function notUtf8(where: string, checked: Utf8Check): Failure | undefined {
  if (checked.ok) return undefined;
  return fail(
    `${where} line ${checked.line}: the file is not valid UTF-8 (${checked.problem} at byte offset ${checked.offset})`,
  );
}

/** Feeds bytes to the parser; resolves once they are parsed (errors arrive through the 'error' listener). */
function write(parser: Parser, bytes: Buffer): Promise<void> {
  if (bytes.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    parser.write(bytes, () => resolve());
  });
}

/** The SDK's Node build returns the HTTP response itself (an IncomingMessage) as the body. */
function asReadable(body: unknown): Readable {
  if (body instanceof Readable) return body;
  throw new TypeError('GetObject returned a body that is not a Node.js Readable');
}

/** A csv-parse error as a failure reason; the record in progress is the row after the last one handled. */
function syntaxFailure(error: unknown, records: PartRecords, maxRecordBytes: number): Failure {
  if (!(error instanceof CsvError)) throw error;
  const row = `${records.where} row ${records.row + 1}`;
  const at = (column: unknown): string =>
    typeof column === 'number' ? `${row}, column ${records.columnName(column)}` : row;
  switch (error.code) {
    case 'CSV_MAX_RECORD_SIZE':
      return fail(`${row}: the record is longer than ${maxRecordBytes} bytes`);
    case 'CSV_QUOTE_NOT_CLOSED':
      return fail(`${row}: a quoted field is not closed before the end of the file`);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return fail(`${at(error.column)}: a closing quote must be followed by a comma or a line break`);
    case 'INVALID_OPENING_QUOTE':
      return fail(`${at(error.column)}: a quote inside an unquoted field (quote the field and double its quotes)`);
    default:
      return fail(`${row}: invalid CSV (${error.message})`);
  }
}

/** The records of one object: the header, then each row checked and written in canonical form. */
class PartRecords {
  /** Records handled so far, the header included. */
  row = 0;
  failure: Failure | undefined;
  private broken: unknown;
  private header: readonly string[] = [];
  /** For each schema field, the index of its column in this object, or -1. */
  private sources: Int32Array | undefined;

  constructor(
    readonly where: string,
    private readonly table: ImportedTable,
  ) {}

  accept(record: string[]): void {
    if (this.failure !== undefined || this.broken !== undefined) return;
    this.row += 1;
    try {
      this.failure = this.sources === undefined ? this.readHeader(record) : this.readRow(record, this.sources);
    } catch (error) {
      // A bug, not bad data: rethrown by the import loop rather than lost in the parser.
      this.broken = error;
    }
  }

  throwIfBroken(): void {
    if (this.broken !== undefined) throw this.broken;
  }

  columnName(index: number): string {
    const name = this.header[index];
    return name === undefined ? `#${index + 1}` : quoteName(name, this.table.fieldIndex);
  }

  private readHeader(names: string[]): Failure | undefined {
    const { schema, rules, fieldIndex } = this.table;
    const sources = new Int32Array(rules.length).fill(-1);
    for (const [column, name] of names.entries()) {
      const field = fieldIndex.get(name);
      if (field === undefined) {
        const expected = rules.map((rule) => rule.name).join(', ');
        return fail(
          `${this.where} row 1, column ${quoteForMessage(name)}: is not a field of schema ${schema.name} (fields: ${expected})`,
        );
      }
      if (sources[field] !== -1)
        return fail(`${this.where} row 1, column ${name}: appears more than once in the header`);
      sources[field] = column;
    }
    for (const [field, rule] of rules.entries()) {
      if (sources[field] === -1 && rule.requiredBecause !== undefined) {
        return fail(`${this.where} row 1: the header has no ${rule.name} column, but ${rule.requiredBecause}`);
      }
    }
    this.header = names;
    this.sources = sources;
    return undefined;
  }

  private readRow(record: string[], sources: Int32Array): Failure | undefined {
    if (record.length !== this.header.length) {
      return fail(
        `${this.where} row ${this.row}: has ${record.length} cells, but the header has ${this.header.length}`,
      );
    }
    const { rules, nonNull, output } = this.table;
    let line = '';
    for (let field = 0; field < rules.length; field += 1) {
      const rule = rules[field] as CellRule;
      const source = sources[field] as number;
      const text = canonicalCell(source === -1 ? '' : (record[source] as string), rule);
      if (typeof text !== 'string') return fail(`${this.where} row ${this.row}, column ${rule.name}: ${text.message}`);
      if (text !== '') nonNull[field] = (nonNull[field] as number) + 1;
      line = field === 0 ? text : `${line},${text}`;
    }
    output.add(`${line}\n`);
    return undefined;
  }
}

/** Schema field names print bare; anything else is quoted so stray spaces show. */
const quoteName = (name: string, fields: ReadonlyMap<string, number>): string =>
  fields.has(name) ? name : quoteForMessage(name);
