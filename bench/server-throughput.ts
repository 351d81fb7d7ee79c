/**
 * Messages per second through the reference server, beside the same machine's raw `ws` echo rate:
 * one process on SQLite (the embedded default), one on PostgreSQL, and three on one PostgreSQL and
 * one Redis with every sender on a different process from its receiver. PostgreSQL (a throwaway
 * cluster, fsync on) and Redis are started for the run when installed; else those columns say why not.
 *
 * openwebim: N senders and N receivers (N distinct users each, one socket per user), sender i
 * writes to receiver i. A message counts once its sender has the `ack` AND its recipient has the
 * `msg`; the clock runs from the first send to the last such pair. Each sender keeps at most
 * {@link WINDOW} messages in flight, so the server is kept busy without an unbounded queue.
 * Receivers report their cursor with `recv` every 500 ms, as the SDK does.
 *
 * ws echo: N sockets to a plain `ws` server (ws-echo-server.ts) that sends each frame back; the
 * same frames (byte for byte), the same total, the same window per socket. A message counts when
 * its echo is back.
 *
 * Both servers run as child processes and the clients share this process, so on a 2-core machine
 * each side has a core. The ratio openwebim/echo is what compares across machines. The reference
 * server is the compiled one (server/dist, rebuilt first when a source is newer), as `npm start`
 * and the package run it (through tsx, the sources also pay for its module hooks and the
 * `__name` helper it wraps around every function made at run time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { WebSocket } from 'ws';
import type { SendFrame, ServerFrame } from '../src/protocol/frames.js';
import type { TokenResponse } from '../src/protocol/rest.js';
import { ServerProcess } from '../test/support/server-process.mjs';
import { missingServices, startPostgres, startRedis } from '../test/support/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const THROUGHPUT_DEFAULTS = {
  messages: 20_000,
  clients: [1, 10, 50],
  /** Unacknowledged messages one sender may have in flight. */
  window: 100,
  /** Characters of text per message. */
  textChars: 64,
  /** A run that has not finished by then is reported as such (and the bench goes on). */
  runTimeoutMs: 60_000,
} as const;

/**
 * What the bench raises for itself, and why: the defaults protect a public server from one noisy
 * socket (50 msg/s) or a registration flood, and would measure the limiter instead of the server.
 */
export const BENCH_SERVER_ENV = {
  OPENWEBIM_RATE_MESSAGES: '1000000',
  OPENWEBIM_RATE_FRAMES: '1000000',
  OPENWEBIM_MAX_CONNECTIONS_PER_ADDRESS: '100000',
  OPENWEBIM_RATE_REGISTER: '100000',
  OPENWEBIM_RATE_TOKEN: '100000',
  // Every client signs in from 127.0.0.1 at once: 2 × N password checks from one address.
  OPENWEBIM_PASSWORD_CHECKS_PER_ADDRESS: '4096',
  OPENWEBIM_LOG_LEVEL: 'warn',
} as const;

const APP_KEY = 'demo#chat';
const ECHO_RUNS = 3;
const APP_PATH = APP_KEY.replace('#', '/');

export interface RunResult {
  messages: number;
  ms: number;
  perSecond: number;
  /** The run hit its deadline: the rate is what it reached by then. */
  cut?: boolean;
}

export interface ThroughputRow {
  clients: number;
  /** One process on SQLite (the embedded default). */
  server: RunResult | Error;
  /** One process on PostgreSQL; `null`: PostgreSQL and Redis are not installed. */
  postgres: RunResult | Error | null;
  /** {@link PROCESSES} processes on one PostgreSQL and one Redis, every message between two. */
  scaledOut: RunResult | Error | null;
  echo: RunResult | Error;
}

/** How many processes the scaled-out run has. */
export const PROCESSES = 3;

const result = (messages: number, ms: number): RunResult => ({
  messages,
  ms,
  perSecond: messages / (ms / 1000),
});

/** What {@link withDeadline} rejects with: the work was still going. */
export class DeadlineExceeded extends Error {}

