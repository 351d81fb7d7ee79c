/**
 * WAL checkpoints off the request path: a worker thread with its own connection copies the WAL
 * into the database file every second (`PRAGMA wal_checkpoint(PASSIVE)`: it never blocks a writer
 * nor waits for a reader). The serving connection runs with `wal_autocheckpoint = 0`, so no commit
 * ever pays for a checkpoint and its extra fsyncs on the event loop.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const INTERVAL_MS = 1000;

/** CommonJS evaluated from this string, so it needs no file beside the compiled server. */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or locked: the next round tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class Checkpoints {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(path: string, intervalMs = INTERVAL_MS) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(workerSource, {
      eval: true,
      execArgv: [],
      workerData: { path, driver, intervalMs },
    });
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
    // A failing checkpointer must not take the server down: the WAL only grows until restart.
    this.#worker.on('error', () => undefined);
  }

  /** Stops the worker and closes its connection. */
  async close(): Promise<void> {
    // Referenced again, so the process waits for the worker to close its connection.
    this.#worker.ref();
    this.#worker.postMessage('close');
    await this.#exited;
  }
}
