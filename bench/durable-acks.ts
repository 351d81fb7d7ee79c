/**
 * What durable acks cost: one reference server with `synchronous=FULL` (the default: an ack is sent
 * after its group commit is fsynced) beside the same server with `synchronous=NORMAL` (an ack
 * survives a crash, not a power loss), in one run, on the same machine.
 *
 * For each mode, a fresh server and database:
 * 1. the maximum rate, as server-throughput.ts measures it (N senders → N receivers, a message
 *    counts once acked to its sender and delivered to its recipient), beside the raw `ws` echo;
 * 2. then, on new users, messages sent at a steady HALF of that maximum rate, each timed from its
 *    send to its `ack` (ack latency) and to its `msg` at the recipient (delivery latency):
 *    p50 and p99. NORMAL is also paced at the durable run's half rate, so the ratio of latencies
 *    is taken at one load.
 *
 * The clients run in this process, so their own event-loop delays are part of the latencies.
 */
import { ServerProcess } from '../test/support/server-process.mjs';
import {
  BENCH_SERVER_ENV,
  THROUGHPUT_DEFAULTS,
  type RunResult,
  measureServer,
  medianEcho,
  medianRun,
  sendFrame,
  settle,
  signIn,
  startEchoServer,
  withDeadline,
} from './server-throughput.js';
import type { ServerFrame } from '../src/protocol/frames.js';

export const DURABILITY_DEFAULTS = {
  clients: 10,
  /** Messages for each maximum-rate run. */
  messages: 10_000,
  /**
   * Maximum-rate runs per mode, the median taken, after one warm-up run of {@link warmUp}
   * messages whose figure is dropped: one run of 10,000 lasts about a second, and the figure of a
   * single one, the first on a server just started, moved from 0.095 to 0.15 of the echo between
   * two runs of the same tree on a quiet machine.
   */
  maxRuns: 3,
  warmUp: 2_000,
  /** Length of the half-rate run. */
  latencySeconds: 6,
  /**
   * Seconds at the half rate before the timed ones, whose messages are not counted: the run starts
   * right after the maximum-rate runs, and its first second carried what they left behind (the
   * checkpointer copying and truncating their WAL, the garbage collector's debt): in two probe
   * runs at 12,000 msg/s, 540 and 600 of the 720 slowest 1 % were sent in the first second.
   */
  settleSeconds: 1,
  /** A latency run that has not finished this long after its last send is reported as failed. */
  drainTimeoutMs: 30_000,
} as const;

export const DURABILITY_MODES = [
  { name: 'durable (synchronous=FULL, group commit)', synchronous: 'full' },
  { name: 'synchronous=NORMAL', synchronous: 'normal' },
] as const;

export interface Latencies {
  /** Messages sent per second, as paced (half the maximum). */
  rate: number;
  messages: number;
  ack: { p50: number; p99: number; max: number };
  delivery: { p50: number; p99: number; max: number };
}

/** The median of the maximum-rate runs, and every run's rate (ascending). */
export type MaxRate = RunResult & { runs: number[] };

export interface DurabilityRow {
  name: string;
  synchronous: 'full' | 'normal';
  max: MaxRate | Error;
  latency: Latencies | Error;
  /** NORMAL only: paced at the durable run's half rate too, so the latencies compare at one load. */
  latencyAtDurableHalf?: Latencies | Error;
}

export interface DurabilityResult {
  clients: number;
  /**
   * The echo's rate: the higher of its medians measured before and after the servers. The echo
   * measures the clients' process as much as the echo server, and that process is slower after the
   * servers' runs (64,000-68,000 msg/s against 100,000 before, once the maximum-rate runs were
   * medians): the higher figure can only understate the servers' ratio.
   */
  echo: RunResult | Error;
  /** Both medians: before the servers, after them. */
  echoes: (RunResult | Error)[];
  rows: DurabilityRow[];
}

/** The q-quantile of ascending `sorted` (nearest rank). */
const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
};

/**
 * Sends `rate` messages a second for `settleSeconds + seconds`, round-robin over N pairs; times
 * every one sent after the first `settleSeconds`.
 */
