import type { RunSummary } from '../shared/state/runs.js';
import { DATA_KINDS } from '../shared/uploads/data-locations.js';

/**
 * What `mpx upload <dir>` puts where, decided from the folder's file list
 * alone: the data in the layout the run starter reads (`<type>.csv`, or a
 * `<type>/` folder of CSV parts that wins over it — shared/uploads/data-locations.ts),
 * the batch inputs under `batch/<dataset group>/`, and the parameter file
 * last, because its upload starts the run. Pure: the command lists and uploads.
 */

export interface PlannedUpload {
  /** The file's path relative to the folder, with `/` separators. */
  readonly file: string;
  readonly key: string;
  readonly role: 'data' | 'batch' | 'config';
}

export interface UploadPlan {
  /** Data first, then batch inputs, then `train/<dataset group>/config.json`. */
  readonly uploads: readonly PlannedUpload[];
  /** Files that look like data but are left out, and why. */
  readonly skipped: readonly string[];
}

const isCsv = (name: string) => name.toLowerCase().endsWith('.csv');
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The upload plan of a folder whose files (relative paths, `/` separators) are `files`. */
export function planUpload(files: readonly string[], datasetGroup: string): UploadPlan {
  const uploads: PlannedUpload[] = [];
  const skipped: string[] = [];
  const sorted = [...files].sort(byName);
  for (const kind of DATA_KINDS) {
    const inFolder = sorted.filter((f) => f.startsWith(`${kind}/`));
    const parts = inFolder.filter((f) => isCsv(f) && !f.slice(kind.length + 1).includes('/'));
    for (const f of inFolder) {
      if (!parts.includes(f)) skipped.push(`${f}: only the CSV files directly in ${kind}/ are read as ${kind} data`);
    }
    const single = sorted.find((f) => f.toLowerCase() === `${kind}.csv`);
    if (parts.length > 0) {
      for (const f of parts) uploads.push({ file: f, key: `train/${datasetGroup}/${f}`, role: 'data' });
      if (single) skipped.push(`${single}: the ${kind}/ folder of CSV parts is used instead`);
    } else if (single) {
      uploads.push({ file: single, key: `train/${datasetGroup}/${kind}.csv`, role: 'data' });
    }
  }
  for (const f of sorted.filter((f) => f.startsWith('batch/'))) {
    uploads.push({ file: f, key: `batch/${datasetGroup}/${f.slice('batch/'.length)}`, role: 'batch' });
  }
  uploads.push({ file: 'config.json', key: `train/${datasetGroup}/config.json`, role: 'config' });
  return { uploads, skipped };
}

/** The trigger a run started by uploading `train/<dataset group>/config.json` to `bucket` records. */
export const uploadTrigger = (bucket: string, datasetGroup: string): string =>
  `upload s3://${bucket}/train/${datasetGroup}/config.json`;

/**
 * The run an upload started: the oldest run with the upload's trigger that
 * was not there before the upload (`before`) and started no earlier than
 * `since` less `skewMs` (the client's clock against the function's).
 */
export function findUploadRun(
  runs: readonly RunSummary[],
  upload: { readonly trigger: string; readonly before: ReadonlySet<string>; readonly since: Date },
  skewMs = 5000,
): RunSummary | undefined {
  const earliest = upload.since.getTime() - skewMs;
  return runs
    .filter((r) => r.trigger === upload.trigger && !upload.before.has(r.runId))
    .filter((r) => Date.parse(r.startedAt) >= earliest)
    .sort((a, b) => byName(a.startedAt, b.startedAt))[0];
}
