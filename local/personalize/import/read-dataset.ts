import { createReadStream } from 'node:fs';
import type { DatasetSchema } from '../../../shared/personalize/dataset-schema.js';
import { type CellDecoder, cellDecoder, type DatasetValue } from './field-values.js';

/**
 * Reads the normalized files written by `importDataset` back as typed rows, for
 * training-time checks and training. The format is ours (header = schema field
 * names, `\n` line ends, quotes only around cells holding `,` `"` or line
 * breaks), so lines without a quote are split directly and only quoted records
 * take the slow path. No general CSV parser needed, and none of its cost.
 */

export type DatasetRow = DatasetValue[];

/** Thrown when a file is not a normalized dataset file for the schema: a programming or storage error, never user data. */
export class DatasetFileError extends Error {
  override readonly name = 'DatasetFileError';
}

const READ_CHUNK = 1 << 20;

/**
 * The rows of `files`, in order, each an array of values in schema order
 * (`null` for empty cells). Streams: memory holds one chunk of a file.
 *
 * @throws DatasetFileError when a file's header is not the schema's field names or a row is malformed;
 * file-system errors as they are.
 */
export function readDatasetRows(files: readonly string[], schema: DatasetSchema): AsyncIterable<DatasetRow> {
  return {
    [Symbol.asyncIterator]: () => {
      // Hand-rolled rather than `yield*` in an async generator: that costs several
      // promise turns per row, this one resolved promise (about 30% faster over 1M rows).
      const batches = readDatasetBatches(files, schema)[Symbol.asyncIterator]();
      let batch: DatasetRow[] = [];
      let next = 0;
      return {
        next: async (): Promise<IteratorResult<DatasetRow>> => {
          while (next >= batch.length) {
            const result = await batches.next();
            if (result.done) return { done: true, value: undefined };
            batch = result.value;
            next = 0;
          }
          const row = batch[next] as DatasetRow;
          next += 1;
          return { done: false, value: row };
        },
        return: async (): Promise<IteratorResult<DatasetRow>> => {
          await batches.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/**
 * Like {@link readDatasetRows}, but yields the rows of each chunk (about 1 MiB
 * of text) together: one await per batch instead of one per row, for loops over
 * millions of rows.
 *
 * @throws DatasetFileError as {@link readDatasetRows}.
 */
export async function* readDatasetBatches(
  files: readonly string[],
  schema: DatasetSchema,
): AsyncIterable<DatasetRow[]> {
  const decoders = schema.fields.map((field) => cellDecoder(field.type));
  const header = schema.fields.map((field) => field.name).join(',');
  for (const file of files) {
    const reader = new RecordReader(file, header, decoders);
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: READ_CHUNK })) {
      const rows = reader.push(chunk as string);
      if (rows.length > 0) yield rows;
    }
    reader.end();
  }
}

class RecordReader {
  private carry = '';
  private headerSeen = false;
  /** Records read so far, the header included. */
  private records = 0;

  constructor(
    private readonly file: string,
    private readonly header: string,
    private readonly decoders: readonly CellDecoder[],
  ) {}

  /** The complete records of `text` (with what was left of the previous chunk); an incomplete tail waits. */
  push(chunk: string): DatasetRow[] {
    const text = this.carry === '' ? chunk : this.carry + chunk;
    const rows: DatasetRow[] = [];
    let start = 0;
    let quote = text.indexOf('"');
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end === -1) break;
      if (quote !== -1 && quote < start) quote = text.indexOf('"', start);
      let cells: string[];
      if (quote === -1 || quote > end) {
        cells = text.slice(start, end).split(',');
        start = end + 1;
      } else {
        const record = parseQuotedRecord(text, start);
        if (record === undefined) break;
        if (record === 'malformed') this.fail('a quoted cell is followed by something other than "," or a line break');
        cells = record.cells;
        start = record.next;
      }
      this.accept(cells, rows);
    }
    this.carry = text.slice(start);
    return rows;
  }

  end(): void {
    if (this.carry !== '') this.fail('the file does not end with a line break');
    if (!this.headerSeen) this.fail('the file is empty');
  }

  private accept(cells: string[], rows: DatasetRow[]): void {
    if (!this.headerSeen) {
      if (cells.join(',') !== this.header) this.fail(`the header is not "${this.header}"`);
      this.headerSeen = true;
      this.records = 1;
      return;
    }
    const { decoders } = this;
    if (cells.length !== decoders.length) this.fail(`a row has ${cells.length} cells instead of ${decoders.length}`);
    const row: DatasetRow = new Array(decoders.length);
    for (let index = 0; index < decoders.length; index += 1) {
      row[index] = (decoders[index] as CellDecoder)(cells[index] as string);
    }
    rows.push(row);
    this.records += 1;
  }

  private fail(problem: string): never {
    throw new DatasetFileError(
      `${this.file} is not a normalized dataset file (record ${this.records + 1}): ${problem}`,
    );
  }
}

/** One record starting at `start` that contains quoted cells, or undefined when it runs past the end of `text`. */
function parseQuotedRecord(text: string, start: number): { cells: string[]; next: number } | 'malformed' | undefined {
  const cells: string[] = [];
  let at = start;
  for (;;) {
    let cell: string;
    if (text.charCodeAt(at) === 0x22) {
      cell = '';
      let from = at + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) return undefined;
        cell += text.slice(from, close);
        if (text.charCodeAt(close + 1) === 0x22) {
          cell += '"';
          from = close + 2;
          continue;
        }
        // A quote at the very end of the text may still be followed by a second one.
        if (close + 1 >= text.length) return undefined;
        at = close + 1;
        break;
      }
    } else {
      let end = at;
      while (end < text.length) {
        const code = text.charCodeAt(end);
        if (code === 0x2c || code === 0x0a) break;
        end += 1;
      }
      if (end >= text.length) return undefined;
      cell = text.slice(at, end);
      at = end;
    }
    cells.push(cell);
    const separator = text.charCodeAt(at);
    if (separator === 0x0a) return { cells, next: at + 1 };
    if (separator !== 0x2c) return 'malformed';
    at += 1;
  }
}
