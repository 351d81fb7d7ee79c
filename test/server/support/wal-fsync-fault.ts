/**
 * A mock of `fs.fdatasync` for the syncs of SQLite WAL files (the store's group commit runs them on
 * the thread pool, server/storage/sqlite-storage.ts, with fdatasync): a disk that refuses an fsync (EIO) or takes
 * its time cannot be made on a test machine, so the mock stands for it. Every other fsync, and
 * SQLite's own (in C, for commits outside group commit and checkpoints), are the real ones. The
 * WAL is told by its descriptor's path (/proc/self/fd: Linux, where CI runs).
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { mock } from 'node:test';

type Done = (error: NodeJS.ErrnoException | null) => void;

export interface WalFsyncFault {
  /** The next WAL fsync fails with EIO (after doing nothing). */
  failNext(): void;
  /** WAL fsyncs wait until {@link release}; resolves once one is waiting. */
  hold(): Promise<void>;
  /** Runs the held fsyncs for real and stops holding. */
  release(): void;
  /** The real fsync again. */
  restore(): void;
}

export function mockWalFsync(): WalFsyncFault {
  const real = fs.fdatasync;
  let fail = false;
  let holding = false;
  const held: [number, Done][] = [];
  let waiting = () => {};
  const isWal = (fd: number) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`).endsWith('-wal');
    } catch {
      return false;
    }
  };
  mock.method(fs, 'fdatasync', (fd: number, done: Done) => {
    if (!isWal(fd)) return real(fd, done);
    if (fail) {
      fail = false;
      const error: NodeJS.ErrnoException = new Error('EIO: i/o error, fsync (mocked)');
      error.code = 'EIO';
      setImmediate(done, error);
      return undefined;
    }
    if (holding) {
      held.push([fd, done]);
      waiting();
      return undefined;
    }
    return real(fd, done);
  });
  // The store imports `fdatasync` by name: its binding follows the module object only after this.
  syncBuiltinESMExports();
  return {
    failNext() {
      fail = true;
    },
    hold() {
      holding = true;
      return new Promise((resolve) => {
        waiting = resolve;
        if (held.length > 0) resolve();
      });
    },
    release() {
      holding = false;
      for (const [fd, done] of held.splice(0)) real(fd, done);
    },
    restore() {
      this.release();
      mock.restoreAll();
      syncBuiltinESMExports();
    },
  };
}
