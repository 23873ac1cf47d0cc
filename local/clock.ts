/**
 * Time for the emulator. Statuses are computed from timestamps, so a clock that
 * tests can move by hand makes every status path observable and deterministic.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` have passed on this clock. Returns a function that cancels it. */
  schedule(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};

/** A clock that only moves when told to; due callbacks run in time order. */
export class ManualClock implements Clock {
  private current: number;
  private readonly timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, ms), fn, id });
    return () => {
      const index = this.timers.findIndex((t) => t.id === id);
      if (index >= 0) this.timers.splice(index, 1);
    };
  }

  /** Moves time forward by `ms`, running every callback that falls due. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }
}
