import { type FileHandle, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { replaceFile, syncDirectory } from './durable-fs.js';
import { CorruptJournalError, PersistenceFailedError } from './errors.js';

/**
 * An append-only journal with group commit, over an in-memory model.
 *
 * `append` applies an entry to the model and queues its JSON line, synchronously;
 * `flush` resolves once every entry appended before the call is written and
 * fdatasync'ed. Concurrent flushes share one write (group commit), so the cost
 * is one fdatasync per burst, not per entry. Entries can carry a barrier (a blob
 * write) that must be durable before the entry's line is written.
 *
 * On disk: `snapshot.json` (the model at sequence number `seq`, replaced
 * atomically) and `journal-<generation>.jsonl` (entries with their sequence
 * numbers). Opening replays the snapshot and then every entry with a higher
 * sequence number, ignores a torn last line (a crash mid-write: that entry was
 * never acknowledged), then compacts: new snapshot, fresh journal. A journal
 * that grows past `compactAfterBytes` is compacted the same way while running.
 */

export interface JournalModel<E, S> {
  apply(entry: E): void;
  /** The model as a JSON-serialisable value (serialised synchronously by the caller). */
  snapshot(): S;
  load(snapshot: S): void;
}

export interface JournalOptions {
  readonly dir: string;
  /** Compact (snapshot + new journal) once the journal file exceeds this size. Default 64 MiB. */
  readonly compactAfterBytes?: number;
}

/** Counters for measuring the cost of durability. */
export interface JournalStats {
  readonly entries: number;
  readonly flushes: number;
  readonly bytes: number;
  readonly compactions: number;
}

interface SnapshotFile<S> {
  readonly version: 1;
  readonly seq: number;
  readonly state: S;
}

interface Line<E> {
  readonly s: number;
  readonly e: E;
}

const SNAPSHOT = 'snapshot.json';
const JOURNAL_FILE = /^journal-(\d+)\.jsonl$/;
const journalName = (generation: number) => `journal-${generation}.jsonl`;

export class Journal<E, S> {
  private pending: string[] = [];
  private barriers: Promise<void>[] = [];
  private appendedSeq: number;
  private durableSeq: number;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private bytes = 0;
  private counters = { entries: 0, flushes: 0, bytes: 0, compactions: 0 };

  private constructor(
    private readonly model: JournalModel<E, S>,
    private readonly options: Required<JournalOptions>,
    private handle: FileHandle,
    private generation: number,
    seq: number,
  ) {
    this.appendedSeq = seq;
    this.durableSeq = seq;
  }

  /**
   * Loads the model from `dir` (snapshot, then journal) and compacts it.
   * @throws CorruptJournalError if a complete journal line does not parse.
   */
  static async open<E, S>(model: JournalModel<E, S>, options: JournalOptions): Promise<Journal<E, S>> {
    const resolved = { compactAfterBytes: 64 * 1024 * 1024, ...options };
    const { dir } = resolved;
    await mkdir(dir, { recursive: true });
    let seq = 0;
    const snapshotText = await readIfExists(join(dir, SNAPSHOT));
    if (snapshotText !== undefined) {
      const snapshot = JSON.parse(snapshotText) as SnapshotFile<S>;
      model.load(snapshot.state);
      seq = snapshot.seq;
    }
    const generations = (await readdir(dir))
      .map((name) => JOURNAL_FILE.exec(name)?.[1])
      .filter((g): g is string => g !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const generation of generations) {
      const file = join(dir, journalName(generation));
      const text = (await readIfExists(file)) ?? '';
      // Everything after the last newline is a torn write that was never acknowledged.
      const complete = text.slice(0, text.lastIndexOf('\n') + 1);
      let lineNumber = 0;
      for (const raw of complete.split('\n')) {
        lineNumber += 1;
        if (raw === '') continue;
        let line: Line<E>;
        try {
          line = JSON.parse(raw) as Line<E>;
        } catch (cause) {
          throw new CorruptJournalError(`${file}:${lineNumber} is not a journal entry`, { cause });
        }
        if (line.s <= seq) continue;
        model.apply(line.e);
        seq = line.s;
      }
    }
    const generation = (generations.at(-1) ?? 0) + 1;
    await replaceFile(join(dir, SNAPSHOT), serialiseSnapshot(seq, model));
    const handle = await open(join(dir, journalName(generation)), 'a');
    await syncDirectory(dir);
    for (const old of generations) await rm(join(dir, journalName(old)), { force: true });
    return new Journal(model, resolved, handle, generation, seq);
  }

  /** Applies `entry` to the model and queues it; durable after the next `flush()`. */
  append(entry: E, barrier?: Promise<void>): number {
    if (this.failure) throw this.failure;
    this.appendedSeq += 1;
    this.model.apply(entry);
    this.pending.push(`${JSON.stringify({ s: this.appendedSeq, e: entry })}\n`);
    if (barrier) {
      // Observed here so that a failed blob write never surfaces as an unhandled rejection.
      barrier.catch(() => undefined);
      this.barriers.push(barrier);
    }
    this.counters.entries += 1;
    return this.appendedSeq;
  }

  /** Sequence number of the last entry appended. */
  get appended(): number {
    return this.appendedSeq;
  }

  /** Sequence number of the last entry known to be on disk. */
  get durable(): number {
    return this.durableSeq;
  }

  get stats(): JournalStats {
    return { ...this.counters };
  }

  /**
   * Resolves once every entry appended before the call is durable.
   * @throws PersistenceFailedError once any write has failed (fail-stop).
   */
  async flush(): Promise<void> {
    const target = this.appendedSeq;
    while (this.durableSeq < target) {
      if (this.failure) throw this.failure;
      if (!this.writing) {
        this.writing = this.writeBatch().finally(() => {
          this.writing = undefined;
        });
      }
      await this.writing;
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes and closes the journal file. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private async writeBatch(): Promise<void> {
    const lines = this.pending;
    const barriers = this.barriers;
    const last = this.appendedSeq;
    this.pending = [];
    this.barriers = [];
    try {
      await Promise.all(barriers);
      const text = lines.join('');
      await this.handle.write(text);
      await this.handle.datasync();
      const size = Buffer.byteLength(text);
      this.bytes += size;
      this.counters.bytes += size;
      this.counters.flushes += 1;
      this.durableSeq = last;
      if (this.bytes > this.options.compactAfterBytes) await this.compact();
    } catch (cause) {
      this.failure = new PersistenceFailedError(`journal write in ${this.options.dir} failed`, { cause });
      throw this.failure;
    }
  }

  /** Runs inside writeBatch, so no other write touches the handle meanwhile. */
  private async compact(): Promise<void> {
    const { dir } = this.options;
    // Serialised now: the snapshot covers every entry appended so far, including
    // pending ones (whose lines, written later, are skipped on replay).
    const text = serialiseSnapshot(this.appendedSeq, this.model);
    await Promise.all(this.barriers);
    await replaceFile(join(dir, SNAPSHOT), text);
    const old = this.generation;
    this.generation += 1;
    const handle = await open(join(dir, journalName(this.generation)), 'a');
    await syncDirectory(dir);
    await this.handle.close();
    this.handle = handle;
    this.bytes = 0;
    this.counters.compactions += 1;
    await rm(join(dir, journalName(old)), { force: true });
  }
}

function serialiseSnapshot<E, S>(seq: number, model: JournalModel<E, S>): string {
  const file: SnapshotFile<S> = { version: 1, seq, state: model.snapshot() };
  return JSON.stringify(file);
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
