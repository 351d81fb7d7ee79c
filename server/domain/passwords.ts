/**
 * Password hashing with scrypt in a pool of worker threads, so a burst of logins never stalls the
 * event loop nor libuv's small thread pool (which file I/O and DNS share). Jobs queue per client
 * address and the workers take them round-robin across addresses: one address guessing hundreds
 * of passwords delays another person's login by one hash, not by the whole burst.
 *
 * Stored form: `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later and old
 * hashes still verify.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const cost = { N: 16384, r: 8, p: 1 } as const;
const keyLength = 32;
/** Jobs one address may have waiting by default; past it the address is refused at once. */
export const QUEUE_PER_KEY = 64;
/** Jobs waiting in all; past it anyone is refused at once, so memory stays bounded. */
const QUEUE_TOTAL = 4096;

/** The worker: CommonJS evaluated from this string, so it needs no file beside the compiled one. */
const workerSource = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
parentPort.on('message', (job) => {
  try {
    const key = scryptSync(job.password, Buffer.from(job.salt), job.keyLength, {
      N: job.N, r: job.r, p: job.p, maxmem: 256 * job.N * job.r,
    });
    parentPort.postMessage({ key });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message) });
  }
});
`;

/** Thrown when the queue of hashing jobs is full: the caller answers 429. */
export class HashQueueFull extends Error {
  constructor() {
    super('too many password checks waiting');
    this.name = 'HashQueueFull';
  }
}

interface Job {
  password: string;
  salt: Buffer;
  N: number;
  r: number;
  p: number;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  job: Job | undefined;
}

export interface PasswordHasherOptions {
  /** Worker threads; default: one less than the cores (at least 1, at most 4). */
  workers?: number;
  /** Jobs one client address may have waiting ({@link QUEUE_PER_KEY} by default). */
  queuePerKey?: number;
}

export class PasswordHasher {
  readonly #workers: PoolWorker[] = [];
  /** Waiting jobs by client key; a Map iterates in insertion order, which makes the round-robin. */
  readonly #queues = new Map<string, Job[]>();
  #waiting = 0;
  #closed = false;
  /** A stored form no password matches (random salt and key): costs one scrypt like any other. */
  readonly #dummy = [
    'scrypt',
    cost.N,
    cost.r,
    cost.p,
    randomBytes(16).toString('base64url'),
    randomBytes(keyLength).toString('base64url'),
  ].join('$');
  /** Hashes computed since start (a test checks an unknown user costs one too). */
  computed = 0;

  readonly #queuePerKey: number;

  constructor(options: PasswordHasherOptions = {}) {
    this.#queuePerKey = options.queuePerKey ?? QUEUE_PER_KEY;
    const size = options.workers ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    for (let i = 0; i < size; i += 1) this.#workers.push(this.#spawn());
  }

  #spawn(): PoolWorker {
    // No tsx or other loaders in the worker: it runs plain CommonJS.
    const worker = new Worker(workerSource, { eval: true, execArgv: [] });
    worker.unref();
    const entry: PoolWorker = { worker, job: undefined };
    worker.on('message', (answer: { key?: Uint8Array; error?: string }) => {
      const job = entry.job;
      entry.job = undefined;
      this.computed += 1;
      if (job) {
        if (answer.key) job.resolve(Buffer.from(answer.key));
        else job.reject(new Error(answer.error ?? 'scrypt failed'));
      }
      this.#next(entry);
    });
    worker.on('error', (error) => {
      entry.job?.reject(error);
      entry.job = undefined;
      if (this.#closed) return;
      // A crashed worker is replaced, so the pool never shrinks to nothing.
      const index = this.#workers.indexOf(entry);
      const fresh = this.#spawn();
      if (index >= 0) this.#workers[index] = fresh;
      this.#next(fresh);
    });
    return entry;
  }

  #derive(
    password: string,
    salt: Buffer,
    params: { N: number; r: number; p: number },
    key: string,
  ) {
    if (this.#closed) return Promise.reject(new Error('password hasher closed'));
    const queue = this.#queues.get(key);
    if ((queue?.length ?? 0) >= this.#queuePerKey || this.#waiting >= QUEUE_TOTAL) {
      return Promise.reject(new HashQueueFull());
    }
    return new Promise<Buffer>((resolve, reject) => {
      const job: Job = { password, salt, ...params, resolve, reject };
      if (queue) queue.push(job);
      else this.#queues.set(key, [job]);
      this.#waiting += 1;
      const idle = this.#workers.find((entry) => !entry.job);
      if (idle) this.#next(idle);
    });
  }

  /** Gives the worker the first job of the next address in turn. */
  #next(entry: PoolWorker): void {
    if (entry.job || this.#closed) return;
    const first = this.#queues.entries().next();
    if (first.done) return;
    const [key, queue] = first.value;
    const job = queue.shift() as Job;
    this.#waiting -= 1;
    // The address goes to the back of the line, behind every other address waiting.
    this.#queues.delete(key);
    if (queue.length > 0) this.#queues.set(key, queue);
    entry.job = job;
    const { password, salt, N, r, p } = job;
    entry.worker.postMessage({ password, salt, N, r, p, keyLength });
  }

  /** The stored form of `password`; `key` is who asks (the client address), for fairness. */
  async hash(password: string, key: string): Promise<string> {
    const salt = randomBytes(16);
    const derived = await this.#derive(password, salt, cost, key);
    return [
      'scrypt',
      cost.N,
      cost.r,
      cost.p,
      salt.toString('base64url'),
      derived.toString('base64url'),
    ].join('$');
  }

  async verify(password: string, stored: string, key: string): Promise<boolean> {
    const [scheme, n, r, p, salt, hash] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64url');
    const derived = await this.#derive(
      password,
      Buffer.from(salt, 'base64url'),
      { N: Number(n), r: Number(r), p: Number(p) },
      key,
    );
    return derived.length === expected.length && timingSafeEqual(derived, expected);
  }

  /**
   * Spends what {@link verify} would on a user who does not exist, so the answer takes as long
   * as a wrong password does and its timing does not tell which usernames exist.
   */
  async verifyNobody(password: string, key: string): Promise<void> {
    await this.verify(password, this.#dummy, key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      for (const job of queue) job.reject(new Error('password hasher closed'));
    }
    this.#queues.clear();
    this.#waiting = 0;
    await Promise.all(this.#workers.map((entry) => entry.worker.terminate()));
  }
}
