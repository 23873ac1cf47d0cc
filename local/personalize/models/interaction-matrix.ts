import type { TrainingData } from './data.js';

/**
 * The user × item matrix of distinct pairs in compressed sparse rows, built with
 * two counting passes (no sort, no per-pair objects), and its transpose.
 */
export interface SparseRows {
  readonly rows: number;
  readonly offsets: Int32Array;
  readonly columns: Int32Array;
  /** The summed weight of the pair's interactions. */
  readonly values: Float32Array;
}

/** Distinct (user, item) pairs, each with the sum of `weight(n)` over its interactions `n`. */
export function userItemRows(data: TrainingData, weight: (n: number) => number = () => 1): SparseRows {
  const { interactions } = data;
  const users = data.userIds.length;
  const counts = new Int32Array(users + 1);
  for (let n = 0; n < interactions.length; n += 1) {
    const at = (interactions.user[n] as number) + 1;
    counts[at] = (counts[at] as number) + 1;
  }
  for (let u = 0; u < users; u += 1) counts[u + 1] = (counts[u + 1] as number) + (counts[u] as number);
  const cursor = counts.slice(0, users);
  const rawItems = new Int32Array(interactions.length);
  const rawWeights = new Float32Array(interactions.length);
  for (let n = 0; n < interactions.length; n += 1) {
    const u = interactions.user[n] as number;
    const at = cursor[u] as number;
    cursor[u] = at + 1;
    rawItems[at] = interactions.item[n] as number;
    rawWeights[at] = weight(n);
  }
  // Merge duplicates in place, row by row, with a "where is this item in the current row" marker.
  const where = new Int32Array(data.itemIds.length).fill(-1);
  const offsets = new Int32Array(users + 1);
  let write = 0;
  for (let u = 0; u < users; u += 1) {
    const rowStart = write;
    for (let at = counts[u] as number; at < (counts[u + 1] as number); at += 1) {
      const item = rawItems[at] as number;
      const existing = where[item] as number;
      if (existing >= rowStart) {
        rawWeights[existing] = (rawWeights[existing] as number) + (rawWeights[at] as number);
      } else {
        where[item] = write;
        rawItems[write] = item;
        rawWeights[write] = rawWeights[at] as number;
        write += 1;
      }
    }
    offsets[u + 1] = write;
  }
  return { rows: users, offsets, columns: rawItems.slice(0, write), values: rawWeights.slice(0, write) };
}

/** The transpose: item rows of users. */
export function transpose(matrix: SparseRows, columnCount: number): SparseRows {
  const offsets = new Int32Array(columnCount + 1);
  for (const column of matrix.columns) offsets[column + 1] = (offsets[column + 1] as number) + 1;
  for (let c = 0; c < columnCount; c += 1) offsets[c + 1] = (offsets[c + 1] as number) + (offsets[c] as number);
  const cursor = offsets.slice(0, columnCount);
  const columns = new Int32Array(matrix.columns.length);
  const values = new Float32Array(matrix.columns.length);
  for (let r = 0; r < matrix.rows; r += 1) {
    for (let at = matrix.offsets[r] as number; at < (matrix.offsets[r + 1] as number); at += 1) {
      const c = matrix.columns[at] as number;
      const to = cursor[c] as number;
      cursor[c] = to + 1;
      columns[to] = r;
      values[to] = matrix.values[at] as number;
    }
  }
  return { rows: columnCount, offsets, columns, values };
}
