/**
 * Seeded randomness for the synthetic data generator. `Math.random` cannot be
 * seeded, and a benchmark data set must be the same bytes for the same seed on
 * every machine, so everything here is integer arithmetic on 32-bit state.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * A small fast generator (sfc32) whose 128-bit state is spread from `seed` and
 * `stream` by splitmix32, so each stream of one seed is independent of the others.
 */
export function seededRandom(seed: number, stream = 0): Random {
  let mix = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  const next32 = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  // State in a typed array: closure variables holding 32-bit values would be boxed on every draw.
  const state = Int32Array.of(next32(), next32(), next32(), next32());
  const random: Random = () => {
    const a = state[0] as number;
    const b = state[1] as number;
    const c = state[2] as number;
    const d = state[3] as number;
    const t = (((a + b) | 0) + d) | 0;
    state[3] = (d + 1) | 0;
    state[0] = b ^ (b >>> 9);
    state[1] = (c + (c << 3)) | 0;
    state[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i += 1) random();
  return random;
}

/** A whole number in [0, n). */
export const randomInt = (random: Random, n: number): number => Math.floor(random() * n);

/** A standard normal deviate (Box–Muller). */
export function normal(random: Random): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Fisher–Yates: a random permutation of 0..n-1. */
export function permutation(random: Random, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  for (let i = n - 1; i > 0; i -= 1) {
    const j = randomInt(random, i + 1);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  return order;
}

/** Walker's alias table: draws index `i` with probability `weights[i] / Σ weights` in O(1). */
export class AliasTable {
  readonly #probability: Float64Array;
  readonly #alias: Int32Array;

  constructor(weights: ArrayLike<number>) {
    const n = weights.length;
    if (n === 0) throw new RangeError('an alias table needs at least one weight');
    let total = 0;
    for (let i = 0; i < n; i += 1) total += weights[i] as number;
    this.#probability = new Float64Array(n);
    this.#alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i += 1) {
      scaled[i] = ((weights[i] as number) * n) / total;
      ((scaled[i] as number) < 1 ? small : large).push(i);
    }
    while (small.length > 0 && large.length > 0) {
      const less = small.pop() as number;
      const more = large.pop() as number;
      this.#probability[less] = scaled[less] as number;
      this.#alias[less] = more;
      scaled[more] = (scaled[more] as number) + (scaled[less] as number) - 1;
      ((scaled[more] as number) < 1 ? small : large).push(more);
    }
    for (const rest of [...small, ...large]) {
      this.#probability[rest] = 1;
      this.#alias[rest] = rest;
    }
  }

  /** One draw. */
  sample(random: Random): number {
    const u = random() * this.#probability.length;
    const slot = Math.floor(u);
    return u - slot < (this.#probability[slot] as number) ? slot : (this.#alias[slot] as number);
  }
}