/** Rejects with a clear error after `ms` unless `work` settles first. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(`${what()} after ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

const parse = (data: WebSocket.RawData): ServerFrame => JSON.parse(data.toString()) as ServerFrame;

// ---------------------------------------------------------------------------------------------
// openwebim
// ---------------------------------------------------------------------------------------------

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Registers a user, gets a token and opens an authenticated socket, replay done. */
export async function signIn(httpUrl: string, username: string): Promise<WebSocket> {
  const password = 'bench-password';
  await post(`${httpUrl}/${APP_PATH}/users`, { username, password });
  const { access_token: token } = await post<TokenResponse>(`${httpUrl}/${APP_PATH}/token`, {
    grant_type: 'password',
    username,
    password,
  });
  const wsUrl = `${httpUrl.replace(/^http/, 'ws')}/websocket?app_key=${encodeURIComponent(APP_KEY)}`;
  const socket = await openSocket(wsUrl);
  await new Promise<void>((resolve, reject) => {
    socket.on('message', function onAuth(data) {
      const frame = parse(data);
      if (frame.t === 'sync-done') {
        socket.off('message', onAuth);
        resolve();
      } else if (frame.t === 'auth-error') {
        reject(new Error(`auth of ${username} refused: ${frame.code} ${frame.reason}`));
      }
    });
    socket.send(
      JSON.stringify({
        t: 'auth',
        user: username,
        token,
        deviceId: `bench-${username}`,
        multi: true,
      }),
    );
  });
  return socket;
}

export const sendFrame = (id: string, to: string, text: string): string =>
  JSON.stringify({
    t: 'msg',
    id,
    to,
    chatType: 'singleChat',
    type: 'txt',
    msg: text,
  } satisfies SendFrame);

/**
 * Sends `count` messages from `sender` to `receiver`, at most `window` in flight. Each sender's
 * messages are handled in order by its session, so the k-th ack and the k-th delivery are message k.
 */
function runPair(
  sender: WebSocket,
  receiver: WebSocket,
  names: { from: string; to: string },
  count: number,
  window: number,
  text: string,
  progress: { done: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    let delivered = 0;
    let lastSeq = 0;
    let reported = 0;
    const recvTimer = setInterval(() => {
      if (lastSeq > reported) receiver.send(JSON.stringify({ t: 'recv', seq: lastSeq }));
      reported = lastSeq;
    }, 500);
    const finish = (error?: Error) => {
      clearInterval(recvTimer);
      sender.removeAllListeners('message');
      receiver.removeAllListeners('message');
      if (error) reject(error);
      else resolve();
    };
    const pump = () => {
      const completed = Math.min(acked, delivered);
      if (completed === count) return finish();
      while (sent < count && sent - completed < window) {
        sender.send(sendFrame(`m${sent}`, names.to, text));
        sent += 1;
      }
    };
    sender.on('message', (data) => {
      const frame = parse(data);
      if (frame.t === 'ack') {
        if (frame.id !== `m${acked}`) return finish(new Error(`ack out of order: ${frame.id}`));
        acked += 1;
        if (acked <= delivered) progress.done += 1;
        pump();
      } else if (frame.t === 'nack' || frame.t === 'error') {
        finish(new Error(`${names.from}: ${frame.t} ${frame.code} ${frame.reason}`));
      }
    });
    receiver.on('message', (data) => {
      const frame = parse(data);
      if (frame.t !== 'msg') return;
      const { message } = frame;
      if (message.from !== names.from || message.id !== `m${delivered}`) {
        return finish(
          new Error(
            `unexpected delivery ${message.from}/${message.id} (seq ${message.seq}), ` +
              `expected m${delivered} after seq ${lastSeq}`,
          ),
        );
      }
      delivered += 1;
      lastSeq = message.seq;
      if (delivered <= acked) progress.done += 1;
      pump();
    });
    sender.once('close', () => finish(new Error(`${names.from}'s socket closed`)));
    pump();
  });
}

/** Pairs of clients signing in at once. */
const SIGN_IN_PAIRS = 4;

/** `work(0..count-1)`, at most `limit` at once, results in order. */
async function mapLimit<T>(limit: number, count: number, work: (i: number) => Promise<T>) {
  const results: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return results;
}

/**
 * `httpUrl`: one server, or the processes of one service (sender i signs in on process i, its
 * receiver on the next one, so every message crosses between processes).
 */
