/**
 * Where the bytes of chat files live, apart from their rows: a {@link FileStore} keeps named
 * objects, written once as a stream, read as a stream, deleted. The rows (uploader, size, grants)
 * stay in the storage (storage.ts); the store knows nothing of apps or users.
 *
 * {@link DirectoryFileStore} is the one there is: `{dir}/{name}`, the directory 0700 and every file
 * 0600. Several processes share it as a mounted directory (`OPENWEBIM_FILES_DIR`, docs/scale-out.md).
 * An object store (S3 and the like) can implement the same four methods later.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface FileStore {
  /**
   * Stores `source` under the new name `name`. When `source` fails (its own error, or one it
   * throws to stop an upload that is too large), nothing stays stored and the error is rethrown.
   */
  write(name: string, source: AsyncIterable<Buffer>): Promise<void>;
  /** The bytes stored under `name` (the stream errors when there are none). */
  read(name: string): Readable;
  /** Deletes what is stored under `name`; `false` when there was nothing. */
  remove(name: string): Promise<boolean>;
}

/** A name is one path segment of our own making (a uuid): never a path, never `..`. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export class DirectoryFileStore implements FileStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  #path(name: string): string {
    if (!NAME.test(name)) throw new Error(`not a file name of ours: ${JSON.stringify(name)}`);
    return join(this.#dir, name);
  }

  async write(name: string, source: AsyncIterable<Buffer>): Promise<void> {
    const path = this.#path(name);
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    // 'wx': a name is never written twice; an existing file is an error, not overwritten. Opened
    // before the first byte is read: a write stream opening the file itself could create it after
    // a refusal on the first chunk had removed it, leaving an empty file behind.
    const file = await open(path, 'wx', 0o600);
    try {
      await pipeline(source, file.createWriteStream());
    } catch (error) {
      await this.remove(name);
      throw error;
    }
  }

  read(name: string): Readable {
    return createReadStream(this.#path(name));
  }

  async remove(name: string): Promise<boolean> {
    try {
      await unlink(this.#path(name));
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return false;
      throw error;
    }
  }
}