export async function measureLatency(
  httpUrl: string,
  clients: number,
  rate: number,
  seconds: number,
  text: string,
  settleSeconds: number = DURABILITY_DEFAULTS.settleSeconds,
): Promise<Latencies> {
  const tag = `${Date.now().toString(36)}l`;
  const pairs = await Promise.all(
    Array.from({ length: clients }, async (_, i) => {
      const from = `bench-ls${i}-${tag}`;
      const to = `bench-lr${i}-${tag}`;
      const [sender, receiver] = await Promise.all([signIn(httpUrl, from), signIn(httpUrl, to)]);
      return { sender, receiver, from, to, sentAt: [] as number[], lastSeq: 0 };
    }),
  );
  const settling = Math.round(rate * settleSeconds);
  const total = settling + Math.max(clients, Math.round(rate * seconds));
  /** The latencies of the messages timed (sent after the settling ones). */
  const acks: number[] = [];
  const deliveries: number[] = [];
  let acked = 0;
  let delivered = 0;
  let failure: Error | undefined;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const check = () => {
    if (failure || (acked === total && delivered === total)) done();
  };
  const index = (id: string) => Number(id.slice(1));
  /** Each pair's k-th message is timed when its send time is not NaN. */
  const timed = (sentAt: number) => !Number.isNaN(sentAt);
  const recvTimer = setInterval(() => {
    for (const pair of pairs) {
      if (pair.lastSeq) pair.receiver.send(JSON.stringify({ t: 'recv', seq: pair.lastSeq }));
    }
  }, 500);
  for (const pair of pairs) {
    pair.sender.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.t === 'ack') {
        acked += 1;
        const sentAt = pair.sentAt[index(frame.id)]!;
        if (timed(sentAt)) acks.push(at - sentAt);
      } else if (frame.t === 'nack' || frame.t === 'error') {
        failure = new Error(`${pair.from}: ${frame.t} ${frame.code} ${frame.reason}`);
      }
      check();
    });
    pair.receiver.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.t !== 'msg') return;
      delivered += 1;
      const sentAt = pair.sentAt[index(frame.message.id)]!;
      if (timed(sentAt)) deliveries.push(at - sentAt);
      pair.lastSeq = frame.message.seq;
      check();
    });
  }
  let sent = 0;
  const started = performance.now();
  // A 1 ms timer: each tick sends what is due by now, so the pace holds even when ticks are late.
  const pacer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent < due) {
      const pair = pairs[sent % clients]!;
      const k = pair.sentAt.length;
      pair.sentAt.push(sent < settling ? NaN : performance.now());
      pair.sender.send(sendFrame(`m${k}`, pair.to, text));
      sent += 1;
    }
    if (sent === total) clearInterval(pacer);
  }, 1);
  try {
    await withDeadline(
      finished,
      (settleSeconds + seconds) * 1000 + DURABILITY_DEFAULTS.drainTimeoutMs,
      () => `only ${acked} acks and ${delivered} deliveries of ${total}`,
    );
    if (failure) throw failure;
    return { rate, messages: total - settling, ack: summary(acks), delivery: summary(deliveries) };
  } finally {
    clearInterval(pacer);
    clearInterval(recvTimer);
    for (const pair of pairs) {
      pair.sender.terminate();
      pair.receiver.terminate();
    }
  }
}

/** The maximum rate: a warm-up run, then the median of {@link DURABILITY_DEFAULTS.maxRuns}. */
async function medianMax(
  url: string,
  clients: number,
  messages: number,
  text: string,
): Promise<MaxRate> {
  const { maxRuns, warmUp } = DURABILITY_DEFAULTS;
  return medianRun(
    () => measureServer(url, clients, messages, text),
    maxRuns,
    () => measureServer(url, clients, warmUp, text),
  );
}

export async function durableAcks(
  options: { clients?: number; messages?: number; latencySeconds?: number } = {},
): Promise<DurabilityResult> {
  const clients = options.clients ?? DURABILITY_DEFAULTS.clients;
  const messages = options.messages ?? DURABILITY_DEFAULTS.messages;
  const seconds = options.latencySeconds ?? DURABILITY_DEFAULTS.latencySeconds;
  const text = 'x'.repeat(THROUGHPUT_DEFAULTS.textChars);
  const rows: DurabilityRow[] = [];
  const echoes = [await echoMedian(clients, messages, text)];
  for (const mode of DURABILITY_MODES) {
    const server = new ServerProcess({
      env: { ...BENCH_SERVER_ENV, OPENWEBIM_SQLITE_SYNCHRONOUS: mode.synchronous },
      compiled: true,
    });
    try {
      await server.start();
      const max = await settle(medianMax(server.url, clients, messages, text));
      const latency =
        max instanceof Error
          ? new Error('no maximum rate to halve')
          : await settle(measureLatency(server.url, clients, max.perSecond / 2, seconds, text));
      const durable = rows[0]?.latency;
      const latencyAtDurableHalf =
        mode.synchronous === 'normal' && durable && !(durable instanceof Error)
          ? await settle(measureLatency(server.url, clients, durable.rate, seconds, text))
          : undefined;
      rows.push({
        name: mode.name,
        synchronous: mode.synchronous,
        max,
        latency,
        latencyAtDurableHalf,
      });
    } finally {
      await server.dispose();
    }
  }
  // Again once the servers are gone: the clients' process is not the one it was (see echo).
  echoes.push(await echoMedian(clients, messages, text));
  const rates = echoes.filter((echo): echo is RunResult => !(echo instanceof Error));
  const echo = rates.sort((a, b) => b.perSecond - a.perSecond)[0] ?? (echoes[0] as Error);
  return { clients, echo, echoes, rows };
}

