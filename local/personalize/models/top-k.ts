/**
 * Partial top-k selection: a bounded min-heap over (score, index) pairs, so
 * picking 25 of 4,000 items costs about n·log(k) comparisons and no sort of n.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly indices: Int32Array;
  private size = 0;

  constructor(readonly capacity: number) {
    this.scores = new Float64Array(Math.max(1, capacity));
    this.indices = new Int32Array(Math.max(1, capacity));
  }

  /** Whether a candidate with this score would enter (ties lose to what is already in, for stable results). */
  accepts(score: number): boolean {
    return this.capacity > 0 && (this.size < this.capacity || score > (this.scores[0] as number));
  }

  push(score: number, index: number): void {
    if (!this.accepts(score)) return;
    if (this.size < this.capacity) {
      let at = this.size;
      this.size += 1;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!this.before(score, index, parent)) break;
        this.scores[at] = this.scores[parent] as number;
        this.indices[at] = this.indices[parent] as number;
        at = parent;
      }
      this.scores[at] = score;
      this.indices[at] = index;
      return;
    }
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.beforeAt(right, left) ? right : left;
      if (!this.afterEntry(score, index, child)) break;
      this.scores[at] = this.scores[child] as number;
      this.indices[at] = this.indices[child] as number;
      at = child;
    }
    this.scores[at] = score;
    this.indices[at] = index;
  }

  /** The entries, best first (higher score; on ties, lower index). */
  sorted(): { index: number; score: number }[] {
    const out: { index: number; score: number }[] = [];
    for (let i = 0; i < this.size; i += 1)
      out.push({ index: this.indices[i] as number, score: this.scores[i] as number });
    return out.sort((a, b) => b.score - a.score || a.index - b.index);
  }

  /** Heap order: the worst entry at the root (lower score; on ties, higher index). */
  private before(score: number, index: number, at: number): boolean {
    const other = this.scores[at] as number;
    return score < other || (score === other && index > (this.indices[at] as number));
  }

  private beforeAt(a: number, b: number): boolean {
    return this.before(this.scores[a] as number, this.indices[a] as number, b);
  }

  private afterEntry(score: number, index: number, at: number): boolean {
    const other = this.scores[at] as number;
    return other < score || (other === score && (this.indices[at] as number) > index);
  }
}