export async function measureServer(
  httpUrl: string | readonly string[],
  clients: number,
  messages: number,
  text: string,
): Promise<RunResult> {
  const { window, runTimeoutMs } = THROUGHPUT_DEFAULTS;
  const urls = typeof httpUrl === 'string' ? [httpUrl] : httpUrl;
  const on = (i: number) => urls[i % urls.length] as string;
  const tag = `${Date.now().toString(36)}${clients}`;
  // A few pairs at a time: each sign-in is two scrypt hashes, and a server on 2 cores has one
  // hashing thread. 100 users signing in at once queue 200 hashes; on a loaded machine the last
  // wait past the server's idle-connection timeout (60 s), which closes their sockets unanswered
  // (the "fetch failed" at N=50). Signing in is not what this measures.
  const pairs = await mapLimit(SIGN_IN_PAIRS, clients, async (i) => {
    const from = `bench-s${i}-${tag}`;
    const to = `bench-r${i}-${tag}`;
    const [sender, receiver] = await Promise.all([signIn(on(i), from), signIn(on(i + 1), to)]);
    return { sender, receiver, from, to };
  });
  const perPair = Math.floor(messages / clients);
  const progress = { done: 0 };
  const started = performance.now();
  try {
    await withDeadline(
      Promise.all(
        pairs.map((pair) =>
          runPair(pair.sender, pair.receiver, pair, perPair, window, text, progress),
        ),
      ),
      runTimeoutMs,
      () => `only ${progress.done} of ${perPair * clients} messages acked and delivered`,
    ).catch((error: unknown) => {
      // A slow engine still gets a figure: the rate it reached by the deadline, marked as cut.
      // Anything else that ends a run (an error frame, a message lost or out of order) fails it
      // with its reason: it used to be shown as "cut" too, which hid a bug (a server id taken
      // by two processes, an error 500 frame, in the 3× PG+Redis runs; storage.ts, issue 11).
      if (progress.done === 0 || !(error instanceof DeadlineExceeded)) throw error;
    });
    const elapsed = performance.now() - started;
    const done = progress.done;
    return done < perPair * clients
      ? { ...result(done, elapsed), cut: true }
      : result(perPair * clients, elapsed);
  } finally {
    for (const pair of pairs) {
      pair.sender.terminate();
      pair.receiver.terminate();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// ws echo
// ---------------------------------------------------------------------------------------------

export async function startEchoServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'ws-echo-server.ts')],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await withDeadline(
    new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk;
        const match = /ws echo listening on (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`ws echo server exited with ${code}`)));
    }),
    20_000,
    () => 'ws echo server did not start',
  );
  return { url: `ws://127.0.0.1:${port}`, child };
}

function echoOne(socket: WebSocket, count: number, window: number, frames: (k: number) => string) {
  return new Promise<void>((resolve, reject) => {
    let sent = 0;
    let echoed = 0;
    const pump = () => {
      if (echoed === count) {
        socket.removeAllListeners('message');
        return resolve();
      }
      while (sent < count && sent - echoed < window) {
        socket.send(frames(sent));
        sent += 1;
      }
    };
    socket.on('message', (data) => {
      // Parsed, like the openwebim client parses each frame it gets.
      const frame = JSON.parse(data.toString()) as { id: string };
      if (frame.id !== `m${echoed}`) return reject(new Error(`echo out of order: ${frame.id}`));
      echoed += 1;
      pump();
    });
    socket.once('close', () => reject(new Error('echo socket closed')));
    pump();
  });
}

async function measureEcho(
  url: string,
  clients: number,
  messages: number,
  text: string,
): Promise<RunResult> {
  const { window, runTimeoutMs } = THROUGHPUT_DEFAULTS;
  const sockets = await Promise.all(Array.from({ length: clients }, () => openSocket(url)));
  const perSocket = Math.floor(messages / clients);
  const started = performance.now();
  try {
    await withDeadline(
      Promise.all(
        sockets.map((socket, i) =>
          echoOne(socket, perSocket, window, (k) =>
            sendFrame(`m${k}`, `bench-r${i}-xxxxxxxx`, text),
          ),
        ),
      ),
      runTimeoutMs,
      () => 'the echo run did not finish',
    );
    return result(perSocket * clients, performance.now() - started);
  } finally {
    for (const socket of sockets) socket.terminate();
  }
}

/** The echo run is short (well under a second): the median of three steadies it. */
export async function medianEcho(url: string, clients: number, messages: number, text: string) {
  const echo = () => measureEcho(url, clients, messages, text);
  return medianRun(echo, ECHO_RUNS, echo);
}

/**
 * `warmUp` once (its figure dropped), then `count` runs: the median run, with every run's rate
 * (ascending). One run lasts about a second, and the first on a server or client just started
 * is the slowest.
 */
