/**
 * IndexedDB write rate for received messages in headless Chromium: the store's batched writer
 * (`storeIncomingBatch`, one transaction per batch) against one transaction per message
 * (`storeIncomingEach`), on the same 10,000 messages, each into a fresh database. The page is
 * bench/pages/indexeddb-writes-page.ts; the ratio batched/each is what compares across machines.
 */
import { openBenchPage } from './browser-page.js';
import type { WriteRun } from './pages/indexeddb-writes-page.js';

export const INDEXEDDB_DEFAULTS = {
  messages: 10_000,
  /** The store's own largest batch (`writeInBatches`' `maxBatch` in src/store/stream-batching.ts). */
  batchSize: 500,
} as const;

export interface IndexedDbResult {
  batched: WriteRun & { perSecond: number };
  each: WriteRun & { perSecond: number };
  browser: string;
}

const withRate = (run: WriteRun) => ({ ...run, perSecond: run.messages / (run.ms / 1000) });

export async function indexedDbWrites(): Promise<IndexedDbResult> {
  const { messages, batchSize } = INDEXEDDB_DEFAULTS;
  const bench = await openBenchPage('bench/pages/indexeddb-writes-page.ts');
  try {
    const write = (mode: 'batched' | 'each') =>
      bench.page.evaluate(
        (mode, count, size) => window.benchIndexedDbWrites(mode, count, size),
        mode,
        messages,
        batchSize,
      );
    const batched = await write('batched');
    const each = await write('each');
    for (const run of [batched, each]) {
      if (run.stored !== run.messages) {
        throw new Error(`only ${run.stored} of ${run.messages} messages were stored`);
      }
    }
    const browser = await bench.page.browser().version();
    return { batched: withRate(batched), each: withRate(each), browser };
  } finally {
    await bench.close();
  }
}
