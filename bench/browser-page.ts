/**
 * A benchmark page in headless Chromium: the page's entry (a file under bench/pages/) is bundled
 * with vite in memory, served from 127.0.0.1 by a throwaway HTTP server (IndexedDB needs a real
 * origin) and opened in the same headless Chromium the tests drive (scripts/find-chrome.mjs).
 * The entry puts its functions on `window`; the bench calls them with `page.evaluate`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { build, defaultClientConditions, type Rollup } from 'vite';
import { chromeArgs, findChrome } from '../scripts/find-chrome.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchPage {
  page: Page;
  /** `http://127.0.0.1:PORT` the page was served from (its origin). */
  origin: string;
  close(): Promise<void>;
}

/** Bundles `entry` (relative to the repository root) into one classic script, minified as shipped. */
async function bundle(entry: string): Promise<string> {
  const output = await build({
    configFile: false,
    root,
    logLevel: 'warn',
    // The same resolution as the widget bundle (vite.config.ts).
    resolve: { conditions: ['es2015', ...defaultClientConditions] },
    build: {
      write: false,
      target: 'es2022',
      lib: {
        entry: join(root, entry),
        name: 'Bench',
        formats: ['iife'],
        fileName: () => 'page.js',
      },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as Rollup.RollupOutput[];
  const chunk = outputs
    .flatMap((result) => result.output)
    .find((file): file is Rollup.OutputChunk => file.type === 'chunk');
  if (!chunk) throw new Error(`vite produced no script for ${entry}`);
  return chunk.code;
}

function serve(script: string): Promise<Server> {
  const html =
    '<!doctype html><meta charset="utf-8"><title>bench</title><script src="/page.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (request.url === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Closes Chromium; kills it if it does not close in 5 s (a renderer stuck in a loop, say). */
async function closeBrowser(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      browser.process()?.kill('SIGKILL');
      resolve();
    }, 5_000);
  });
  await Promise.race([browser.close().catch(() => undefined), killed]);
  clearTimeout(timer);
}

/** Bundles, serves and opens `entry`; `close()` ends the browser and the HTTP server. */
export async function openBenchPage(entry: string): Promise<BenchPage> {
  const script = await bundle(entry);
  const server = await serve(script);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser | undefined;
  try {
    browser = await puppeteer.launch({
      executablePath: findChrome(),
      headless: true,
      args: chromeArgs,
      // A page call that hangs ends the run instead of the bench.
      protocolTimeout: 120_000,
    });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${origin}/`, { waitUntil: 'load', timeout: 30_000 });
    if (errors.length) throw new Error(`the bench page failed: ${errors.join('; ')}`);
    const opened = browser;
    return {
      page,
      origin,
      async close() {
        await closeBrowser(opened);
        await new Promise((resolve) => server.close(resolve));
      },
    };
  } catch (error) {
    if (browser) await closeBrowser(browser);
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
}
