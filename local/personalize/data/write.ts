import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ConfigIssue } from '../../../shared/config/types.js';
import { validate } from '../../../shared/config/validate.js';
import type { SyntheticDataset } from './generate.js';
import { datasetParameterFile, INTERACTION_FIELDS, ITEM_FIELDS, USER_FIELDS } from './parameter-file.js';

/** The dataset group name when none is given. */
export const DEFAULT_DATASET_GROUP = 'synthetic-retail';

/** Lines are handed to the file in chunks of about this many characters. */
const CHUNK_CHARS = 256 * 1024;

/** Options of {@link writeDataset}. */
export interface WriteDatasetOptions {
  /** Name of the dataset group, prefix of every resource in config.json; default {@link DEFAULT_DATASET_GROUP}. */
  readonly datasetGroup?: string;
}

/** One file written, with its size in bytes. */
export interface WrittenFile {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  /** Data rows, header not counted; absent for config.json. */
  readonly rows?: number;
}

/** What {@link writeDataset} wrote. */
export interface WrittenDataset {
  readonly datasetGroup: string;
  /** interactions.csv, items.csv, users.csv, config.json, in that order. */
  readonly files: readonly WrittenFile[];
}

/** The parameter file for the dataset group does not validate (in practice: a bad or too long name). */
export class GeneratedConfigError extends Error {
  override readonly name = 'GeneratedConfigError';

  constructor(readonly errors: readonly ConfigIssue[]) {
    super(`the generated parameter file is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
}

/**
 * Writes `dataset` flat into `outDir` (created if needed) as the files a user
 * uploads under `train/<dataset group>/`: interactions.csv, items.csv and
 * users.csv with Personalize headers and epoch-second timestamps, and the
 * matching config.json. Interactions are streamed: memory does not grow with
 * their number.
 *
 * @throws GeneratedConfigError before writing anything when the parameter file
 * for `datasetGroup` would not validate; file-system errors as they come.
 */
export async function writeDataset(
  dataset: SyntheticDataset,
  outDir: string,
  options: WriteDatasetOptions = {},
): Promise<WrittenDataset> {
  const datasetGroup = options.datasetGroup ?? DEFAULT_DATASET_GROUP;
  const configText = `${JSON.stringify(datasetParameterFile(datasetGroup), null, 2)}\n`;
  const check = validate(configText);
  if (!check.ok) throw new GeneratedConfigError(check.errors);
  await mkdir(outDir, { recursive: true });

  const { users, items } = dataset;
  const interactions = await writeCsv(join(outDir, 'interactions.csv'), INTERACTION_FIELDS, function* () {
    for (const row of dataset.interactions()) {
      yield `${users[row.userIndex]?.id},${items[row.itemIndex]?.id},${row.timestamp},${row.eventType}`;
    }
  });
  const itemFile = await writeCsv(join(outDir, 'items.csv'), ITEM_FIELDS, function* () {
    for (const item of items) yield `${item.id},${item.category},${item.price},${item.creationTimestamp}`;
  });
  const userFile = await writeCsv(join(outDir, 'users.csv'), USER_FIELDS, function* () {
    for (const user of users) yield `${user.id},${user.age},${user.segment}`;
  });
  const configPath = join(outDir, 'config.json');
  await writeFile(configPath, configText);
  return {
    datasetGroup,
    files: [
      interactions,
      itemFile,
      userFile,
      { name: 'config.json', path: configPath, bytes: Buffer.byteLength(configText) },
    ],
  };
}

async function writeCsv(
  path: string,
  fields: readonly { readonly name: string }[],
  lines: () => Iterable<string>,
): Promise<WrittenFile> {
  const stream = createWriteStream(path, { highWaterMark: 4 * CHUNK_CHARS });
  try {
    let chunk = `${fields.map((field) => field.name).join(',')}\n`;
    let rows = 0;
    for (const line of lines()) {
      chunk += `${line}\n`;
      rows += 1;
      if (chunk.length >= CHUNK_CHARS) {
        if (!stream.write(chunk)) await once(stream, 'drain');
        chunk = '';
      }
    }
    stream.end(chunk);
    await finished(stream);
    return { name: basename(path), path, bytes: stream.bytesWritten, rows };
  } catch (error) {
    stream.destroy();
    throw error;
  }
}
