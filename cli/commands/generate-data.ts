import { basename, resolve } from 'node:path';
import { generateDataset } from '../../local/personalize/data/generate.js';
import { DEFAULT_DATASET_GROUP, GeneratedConfigError, writeDataset } from '../../local/personalize/data/write.js';
import type { Output } from './validate.js';

/** The options of `mpx local generate-data`, as commander passes them (strings). */
export interface GenerateDataOptions {
  readonly users: string;
  readonly items: string;
  readonly interactions: string;
  readonly seed: string;
  readonly out: string;
  /** Default: the name of the output folder when it is a valid name, else `synthetic-retail`. */
  readonly datasetGroup?: string;
  /** First day of the period, an ISO date. */
  readonly start?: string;
  readonly days?: string;
}

const RESOURCE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

/**
 * `mpx local generate-data`: writes a seeded synthetic retail data set
 * (interactions.csv, items.csv, users.csv) and its parameter file
 * (config.json) into `--out`, then prints each file's rows and size.
 * 0 written, 2 bad options (including a dataset group name that would make an
 * invalid parameter file).
 */
export async function generateDataCommand(options: GenerateDataOptions, io: Output): Promise<number> {
  const fail = (message: string): number => {
    io.err(`mpx local generate-data: ${message}`);
    return 2;
  };
  const counts: Record<'users' | 'items' | 'interactions' | 'seed', number> = {
    users: 0,
    items: 0,
    interactions: 0,
    seed: 0,
  };
  for (const key of ['users', 'items', 'interactions', 'seed'] as const) {
    const text = options[key];
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) return fail(`--${key} must be a whole number, not ${text}`);
    counts[key] = value;
  }
  const days = options.days === undefined ? undefined : Number(options.days);
  const start = options.start === undefined ? undefined : new Date(options.start);
  const folder = basename(resolve(options.out));
  const datasetGroup = options.datasetGroup ?? (RESOURCE_NAME.test(folder) ? folder : DEFAULT_DATASET_GROUP);

  const started = performance.now();
  try {
    const dataset = generateDataset({
      ...counts,
      ...(days === undefined ? {} : { days }),
      ...(start === undefined ? {} : { start }),
    });
    const written = await writeDataset(dataset, options.out, { datasetGroup });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const period = `${isoDay(dataset.start)} to ${isoDay(dataset.end - 1)}`;
    io.out(
      `Wrote dataset group ${written.datasetGroup} (seed ${dataset.seed}, ${period}) to ${options.out} in ${seconds} s:`,
    );
    const width = Math.max(...written.files.map((file) => file.name.length));
    for (const file of written.files) {
      const rows = file.rows === undefined ? '' : `${file.rows.toLocaleString('en-US')} rows, `;
      io.out(`  ${file.name.padEnd(width)}  ${rows}${formatBytes(file.bytes)}`);
    }
    io.out(`Upload them under train/${written.datasetGroup}/ (config.json last: it starts the run).`);
    return 0;
  } catch (error) {
    if (error instanceof RangeError) return fail(error.message.replace(/^(\w+) must/, '--$1 must'));
    if (error instanceof GeneratedConfigError) {
      return fail(`--dataset-group ${datasetGroup} makes an invalid parameter file: ${error.errors[0]?.message}`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EACCES') {
      return fail(`cannot write to --out ${options.out}: ${code}`);
    }
    throw error;
  }
}

const isoDay = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