/** The ws echo's median rate (after a warm-up run), on an echo server started for it. */
async function echoMedian(
  clients: number,
  messages: number,
  text: string,
): Promise<RunResult | Error> {
  const echoServer = await startEchoServer();
  try {
    return await settle(medianEcho(echoServer.url, clients, messages, text));
  } finally {
    echoServer.child.kill('SIGTERM');
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The printout of `npm run bench -- throughput` (section throughput-durability). */
export async function printDurableAcks(): Promise<void> {
  const { clients, messages, latencySeconds, maxRuns, warmUp, settleSeconds } = DURABILITY_DEFAULTS;
  console.log('Durable acks: the same server with synchronous=FULL and with synchronous=NORMAL');
  console.log(
    `  ${clients} senders → ${clients} receivers; maximum rate over ${int(messages)} messages ` +
      `(acked and delivered; median of ${maxRuns} runs after a warm-up of ${int(warmUp)}), then ` +
      `${latencySeconds} s paced at half of it (after ${settleSeconds} s at that rate, not timed), ` +
      'each message timed from send to its ack and to its delivery. A fresh server and database ' +
      'per mode.',
  );
  const { echo, echoes, rows } = await durableAcks();
  const echoRate = echo instanceof Error ? undefined : echo.perSecond;
  const rate = (run: RunResult | Error) =>
    run instanceof Error ? `failed: ${run.message}` : `${int(run.perSecond)} msg/s`;
  console.log(
    `  ws echo, ${clients} sockets: ${rate(echo)} (the higher of ${echoes.map(rate).join(' before the servers and ')} after)`,
  );
  for (const row of rows) {
    if (row.max instanceof Error) {
      console.log(`  ${row.name.padEnd(42)} failed: ${row.max.message}`);
      continue;
    }
    const ofEcho = echoRate ? ` = ${(row.max.perSecond / echoRate).toFixed(3)} of the echo` : '';
    const runs = row.max.runs.map(int).join(', ');
    console.log(
      `  ${row.name.padEnd(42)} ${int(row.max.perSecond).padStart(7)} msg/s${ofEcho} (runs: ${runs})`,
    );
    for (const latency of [row.latency, row.latencyAtDurableHalf]) {
      if (latency instanceof Error) {
        console.log(`    paced: failed: ${latency.message}`);
      } else if (latency) {
        const { rate, messages: sent, ack, delivery } = latency;
        console.log(
          `    at ${int(rate)} msg/s (${int(sent)} messages): ack p50 ${ms(ack.p50)} p99 ${ms(ack.p99)} ` +
            `(max ${ms(ack.max)}); delivery p50 ${ms(delivery.p50)} p99 ${ms(delivery.p99)} (max ${ms(delivery.max)})`,
        );
      }
    }
  }
  const [full, normal] = rows;
  if (full && normal && !(full.max instanceof Error) && !(normal.max instanceof Error)) {
    const line = [
      `  durable/NORMAL: throughput ${(full.max.perSecond / normal.max.perSecond).toFixed(2)}×`,
    ];
    const same = normal.latencyAtDurableHalf;
    if (!(full.latency instanceof Error) && same && !(same instanceof Error)) {
      line.push(
        `at ${int(same.rate)} msg/s ack p50 ${(full.latency.ack.p50 / same.ack.p50).toFixed(2)}×`,
        `ack p99 ${(full.latency.ack.p99 / same.ack.p99).toFixed(2)}×`,
      );
    }
    console.log(line.join(', '));
  }
  console.log('  Goal (issue 11): durable ≥ 0.15 of the echo; ack p99 < 20 ms at half load.');
}
