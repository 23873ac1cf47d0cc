import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The one output file of an import, written to `<path>.tmp` and renamed over
 * `path` only after an fsync, so a crash or a failed import never leaves a half
 * file under the final name (and an earlier good file stays in place).
 */
export class DatasetFileWriter {
  private pending = '';
  private bytes = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly tmpPath: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Creates `<path>.tmp` (and the parent folder), truncating a leftover one.
   *
   * @throws the file-system error when the file cannot be created.
   */
  static async create(path: string): Promise<DatasetFileWriter> {
    await mkdir(dirname(path), { recursive: true });
    const tmpPath = `${path}.tmp`;
    return new DatasetFileWriter(path, tmpPath, await open(tmpPath, 'w'));
  }

  /** Buffers text; {@link flushIfFull} writes it out in large blocks. */
  add(text: string): void {
    this.pending += text;
  }

  /** Writes the buffered text once it reaches `threshold` characters (the back-pressure point of an import). */
  async flushIfFull(threshold = 1 << 20): Promise<void> {
    if (this.pending.length >= threshold) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    const { bytesWritten } = await this.handle.write(text);
    this.bytes += bytesWritten;
  }

  /**
   * Flushes, fsyncs and renames the file into place; returns its size in bytes.
   *
   * @throws the file-system error (the temporary file is then left for {@link discard}).
   */
  async commit(): Promise<number> {
    await this.flush();
    await this.handle.sync();
    this.closed = true;
    await this.handle.close();
    await rename(this.tmpPath, this.path);
    await syncFolder(dirname(this.path));
    return this.bytes;
  }

  /** Closes and removes the temporary file; never throws (it runs on paths that are already failing). */
  async discard(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tmpPath, { force: true }).catch(() => undefined);
  }
}

/** Makes the rename durable. Some platforms cannot fsync a folder: the rename itself is still atomic there. */
async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on Windows and some file systems.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
