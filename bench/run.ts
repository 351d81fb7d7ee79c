/**
 * `npm run bench [-- name...]`: prints measurements as numbers and ratios. Nothing here asserts:
 * targets are printed beside the numbers for people to read (the size budgets alone are also a
 * test, test/build/budgets.test.ts, which fails past them; no timing is ever a test).
 *
 * Names (any part of one selects it): bundle-size, embed, server-throughput,
 * server-throughput-durability, indexeddb-writes, render-10k.
 * Without names, all run in that order. Absolute numbers depend on the machine; the ratios printed
 * beside them (against a baseline measured on the same machine in the same run) are what compare.
 */
import { dirname, join } from 'node:path';
import { buildServerIfStale } from '../scripts/builds.mjs';
import { fileURLToPath } from 'node:url';
import { bundleSizes } from './bundle-size.js';
import { printDurableAcks } from './durable-acks.js';
import { EMBED_DEFAULTS, embed } from './embed.js';
import { INDEXEDDB_DEFAULTS, indexedDbWrites } from './indexeddb-writes.js';
import { RENDER_DEFAULTS, render10k } from './render-10k.js';
import {
  BENCH_SERVER_ENV,
  PROCESSES,
  THROUGHPUT_DEFAULTS,
  frameBytes,
  serverThroughput,
} from './server-throughput.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

async function printBundleSizes(): Promise<void> {
  const { rows, agora } = bundleSizes(root);
  console.log('Bundle size as served (brotli q11 and gzip -9 copies written at build)');
  for (const row of rows) {
    const counted = row.target ? row[row.target.in] : row.brotli;
    const target = row.target
      ? `budget ≤ ${kb(row.target.bytes)} ${row.target.in} ${counted <= row.target.bytes ? '(met)' : '(MISSED)'}`
      : '';
    console.log(
      `  ${row.name.padEnd(48)} brotli ${kb(row.brotli).padStart(8)}  gzip ${kb(row.gzip).padStart(8)}  ` +
        `raw ${kb(row.raw).padStart(9)}  ${(agora.bytes / row.gzip).toFixed(1)}× smaller than Agora-chat.js (gzip)  ${target}`,
    );
  }
  console.log(
    `  ${'agora-chat 1.4.0 Agora-chat.js'.padEnd(48)} gzip ${kb(agora.bytes).padStart(8)}  (${agora.source})`,
  );
}

/** The message and its causes ("fetch failed" alone says nothing of why). */
function describeError(error: Error): string {
  const { cause } = error as { cause?: unknown };
  const reason = cause instanceof Error ? `: ${describeError(cause)}` : '';
  const { code } = error as { code?: unknown };
  return `${error.message}${typeof code === 'string' ? ` (${code})` : ''}${reason}`;
}

