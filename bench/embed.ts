/**
 * What embedding the chat costs a host page, measured as a site owner would: headless Chromium
 * with the CPU throttled 4× (DevTools' "4× slowdown"), a blank page from one origin and the chat
 * from a reference server on another, a fresh browser profile per run (nothing cached, no session).
 *
 * - Until the launcher is visible: bytes transferred (encoded, as on the wire) and main-thread
 *   scripting time (`ScriptDuration` of the Performance domain), for the blank page alone, with the
 *   loader (`chat-widget.js`) and with the single file (`chat-widget-standalone.js`); the ratios
 *   are against the blank page.
 * - From a click on the launcher to a usable login form (the username field focused).
 *
 * Medians of RUNS runs. Nothing here asserts.
 */
import { createServer, type Server } from 'node:http';
import puppeteer, { type Browser, type CDPSession, type Page } from 'puppeteer-core';
import { chromeArgs, findChrome } from '../scripts/find-chrome.mjs';
import { ServerProcess } from '../test/support/server-process.mjs';

export const EMBED_DEFAULTS = { runs: 5, cpuSlowdown: 4 };

export interface EmbedRow {
  name: string;
  bytes: number;
  scriptMs: number;
  /** Click on the launcher to the username field focused; undefined for the blank page. */
  clickToFormMs?: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

/** Serves the host pages: `/blank` and `/with?script=URL` (the two tags a site pastes). */
async function hostPages(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const script = url.searchParams.get('script');
    const body = script
      ? `<script src="${script.replace(/"/g, '')}"></script><chat-widget app-key="demo#chat"></chat-widget>`
      : '';
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><html lang="en"><title>host</title><body><p>A page.</p>${body}</body>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

async function measure(
  browser: Browser,
  url: string,
  widget: boolean,
): Promise<{ bytes: number; scriptMs: number; clickToFormMs?: number }> {
  const context = await browser.createBrowserContext();
  try {
    const page: Page = await context.newPage();
    const cdp: CDPSession = await page.createCDPSession();
    await cdp.send('Performance.enable');
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: EMBED_DEFAULTS.cpuSlowdown });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (event) => (bytes += event.encodedDataLength));
    const scripting = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
    };
    const before = await scripting();
    await page.goto(url, { waitUntil: widget ? 'domcontentloaded' : 'load' });
    if (widget) await page.waitForSelector('chat-widget >>> [part="launcher"]', { visible: true });
    const result: { bytes: number; scriptMs: number; clickToFormMs?: number } = {
      bytes,
      scriptMs: (await scripting()) - before,
    };
    if (widget) {
      // The click, then the form's username field focused (the widget moves focus there once it
      // can be typed in), observed in the page itself.
      // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
      result.clickToFormMs = (await page.evaluate(`new Promise((resolve, reject) => {
        setTimeout(() => reject(new Error('no login form 30 s after the click')), 30000);
        const deepest = () => {
          let active = document.activeElement;
          while (active && active.shadowRoot && active.shadowRoot.activeElement) {
            active = active.shadowRoot.activeElement;
          }
          return active;
        };
        const started = performance.now();
        const check = () => {
          if (deepest()?.id !== 'username') return;
          document.removeEventListener('focusin', check);
          resolve(performance.now() - started);
        };
        document.addEventListener('focusin', check);
        document.querySelector('chat-widget').shadowRoot.querySelector('[part="launcher"]').click();
      })`)) as number;
    }
    return result;
  } finally {
    await context.close();
  }
}

export async function embed(): Promise<EmbedRow[]> {
  const chat = await new ServerProcess().start();
  const host = await hostPages();
  const browser = await puppeteer.launch({
    executablePath: findChrome(),
    headless: true,
    args: chromeArgs,
  });
  try {
    const cases = [
      { name: 'blank page', url: `${host.url}/`, widget: false },
      {
        name: 'blank page + chat-widget.js (the loader)',
        url: `${host.url}/?script=${encodeURIComponent(`${chat.url}/chat-widget.js`)}`,
        widget: true,
      },
      {
        name: 'blank page + chat-widget-standalone.js (one file)',
        url: `${host.url}/?script=${encodeURIComponent(`${chat.url}/chat-widget-standalone.js`)}`,
        widget: true,
      },
    ];
    const rows: EmbedRow[] = [];
    for (const { name, url, widget } of cases) {
      const runs = [];
      for (let i = 0; i < EMBED_DEFAULTS.runs; i++) runs.push(await measure(browser, url, widget));
      rows.push({
        name,
        bytes: median(runs.map((r) => r.bytes)),
        scriptMs: median(runs.map((r) => r.scriptMs)),
        ...(widget ? { clickToFormMs: median(runs.map((r) => r.clickToFormMs ?? NaN)) } : {}),
      });
    }
    return rows;
  } finally {
    await browser.close();
    await new Promise((resolve) => host.server.close(resolve));
    await chat.dispose();
  }
}
