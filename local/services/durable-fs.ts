import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * fsyncs a directory so that entries created, renamed or removed in it survive
 * a power loss (a `kill -9` alone would not need it: the kernel keeps them).
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a new file and fsyncs its content; fails if the file already exists. */
export async function writeNewFile(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` atomically: temporary file, fsync, rename, fsync of the
 * directory. A crash leaves the old or the new content, never a torn file.
 */
export async function replaceFile(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}
