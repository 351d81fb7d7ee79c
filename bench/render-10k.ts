/**
 * Rendering a 10,000-message conversation in `<chat-window>`, in headless Chromium, against a real
 * store signed in to a reference server started here (bench/pages/render-10k-page.ts does the
 * work). The ratios that compare across machines: first paint of 10,000 messages against first
 * paint of 100, and against plain DOM holding all 10,000.
 */
import { openBenchPage } from './browser-page.js';
import type { RenderInput, RenderResult } from './pages/render-10k-page.js';
import { ServerProcess } from '../test/support/server-process.mjs';

export const RENDER_DEFAULTS = {
  messages: 10_000,
  smallMessages: 100,
  scrollSteps: 100,
  /** Scrolling to the top stops here even if the start was not reached (and says so). */
  scrollTopDeadlineMs: 45_000,
} as const;

export async function render10k(): Promise<RenderResult> {
  const server = new ServerProcess({ env: { OPENWEBIM_LOG_LEVEL: 'warn' } });
  await server.start();
  try {
    const bench = await openBenchPage('bench/pages/render-10k-page.ts');
    try {
      const input: RenderInput = {
        apiUrl: server.url,
        tag: Date.now().toString(36),
        ...RENDER_DEFAULTS,
      };
      return await bench.page.evaluate((input) => window.benchRender10k(input), input);
    } finally {
      await bench.close();
    }
  } finally {
    await server.dispose();
  }
}
