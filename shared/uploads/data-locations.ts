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
