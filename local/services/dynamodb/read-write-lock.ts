/**
 * A fair read/write lock: ordinary DynamoDB requests share it, transactions
 * take it alone so that no other write interleaves with their steps. Waiters
 * are served in arrival order (a waiting writer holds back later readers).
 */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private readonly waiting: { exclusive: boolean; grant: () => void }[] = [];

  async shared<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(false);
    try {
      return await work();
    } finally {
      this.readers -= 1;
      this.drain();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire(true);
    try {
      return await work();
    } finally {
      this.writer = false;
      this.drain();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    return new Promise((grant) => {
      this.waiting.push({ exclusive, grant });
      this.drain();
    });
  }

  private drain(): void {
    for (;;) {
      const next = this.waiting[0];
      if (!next || this.writer) return;
      if (next.exclusive) {
        if (this.readers > 0) return;
        this.writer = true;
      } else {
        this.readers += 1;
      }
      this.waiting.shift();
      next.grant();
    }
  }
}

/**
 * Wraps `run` so that concurrent callers share runs: each call resolves after a
 * run that started after the call (group commit for fsync-like work).
 */
export function coalesced(run: () => Promise<void>): () => Promise<void> {
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  const start = (): Promise<void> => {
    current = run().finally(() => {
      current = undefined;
    });
    return current;
  };
  return () => {
    if (next) return next;
    if (!current) return start();
    next = current
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return start();
      });
    return next;
  };
}