export async function medianRun(
  run: () => Promise<RunResult>,
  count: number,
  warmUp: () => Promise<unknown>,
): Promise<RunResult & { runs: number[] }> {
  await warmUp();
  const runs: RunResult[] = [];
  for (let i = 0; i < count; i += 1) runs.push(await run());
  runs.sort((a, b) => a.perSecond - b.perSecond);
  const median = runs[Math.floor(runs.length / 2)] as RunResult;
  return { ...median, runs: runs.map((one) => one.perSecond) };
}

// ---------------------------------------------------------------------------------------------
// Both, per client count
// ---------------------------------------------------------------------------------------------

export const settle = <T>(work: Promise<T>): Promise<T | Error> =>
  work.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));

/**
 * PostgreSQL and Redis for the scaled-out runs, started for the bench (a throwaway cluster with
 * fsync on, like SQLite's synchronous=FULL: the same durability on both), or why not.
 */
async function scaleOutServices(): Promise<
  | {
      postgres: Awaited<ReturnType<typeof startPostgres>>;
      redis: Awaited<ReturnType<typeof startRedis>>;
    }
  | string
> {
  const missing = missingServices();
  if (missing) return missing;
  const postgres = await startPostgres({ durable: true });
  try {
    return { postgres, redis: await startRedis() };
  } catch (error) {
    postgres.stop();
    throw error;
  }
}

/** Starts the processes, runs `measure` on their URLs, stops them. */
async function withProcesses(
  env: Record<string, string>,
  count: number,
  measure: (urls: string[]) => Promise<RunResult>,
): Promise<RunResult | Error> {
  const processes = Array.from(
    { length: count },
    () => new ServerProcess({ env: { ...BENCH_SERVER_ENV, ...env }, compiled: true }),
  );
  try {
    // One at a time: the first creates the schema, the others find it.
    for (const server of processes) await server.start();
    return await settle(measure(processes.map((server) => server.url)));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    await Promise.all(processes.map((server) => server.dispose()));
  }
}

export async function serverThroughput(
  options: { messages?: number; clients?: readonly number[] } = {},
): Promise<{ rows: ThroughputRow[]; postgresMissing: string | null }> {
  const messages = options.messages ?? THROUGHPUT_DEFAULTS.messages;
  const clientCounts = options.clients ?? THROUGHPUT_DEFAULTS.clients;
  const text = 'x'.repeat(THROUGHPUT_DEFAULTS.textChars);
  const echo = await startEchoServer();
  const services = await scaleOutServices();
  const rows: ThroughputRow[] = [];
  try {
    // Warms both sides' JIT up, so the first echo run does not measure compilation.
    await measureEcho(echo.url, 1, 2_000, text);
    let databases = 0;
    /** A fresh database per run, so no run pays for the previous one's inbox. */
    const freshDatabase = async () => {
      if (typeof services === 'string') throw new Error(services);
      const name = `bench${++databases}`;
      const admin = new pg.Client({ connectionString: services.postgres.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return services.postgres.url.replace(/\/postgres$/, `/${name}`);
    };
    for (const clients of clientCounts) {
      // A fresh server (and database) per run, so no run pays for the previous one's inbox.
      const measure = (urls: string[]) => measureServer(urls, clients, messages, text);
      const serverRun = await withProcesses({}, 1, measure);
      let postgres: RunResult | Error | null = null;
      let scaledOut: RunResult | Error | null = null;
      if (typeof services !== 'string') {
        postgres = await withProcesses(
          { OPENWEBIM_DATABASE_URL: await freshDatabase() },
          1,
          measure,
        );
        scaledOut = await withProcesses(
          {
            OPENWEBIM_DATABASE_URL: await freshDatabase(),
            OPENWEBIM_REDIS_URL: services.redis.url,
          },
          PROCESSES,
          measure,
        );
      }
      const echoRun = await settle(medianEcho(echo.url, clients, messages, text));
      rows.push({ clients, server: serverRun, postgres, scaledOut, echo: echoRun });
    }
  } finally {
    echo.child.kill('SIGTERM');
    if (typeof services !== 'string') {
      services.redis.stop();
      services.postgres.stop();
    }
  }
  return { rows, postgresMissing: typeof services === 'string' ? services : null };
}

/** The size of one `msg` frame as sent, for the printout. */
export const frameBytes = (): number =>
  Buffer.byteLength(
    sendFrame('m19999', 'bench-r49-xxxxxxxx', 'x'.repeat(THROUGHPUT_DEFAULTS.textChars)),
  );
