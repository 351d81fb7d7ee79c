/**
 * `npm run bench [-- name...]`: prints measurements as numbers and ratios. Nothing here asserts:
 * targets are printed beside the numbers for people to read, never checked by tests.
 *
 * Names (any part of one selects it): bundle-size, server-throughput, indexeddb-writes, render-10k.
 * Without names, all run in that order. Absolute numbers depend on the machine; the ratios printed
 * beside them (against a baseline measured on the same machine in the same run) are what compare.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSizes } from './bundle-size.js';
import {
  BENCH_SERVER_ENV,
  THROUGHPUT_DEFAULTS,
  frameBytes,
  serverThroughput,
} from './server-throughput.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

async function printBundleSizes(): Promise<void> {
  const { rows, agora } = bundleSizes(root);
  console.log('Bundle size (gzip -9)');
  for (const row of rows) {
    const target = row.target
      ? `target ≤ ${kb(row.target)} ${row.gzip <= row.target ? '(met)' : '(MISSED)'}`
      : '';
    console.log(
      `  ${row.name.padEnd(44)} ${String(row.gzip).padStart(7)} B  ${kb(row.gzip).padStart(8)}  ` +
        `${(agora.bytes / row.gzip).toFixed(1)}× smaller than Agora-chat.js  ${target}`,
    );
  }
  console.log(
    `  ${'agora-chat 1.4.0 Agora-chat.js'.padEnd(44)} ${String(agora.bytes).padStart(7)} B  ${kb(agora.bytes).padStart(8)}  (${agora.source})`,
  );
}

async function printServerThroughput(): Promise<void> {
  const { messages, window, textChars } = THROUGHPUT_DEFAULTS;
  console.log('Server throughput: one reference server vs a raw `ws` echo server, same machine');
  console.log(
    `  ${int(messages)} txt messages of ${textChars} chars (${frameBytes()} B frames), ` +
      `at most ${window} in flight per sender; N senders → N receivers, each message counted once ` +
      'acked to its sender and delivered to its recipient; echo: N sockets, counted when echoed.',
  );
  console.log(
    `  Raised for the bench (defaults would measure the limiters): ${Object.entries(
      BENCH_SERVER_ENV,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(' ')}`,
  );
  console.log(
    `  ${'N'.padStart(4)}  ${'openwebim msg/s'.padStart(16)} ${'(time)'.padStart(9)}  ` +
      `${'ws echo msg/s'.padStart(14)} ${'(time)'.padStart(9)}  ratio openwebim/echo`,
  );
  for (const row of await serverThroughput()) {
    const cell = (run: typeof row.server) =>
      run instanceof Error
        ? `${'failed'.padStart(16)} ${''.padStart(9)}`
        : `${int(run.perSecond).padStart(16)} ${`${(run.ms / 1000).toFixed(2)} s`.padStart(9)}`;
    const ratio =
      row.server instanceof Error || row.echo instanceof Error
        ? '–'
        : `${(row.server.perSecond / row.echo.perSecond).toFixed(3)}`;
    console.log(
      `  ${String(row.clients).padStart(4)}  ${cell(row.server)}  ${cell(row.echo)}  ${ratio}`,
    );
    for (const run of [row.server, row.echo]) {
      if (run instanceof Error) console.log(`        failed: ${run.message}`);
    }
  }
}

const sections: { name: string; run: () => Promise<void> }[] = [
  { name: 'bundle-size', run: printBundleSizes },
  { name: 'server-throughput', run: printServerThroughput },
];

const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const chosen = filters.length
  ? sections.filter((section) => filters.some((filter) => section.name.includes(filter)))
  : sections;
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