async function printServerThroughput(): Promise<void> {
  const { messages, window, textChars } = THROUGHPUT_DEFAULTS;
  console.log('Server throughput: the reference server vs a raw `ws` echo server, same machine');
  console.log(
    `  ${int(messages)} txt messages of ${textChars} chars (${frameBytes()} B frames), ` +
      `at most ${window} in flight per sender.`,
  );
  console.log(
    '  openwebim: N senders → N receivers; a message counts once acked to its sender and ' +
      'delivered to its recipient.',
  );
  console.log(
    `  SQLite: one process. PostgreSQL: one process. ${PROCESSES}× PG+Redis: ${PROCESSES} processes ` +
      'on one PostgreSQL and one Redis, each receiver on another process than its sender.',
  );
  console.log(
    '  PostgreSQL is a throwaway local cluster with fsync on (SQLite fsyncs too). ' +
      'ws echo: N sockets; a message counts once echoed back; median of 3 runs. ' +
      'All servers are child processes.',
  );
  console.log(
    `  Raised for the bench (defaults would measure the limiters): ${Object.entries(
      BENCH_SERVER_ENV,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
  );
  const columns = ['SQLite', 'PostgreSQL', `${PROCESSES}× PG+Redis`];
  console.log(
    `  ${'N'.padStart(4)}  ${columns.map((name) => `${name} msg/s`.padStart(22)).join('')}` +
      `${'ws echo msg/s'.padStart(16)}   ratio to echo: ${columns.join(' / ')}`,
  );
  const { rows, postgresMissing } = await serverThroughput();
  for (const row of rows) {
    const runs = [row.server, row.postgres, row.scaledOut];
    const cell = (run: (typeof runs)[number]) =>
      (run === null
        ? 'not run'
        : run instanceof Error
          ? 'failed'
          : `${int(run.perSecond)} (${(run.ms / 1000).toFixed(1)} s${run.cut ? ', cut' : ''})`
      ).padStart(22);
    const ratio = (run: (typeof runs)[number]) =>
      run === null || run instanceof Error || row.echo instanceof Error
        ? '–'
        : (run.perSecond / row.echo.perSecond).toFixed(3);
    const echo = row.echo instanceof Error ? 'failed' : int(row.echo.perSecond);
    console.log(
      `  ${String(row.clients).padStart(4)}  ${runs.map(cell).join('')}${echo.padStart(16)}   ` +
        runs.map(ratio).join(' / '),
    );
    for (const run of [...runs, row.echo]) {
      if (run instanceof Error) console.log(`        failed: ${describeError(run)}`);
    }
  }
  console.log(
    '  "cut": the run hit its 60 s deadline; the rate is what it reached by then. A run that ' +
      'ends on an error (an error frame, a delivery lost or out of order) is "failed", with why.',
  );
  if (postgresMissing) console.log(`  PostgreSQL columns not run: ${postgresMissing}`);
}

async function printIndexedDbWrites(): Promise<void> {
  const { messages, batchSize } = INDEXEDDB_DEFAULTS;
  const { batched, each, browser } = await indexedDbWrites();
  console.log(
    `IndexedDB writes: ${int(messages)} received txt messages from 10 peers, the store's own ` +
      `functions, headless ${browser}`,
  );
  const row = (name: string, run: typeof batched) =>
    console.log(
      `  ${name.padEnd(52)} ${int(run.perSecond).padStart(8)} msg/s  ` +
        `${`${(run.ms / 1000).toFixed(2)} s`.padStart(8)}  ${int(run.transactions).padStart(6)} transactions`,
    );
  row(`batched (storeIncomingBatch, ${batchSize} per transaction)`, batched);
  row('one transaction each (storeIncomingEach)', each);
  console.log(`  ratio batched/each: ${(batched.perSecond / each.perSecond).toFixed(1)}×`);
}

