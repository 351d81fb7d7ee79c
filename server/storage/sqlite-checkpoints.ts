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
 * has copied everything it saw of a WAL past {@link RESTART_FRAMES}, the worker checkpoints in
 * RESTART mode: it copies the few frames committed since, takes the writer's lock and waits for
 * the readers to leave the WAL, and the next commit starts the file over. The serving connection
 * holds its commits meanwhile (GroupCommit.hold), since a commit started while the worker has the
 * lock would wait for it on the event loop. The worker says it is done through shared memory,
 * which the held commits look at each turn: its message reached the event loop 30-45 ms after it
 * was sent while the server was busy.
 *
 * A restarted WAL keeps its length and is written over: cutting it at each restart (SQLite's
 * journal_size_limit) made the commit that restarts it truncate a 180 MB file on the event loop,
 * 20-110 ms each second at 10,000 messages a second. So the file is truncated only once the load
 * has dropped: a round that finds little in a WAL file longer than {@link WAL_BYTES} truncates it
 * (TRUNCATE mode, in the worker, the commits held as for a restart).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 1000;
/** A WAL this long (frames; 4 MB of 4 KB pages, SQLite's own auto-checkpoint size) is restarted. */
const RESTART_FRAMES = 1000;
/** A WAL file longer than this (bytes) is truncated once a round finds it short. */
const WAL_BYTES = 64 * 1024 * 1024;
/** A restart the worker has not finished in this long no longer holds the commits. */
const RESTART_WAIT_MS = 2000;

/** A checkpoint's outcome, as the worker tells it. */
export interface CheckpointRound {
  mode: 'passive' | 'restart' | 'truncate';
  /** Frames in the WAL, and copied into the database file (both -1 when it failed). */
  log: number;
  checkpointed: number;
  /** It could not finish: a reader or writer was in the way, or an error. */
  busy: boolean;
  /** The WAL file's length after it (bytes; 0 when there is none). */
  walBytes: number;
}

/** CommonJS evaluated from this string, so it needs no file beside the compiled server. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const { statSync } = require('node:fs');
const restarted = new Int32Array(workerData.restarted);
const walBytes = () => {
  try {
    return statSync(workerData.path + '-wal', { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
};
const checkpoint = (mode) => {
  let result;
  try {
    const [counts] = db.pragma('wal_checkpoint(' + mode + ')');
    result = { log: counts.log, checkpointed: counts.checkpointed, busy: counts.busy !== 0 };
  } catch {
    // Busy or locked: the next round tries again.
    result = { log: -1, checkpointed: -1, busy: true };
  }
  return { mode: mode.toLowerCase(), ...result, walBytes: walBytes() };
};
// Passes until one is quick: each copies what was committed during the one before, so the restart
// that may follow has little left to copy while the commits wait.
const round = () => {
  let result;
  for (let pass = 0; pass < 5; pass += 1) {
    const started = performance.now();
    result = checkpoint('PASSIVE');
    if (result.busy || performance.now() - started < 2) break;
  }
  parentPort.postMessage(result);
};
const timer = setInterval(round, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message === 'RESTART' || message === 'TRUNCATE') {
    // It holds the writer's lock while it waits for the readers: it gives up soon, rather than
    // keep the serving connection's commits waiting.
    db.pragma('busy_timeout = 100');
    const result = checkpoint(message);
    db.pragma('busy_timeout = 5000');
    Atomics.store(restarted, 0, 1);
    parentPort.postMessage(result);
    return;
  }
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
  /** Holds the serving connection's commits (GroupCommit.hold). */
  hold?: (over: () => boolean) => () => void;
  /** Told of every round and restart (tests). */
  onRound?: (round: CheckpointRound) => void;
}

export class Checkpoints {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;
  readonly #hold: CheckpointOptions['hold'];
  readonly #walBytesLimit: number;
  /** Set to 1 by the worker once a restart asked of it is over. */
  readonly #restarted = new Int32Array(new SharedArrayBuffer(4));
  #release: (() => void) | undefined;
  #releaseTimer: NodeJS.Timeout | undefined;
  #closing = false;
  /** The frame count of the WAL the last RESTART copied. */
  #restartedLog: number | undefined;

  constructor(path: string, options: CheckpointOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#hold = options.hold;
    this.#walBytesLimit = options.walBytesLimit ?? WAL_BYTES;
    this.#worker = new Worker(workerSource, {
      eval: true,
      execArgv: [],
      workerData: {
        path,
        driver,
        intervalMs: options.intervalMs ?? INTERVAL_MS,
        restarted: this.#restarted.buffer,
      },
    });
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.on('message', (round: CheckpointRound) => {
      this.#round(round);
      options.onRound?.(round);
    });
    // A failing checkpointer must not take the server down: the WAL only grows until restart.
    this.#worker.on('error', () => this.#released());
    // After the listeners: a 'message' listener refers the worker again.
    this.#worker.unref();
  }

  #round(round: CheckpointRound): void {
    if (round.mode !== 'passive') {
      this.#restartedLog = round.mode === 'restart' && !round.busy ? round.log : undefined;
      this.#released();
      return;
    }
    if (round.busy || round.checkpointed !== round.log || this.#closing) return;
    // A restarted WAL keeps its frame count until the next commit starts it over: the same count
    // as the restart's means nothing was written since, and the WAL is empty in effect.
    const written = round.log !== this.#restartedLog;
    if (written && round.log >= RESTART_FRAMES) this.#restart('RESTART');
    else if (round.walBytes > this.#walBytesLimit) this.#restart('TRUNCATE');
  }

  /** Holds the commits while the worker restarts the WAL (and truncates it, in TRUNCATE mode). */
  #restart(mode: 'RESTART' | 'TRUNCATE'): void {
    if (this.#release || !this.#hold) return;
    Atomics.store(this.#restarted, 0, 0);
    this.#release = this.#hold(() => Atomics.load(this.#restarted, 0) === 1);
    this.#releaseTimer = setTimeout(() => this.#released(), RESTART_WAIT_MS);
    this.#releaseTimer.unref();
    // Held commits are pending writes: the process waits for the worker's answer.
    this.#worker.ref();
    this.#worker.postMessage(mode);
  }

  /** The restart is over (or given up): the commits go on. */
  #released(): void {
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    const release = this.#release;
    this.#release = undefined;
    if (!release) return;
    if (!this.#closing) this.#worker.unref();
    release();
  }

  /** Stops the worker and closes its connection. */
  async close(): Promise<void> {
    this.#closing = true;
    // Referenced again, so the process waits for the worker to close its connection.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
    this.#released();
  }
}
