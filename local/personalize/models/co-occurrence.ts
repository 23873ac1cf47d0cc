import type { SparseRows } from './interaction-matrix.js';
import { TopK } from './top-k.js';

/**
 * Item-to-item neighbours (aws-sims, aws-similar-items): co-occurrence of items
 * in user histories, discounted by the neighbour's popularity, optionally
 * blended with metadata similarity. Per item, counts are accumulated in one
 * dense array reused across items, so the cost is Σ over users of
 * history length² with no pair map.
 */

export interface NeighbourOptions {
  /** 0: raw co-occurrence counts; 1: counts divided by the neighbour's popularity. */
  readonly popularityDiscount: number;
  /** Pairs seen together fewer times than this are ignored. */
  readonly minCoInteractions: number;
  /** Neighbours kept per item (Personalize returns at most 500; 100 covers the common numResults). */
  readonly maxNeighbours: number;
  /** Share of the score given to metadata similarity (0 for sims). */
  readonly metadataWeight: number;
  /** Metadata tokens per item as CSR (item → token ids), for `metadataWeight` > 0. */
  readonly metadataTokens?: SparseRows | undefined;
}

/** Neighbour lists per item, best first, as CSR offsets and item indices. */
export function itemNeighbours(
  userRows: SparseRows,
  itemRows: SparseRows,
  options: NeighbourOptions,
): { neighbourOffsets: Int32Array; neighbours: Int32Array } {
  const itemCount = itemRows.rows;
  const popularity = new Float64Array(itemCount);
  for (let item = 0; item < itemCount; item += 1) {
    popularity[item] = (itemRows.offsets[item + 1] as number) - (itemRows.offsets[item] as number);
  }
  const discount = new Float64Array(itemCount);
  for (let item = 0; item < itemCount; item += 1)
    discount[item] = 1 / Math.max(1, popularity[item] as number) ** options.popularityDiscount;
  const counts = new Float64Array(itemCount);
  const shared = new Float64Array(itemCount);
  const touched = new Int32Array(itemCount);
  const marked = new Uint8Array(itemCount);
  const tokens = options.metadataWeight > 0 ? options.metadataTokens : undefined;
  const tokenItems = tokens ? transposeTokens(tokens, itemCount) : undefined;
  const offsets = new Int32Array(itemCount + 1);
  const lists: Int32Array[] = [];
  const minCount = Math.max(1, options.minCoInteractions);
  for (let item = 0; item < itemCount; item += 1) {
    let touchedCount = 0;
    const touch = (other: number) => {
      if (marked[other] === 0) {
        marked[other] = 1;
        touched[touchedCount] = other;
        touchedCount += 1;
      }
    };
    for (let at = itemRows.offsets[item] as number; at < (itemRows.offsets[item + 1] as number); at += 1) {
      const user = itemRows.columns[at] as number;
      for (let j = userRows.offsets[user] as number; j < (userRows.offsets[user + 1] as number); j += 1) {
        const other = userRows.columns[j] as number;
        if (other === item) continue;
        counts[other] = (counts[other] as number) + 1;
        touch(other);
      }
    }
    if (tokens && tokenItems) {
      for (let at = tokens.offsets[item] as number; at < (tokens.offsets[item + 1] as number); at += 1) {
        const token = tokens.columns[at] as number;
        for (let j = tokenItems.offsets[token] as number; j < (tokenItems.offsets[token + 1] as number); j += 1) {
          const other = tokenItems.columns[j] as number;
          if (other === item) continue;
          shared[other] = (shared[other] as number) + 1;
          touch(other);
        }
      }
    }
    let maxCo = 0;
    for (let t = 0; t < touchedCount; t += 1) {
      const other = touched[t] as number;
      const count = counts[other] as number;
      if (count >= minCount) maxCo = Math.max(maxCo, count * (discount[other] as number));
    }
    const ownTokens = tokens ? (tokens.offsets[item + 1] as number) - (tokens.offsets[item] as number) : 0;
    const top = new TopK(options.maxNeighbours);
    for (let t = 0; t < touchedCount; t += 1) {
      const other = touched[t] as number;
      const count = counts[other] as number;
      const co = count >= minCount && maxCo > 0 ? (count * (discount[other] as number)) / maxCo : 0;
      let score = co;
      if (tokens) {
        const common = shared[other] as number;
        const otherTokens = (tokens.offsets[other + 1] as number) - (tokens.offsets[other] as number);
        const jaccard = common === 0 ? 0 : common / (ownTokens + otherTokens - common);
        score = (1 - options.metadataWeight) * co + options.metadataWeight * jaccard;
      }
      if (score > 0) top.push(score, other);
      counts[other] = 0;
      shared[other] = 0;
      marked[other] = 0;
    }
    const list = Int32Array.from(top.sorted().map((e) => e.index));
    lists.push(list);
    offsets[item + 1] = (offsets[item] as number) + list.length;
  }
  const neighbours = new Int32Array(offsets[itemCount] as number);
  lists.forEach((list, item) => {
    neighbours.set(list, offsets[item] as number);
  });
  return { neighbourOffsets: offsets, neighbours };
}

function transposeTokens(tokens: SparseRows, itemCount: number): { offsets: Int32Array; columns: Int32Array } {
  let tokenCount = 0;
  for (const token of tokens.columns) tokenCount = Math.max(tokenCount, token + 1);
  const offsets = new Int32Array(tokenCount + 1);
  for (const token of tokens.columns) offsets[token + 1] = (offsets[token + 1] as number) + 1;
  for (let t = 0; t < tokenCount; t += 1) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
  const cursor = offsets.slice(0, tokenCount);
  const columns = new Int32Array(tokens.columns.length);
  for (let item = 0; item < itemCount; item += 1) {
    for (let at = tokens.offsets[item] as number; at < (tokens.offsets[item + 1] as number); at += 1) {
      const token = tokens.columns[at] as number;
      columns[cursor[token] as number] = item;
      cursor[token] = (cursor[token] as number) + 1;
    }
  }
  return { offsets, columns };
}