async function printRender10k(): Promise<void> {
  const { messages, smallMessages, scrollSteps } = RENDER_DEFAULTS;
  const { firstPaint: paint, scrollTop: top, scrollThrough: through } = await render10k();
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  const line = (label: string, value: string, rest: string) =>
    console.log(`  ${label.padEnd(50)} ${value.padStart(9)}  ${rest}`);
  console.log(
    `Render: <chat-window> on a conversation of ${int(messages)} messages in IndexedDB, ` +
      'a real store signed in to a reference server, headless Chromium, 420×640 px',
  );
  line(
    `first paint, ${int(messages)} messages stored`,
    ms(paint.firstPaintMs),
    `median of 3, ${paint.renderedAtFirstPaint} bubbles in the DOM`,
  );
  line(
    `first paint, ${int(smallMessages)} messages stored`,
    ms(paint.firstPaintSmallMs),
    `ratio ${int(messages)}/${int(smallMessages)}: ${(paint.firstPaintMs / paint.firstPaintSmallMs).toFixed(2)}×`,
  );
  line(
    `plain DOM: ${int(messages)} <p> in a scrolling div`,
    ms(paint.firstPaintPlainDomMs),
    `ratio chat-window/plain DOM: ${(paint.firstPaintMs / paint.firstPaintPlainDomMs).toFixed(2)}×`,
  );
  if (top instanceof Error) {
    line('scroll to top, paging everything in', 'failed', top.message);
  } else {
    line(
      'scroll to top, paging everything in',
      ms(top.ms),
      `${int(top.loaded)} of ${int(messages)} loaded, ` +
        `${top.reachedStart ? 'start reached' : 'START NOT REACHED'}, ${top.scrolls} scrolls to ` +
        `the top + ${top.presses} presses of "Load older messages", ` +
        `${top.longTasks} long tasks (${ms(top.longTaskMs)})`,
    );
    if (top.milestones.length > 1) {
      const each = top.milestones.map((at, i) => at - (top.milestones[i - 1] ?? 0));
      console.log(
        `    time for each further 1,000 paged in: ${each.map((n) => (n / 1000).toFixed(1)).join(', ')} s`,
      );
    }
    if (top.stalled) console.log(`    stopped early: ${top.stalled}`);
  }
  const throughLabel = `scroll through, top to bottom in ${scrollSteps} jumps`;
  if (through instanceof Error) {
    line(throughLabel, 'failed', through.message);
  } else {
    line(
      throughLabel,
      ms(through.medianStepMs),
      `median per jump (max ${ms(through.maxStepMs)}), ${through.blankSteps} blank, ` +
        `${through.longTasks} long tasks (${ms(through.longTaskMs)}), ` +
        `≤ ${through.maxRendered} bubbles in the DOM`,
    );
  }
}

async function printEmbed(): Promise<void> {
  const { runs, cpuSlowdown } = EMBED_DEFAULTS;
  console.log(
    `Embedding cost: headless Chromium, CPU ${cpuSlowdown}× slower, fresh profile, blank host page ` +
      `on another origin, median of ${runs}; until the launcher is visible`,
  );
  const rows = await embed();
  const blank = rows[0]!;
  for (const row of rows) {
    const ratio =
      row === blank
        ? ''
        : `  vs blank: +${kb(row.bytes - blank.bytes)} (×${(row.bytes / blank.bytes).toFixed(1)}), ` +
          `+${(row.scriptMs - blank.scriptMs).toFixed(0)} ms scripting`;
    const click =
      row.clickToFormMs === undefined
        ? ''
        : `  click → usable login form ${row.clickToFormMs.toFixed(0)} ms`;
    console.log(
      `  ${row.name.padEnd(50)} ${kb(row.bytes).padStart(9)} transferred  ` +
        `${`${row.scriptMs.toFixed(0)} ms`.padStart(7)} scripting${ratio}${click}`,
    );
  }
}

const sections: { name: string; run: () => Promise<void> }[] = [
  { name: 'bundle-size', run: printBundleSizes },
  { name: 'embed', run: printEmbed },
  { name: 'server-throughput', run: printServerThroughput },
  { name: 'server-throughput-durability', run: printDurableAcks },
  { name: 'indexeddb-writes', run: printIndexedDbWrites },
  { name: 'render-10k', run: printRender10k },
];

const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const chosen = filters.length
  ? sections.filter((section) => filters.some((filter) => section.name.includes(filter)))
  : sections;
// The server benchmarks run the compiled server, as `npm start` does.
if (chosen.some((section) => section.name.startsWith('server-'))) buildServerIfStale();
if (!chosen.length) {
  console.error(
    `No benchmark matches ${filters.join(', ')}; choose from ${sections.map((s) => s.name).join(', ')}`,
  );
  process.exitCode = 2;
}
for (const [i, section] of chosen.entries()) {
  if (i > 0) console.log('');
  const started = performance.now();
  try {
    await section.run();
  } catch (error) {
    // One broken benchmark does not hide the others' numbers.
    console.log(
      `  ${section.name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
  console.log(`  (${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
