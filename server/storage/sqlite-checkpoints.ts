/**
 * WAL checkpoints off the request path: a worker thread with its own connection copies the WAL
 * into the database file every second (`PRAGMA wal_checkpoint(PASSIVE)`: it never blocks a writer
 * nor waits for a reader). The serving connection runs with `wal_autocheckpoint = 0`, so no commit
 * ever pays for a checkpoint and its extra fsyncs on the event loop.
 *
 * Copying is not enough to keep the WAL short. SQLite writes from the start of the file again only
 * when a write transaction begins while every frame is copied, and under a steady load a commit
 * always lands while a passive checkpoint runs: at 1,000 messages a second the WAL never restarted
 * and grew by 40 MB a second, every commit appending to a longer file (issue 11). So once a round
 * has copied everything it saw of a WAL past {@link RESTART_FRAMES}, the serving connection itself
 * checkpoints in RESTART mode (the `restart` given): it copies the frames committed since the round
 * and the next commit starts the file over. On the serving connection, between two of its own
 * writes, it meets no lock of ours: run in the worker, it took the writer's lock, and a transaction
 * of the server that had read and then wrote during it failed at once with SQLITE_BUSY (SQLite does
 * not wait for a lock there), which a client saw as a 500.
 *
 * A restarted WAL keeps its length and is written over: cutting it at each restart (SQLite's
 * journal_size_limit) made the commit that restarts it truncate a 180 MB file on the event loop,
 * 20-110 ms each second at 10,000 messages a second. So the file is truncated only when a round
 * finds the WAL quiet and its file longer than {@link WAL_BYTES} (TRUNCATE mode).
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 1000;
/** A WAL this long (frames; 4 MB of 4 KB pages, SQLite's own auto-checkpoint size) is restarted. */
const RESTART_FRAMES = 1000;
/** A WAL file longer than this (bytes) is truncated once a round finds it short. */
const WAL_BYTES = 64 * 1024 * 1024;

/** What `PRAGMA wal_checkpoint` answers. */
export interface WalCounts {
  /** Frames in the WAL, and copied into the database file (both -1 when it failed). */
  log: number;
  checkpointed: number;
  /** It could not finish: a reader or writer was in the way, or an error. */
  busy: boolean;
}

/** A checkpoint's outcome. */
export interface CheckpointRound extends WalCounts {
  mode: 'passive' | 'restart' | 'truncate';
  /** The WAL file's length after it (bytes; 0 when there is none or it cannot be read). */
  walBytes: number;
}

/** Checkpoints in that mode on the serving connection, without waiting on a lock. */
export type Restart = (mode: 'RESTART' | 'TRUNCATE') => WalCounts;

function walBytes(path: string): number {
  try {
    return statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

/** CommonJS evaluated from this string, so it needs no file beside the compiled server. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
// The same as walBytes() above, which this string cannot import.
const walBytes = () => {
  try {
    return statSync(workerData.path + '-wal', { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
};
const passive = () => {
  try {
    const [counts] = db.pragma('wal_checkpoint(PASSIVE)');
    return { log: counts.log, checkpointed: counts.checkpointed, busy: counts.busy !== 0 };
  } catch {
    // Busy or locked: the next round tries again.
    return { log: -1, checkpointed: -1, busy: true };
  }
};
// Passes until one is quick: each copies what was committed during the one before, so a restart
// that follows has little left to copy on the event loop.
const round = () => {
  let result;
  for (let pass = 0; pass < 5; pass += 1) {
    const started = performance.now();
    result = passive();
    if (result.busy || performance.now() - started < 2) break;
  }
  parentPort.postMessage({ mode: 'passive', ...result, walBytes: walBytes() });
};
const timer = setInterval(round, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface CheckpointOptions {
  /** Between rounds (tests make it short). */
  intervalMs?: number;
  /** A WAL file longer than this is truncated once the load drops (tests make it short). */
  walBytesLimit?: number;
  /** Told of every round and restart (tests). */
  onRound?: (round: CheckpointRound) => void;
}

export class Checkpoints {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  readonly #path: string;
  readonly #restart: Restart;
  readonly #onRound: CheckpointOptions['onRound'];
  readonly #walBytesLimit: number;
  #closing = false;
  /** The frame count of the WAL the last RESTART copied. */
  #restartedLog: number | undefined;

  constructor(path: string, restart: Restart, options: CheckpointOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#path = path;
    this.#restart = restart;
    this.#onRound = options.onRound;
    this.#walBytesLimit = options.walBytesLimit ?? WAL_BYTES;
    this.#worker = new Worker(workerSource, {
      eval: true,
      execArgv: [],
      workerData: { path, driver, intervalMs: options.intervalMs ?? INTERVAL_MS },
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (round: CheckpointRound) => this.#round(round));
    // A failing checkpointer must not take the server down: the WAL only grows until restart.
    this.#worker.on('error', () => undefined);
    // After the listeners: a 'message' listener refers the worker again.
    this.#worker.unref();
  }

  #round(round: CheckpointRound): void {
    this.#onRound?.(round);
    if (round.busy || round.checkpointed !== round.log || this.#closing) return;
    // A restarted WAL keeps its frame count until the next commit starts it over: the same count
    // as the restart's means nothing was written since, and the WAL is empty in effect.
    const written = round.log !== this.#restartedLog;
    let mode: 'RESTART' | 'TRUNCATE' | undefined;
    if (written && round.log >= RESTART_FRAMES) mode = 'RESTART';
    else if (round.walBytes > this.#walBytesLimit) mode = 'TRUNCATE';
    if (!mode) return;
    const counts = this.#restart(mode);
    this.#restartedLog = mode === 'RESTART' && !counts.busy ? counts.log : undefined;
    const name = mode === 'RESTART' ? 'restart' : 'truncate';
    this.#onRound?.({ mode: name, ...counts, walBytes: walBytes(this.#path) });
  }

  /** Stops the worker and closes its connection. */
  async close(): Promise<void> {
    this.#closing = true;
    // Referenced again, so the process waits for the worker to close its connection.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }
}
