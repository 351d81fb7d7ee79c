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
  sendFrame,
  settle,
  signIn,
  startEchoServer,
  withDeadline,
} from './server-throughput.js';
import type { ServerFrame } from '../src/protocol/frames.js';

export const DURABILITY_DEFAULTS = {
  clients: 10,
  /** Messages for the maximum-rate run. */
  messages: 10_000,
  /** Length of the half-rate run. */
  latencySeconds: 6,
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

export interface DurabilityRow {
  name: string;
  synchronous: 'full' | 'normal';
  max: RunResult | Error;
  latency: Latencies | Error;
  /** NORMAL only: paced at the durable run's half rate too, so the latencies compare at one load. */
  latencyAtDurableHalf?: Latencies | Error;
}

export interface DurabilityResult {
  clients: number;
  echo: RunResult | Error;
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

/** Sends `rate` messages a second for `seconds`, round-robin over N pairs; times every one. */
export async function measureLatency(
  httpUrl: string,
  clients: number,
  rate: number,
  seconds: number,
  text: string,
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
  const total = Math.max(clients, Math.round(rate * seconds));
  const acks: number[] = [];
  const deliveries: number[] = [];
  let failure: Error | undefined;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const check = () => {
    if (failure || (acks.length === total && deliveries.length === total)) done();
  };
  const index = (id: string) => Number(id.slice(1));
  const recvTimer = setInterval(() => {
    for (const pair of pairs) {
      if (pair.lastSeq) pair.receiver.send(JSON.stringify({ t: 'recv', seq: pair.lastSeq }));
    }
  }, 500);
  for (const pair of pairs) {
    pair.sender.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.t === 'ack') acks.push(at - pair.sentAt[index(frame.id)]!);
      else if (frame.t === 'nack' || frame.t === 'error') {
        failure = new Error(`${pair.from}: ${frame.t} ${frame.code} ${frame.reason}`);
      }
      check();
    });
    pair.receiver.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.t !== 'msg') return;
      deliveries.push(at - pair.sentAt[index(frame.message.id)]!);
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
      pair.sentAt.push(performance.now());
      pair.sender.send(sendFrame(`m${k}`, pair.to, text));
      sent += 1;
    }
    if (sent === total) clearInterval(pacer);
  }, 1);
  try {
    await withDeadline(
      finished,
      seconds * 1000 + DURABILITY_DEFAULTS.drainTimeoutMs,
      () => `only ${acks.length} acks and ${deliveries.length} deliveries of ${total}`,
    );
    if (failure) throw failure;
    return { rate, messages: total, ack: summary(acks), delivery: summary(deliveries) };
  } finally {
    clearInterval(pacer);
    clearInterval(recvTimer);
    for (const pair of pairs) {
      pair.sender.terminate();
      pair.receiver.terminate();
    }
  }
}

export async function durableAcks(
  options: { clients?: number; messages?: number; latencySeconds?: number } = {},
): Promise<DurabilityResult> {
  const clients = options.clients ?? DURABILITY_DEFAULTS.clients;
  const messages = options.messages ?? DURABILITY_DEFAULTS.messages;
  const seconds = options.latencySeconds ?? DURABILITY_DEFAULTS.latencySeconds;
  const text = 'x'.repeat(THROUGHPUT_DEFAULTS.textChars);
  const rows: DurabilityRow[] = [];
  for (const mode of DURABILITY_MODES) {
    const server = new ServerProcess({
      env: { ...BENCH_SERVER_ENV, OPENWEBIM_SQLITE_SYNCHRONOUS: mode.synchronous },
      compiled: true,
    });
    try {
      await server.start();
      const max = await settle(measureServer(server.url, clients, messages, text));
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
  // The echo last, on a machine the servers above no longer load.
  const echoServer = await startEchoServer();
  try {
    const echo = await settle(medianEcho(echoServer.url, clients, messages, text));
    return { clients, echo, rows };
  } finally {
    echoServer.child.kill('SIGTERM');
  }
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The printout of `npm run bench -- throughput` (section throughput-durability). */
export async function printDurableAcks(): Promise<void> {
  const { clients, messages, latencySeconds } = DURABILITY_DEFAULTS;
  console.log('Durable acks: the same server with synchronous=FULL and with synchronous=NORMAL');
  console.log(
    `  ${clients} senders → ${clients} receivers; maximum rate over ${int(messages)} messages ` +
      `(acked and delivered), then ${latencySeconds} s paced at half of it, each message timed ` +
      'from send to its ack and to its delivery. A fresh server and database per mode.',
  );
  const { echo, rows } = await durableAcks();
  const echoRate = echo instanceof Error ? undefined : echo.perSecond;
  console.log(
    `  ws echo, ${clients} sockets: ${echo instanceof Error ? `failed: ${echo.message}` : `${int(echo.perSecond)} msg/s`}`,
  );
  for (const row of rows) {
    if (row.max instanceof Error) {
      console.log(`  ${row.name.padEnd(42)} failed: ${row.max.message}`);
      continue;
    }
    const ofEcho = echoRate ? ` = ${(row.max.perSecond / echoRate).toFixed(3)} of the echo` : '';
    console.log(`  ${row.name.padEnd(42)} ${int(row.max.perSecond).padStart(7)} msg/s${ofEcho}`);
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
