import type { DatasetKind } from '../personalize/recipes.js';

/**
 * Where a dataset group's data is, as the deprecated solution laid it out:
 * next to the parameter file, `<type>.csv` or a folder `<type>/` of CSV parts,
 * the folder winning when both exist (REFERENCE.md "Data location").
 */

export const DATA_KINDS: readonly DatasetKind[] = ['interactions', 'items', 'users', 'actions', 'action_interactions'];

/** `train/<group>/config.json` → `train/<group>/` (the folder the data sits in). */
export function dataFolderOf(configKey: string): string {
  const slash = configKey.lastIndexOf('/');
  return slash < 0 ? '' : configKey.slice(0, slash + 1);
}

/**
 * The S3 data location (Personalize `dataLocation`) of each dataset kind with
 * data among `keys` (the object keys under the config's folder).
 */
export function findDataLocations(
  bucket: string,
  folder: string,
  keys: readonly string[],
): Partial<Record<DatasetKind, string>> {
  const found: Partial<Record<DatasetKind, string>> = {};
  for (const kind of DATA_KINDS) {
    const partPrefix = `${folder}${kind}/`;
    const hasParts = keys.some(
      (key) =>
        key.startsWith(partPrefix) && key.toLowerCase().endsWith('.csv') && !key.slice(partPrefix.length).includes('/'),
    );
    if (hasParts) found[kind] = `s3://${bucket}/${partPrefix}`;
    else if (keys.includes(`${folder}${kind}.csv`)) found[kind] = `s3://${bucket}/${folder}${kind}.csv`;
  }
  return found;
}

/** An object under the data folder, as S3 lists it. */
export interface ListedObject {
  readonly key: string;
  readonly lastModified?: Date;
}

/**
 * When the data at each location was last written (ISO): the newest object of
 * a `<type>/` folder, or the `<type>.csv` file. Unknown when S3 gave no date.
 */
export function dataModifiedAt(
  bucket: string,
  locations: Partial<Record<DatasetKind, string>>,
  objects: readonly ListedObject[],
): Partial<Record<DatasetKind, string>> {
  const out: Partial<Record<DatasetKind, string>> = {};
  for (const [kind, location] of Object.entries(locations) as [DatasetKind, string][]) {
    const path = location.slice(`s3://${bucket}/`.length);
    const dates = objects
      .filter((o) => (path.endsWith('/') ? o.key.startsWith(path) : o.key === path))
      .map((o) => o.lastModified?.getTime());
    if (dates.length === 0 || dates.some((d) => d === undefined)) continue;
    out[kind] = new Date(Math.max(...(dates as number[]))).toISOString();
  }
  return out;
}
