/**
 * Rendering a 10,000-message conversation in `<chat-window>`, in headless Chromium, against a real
 * store signed in to a reference server started here (bench/pages/render-10k-page.ts does the
 * work). The ratios that compare across machines: first paint of 10,000 messages against first
 * paint of 100, and against plain DOM holding all 10,000.
 *
 * Each phase is its own call into the page, watched: a page whose main thread never comes back (an
 * update loop) loses that phase's numbers, not the earlier ones, and the bench goes on.
 */
import type { Page } from 'puppeteer-core';
import { openBenchPage } from './browser-page.js';
import type {
  FirstPaintResult,
  RenderInput,
  ScrollThroughResult,
  ScrollTopResult,
} from './pages/render-10k-page.js';
import { ServerProcess } from '../test/support/server-process.mjs';

export const RENDER_DEFAULTS = {
  messages: 10_000,
  smallMessages: 100,
  scrollSteps: 100,
  /** Scrolling to the top stops here even if the start was not reached (and says so). */
  scrollTopDeadlineMs: 40_000,
} as const;

/** Time limits of the page calls (a page that stops answering is caught sooner, see HUNG_MS). */
const PHASE_LIMITS_MS = {
  firstPaints: 60_000,
  scrollToTop: RENDER_DEFAULTS.scrollTopDeadlineMs + 10_000,
  scrollThrough: 30_000,
} as const;

export interface RenderResult {
  firstPaint: FirstPaintResult;
  scrollTop: ScrollTopResult | Error;
  scrollThrough: ScrollThroughResult | Error;
}

class PageHung extends Error {}

/** A page that answers nothing for this long is taken for hung. */
const HUNG_MS = 10_000;

/**
 * Resolves with `work`, or rejects with {@link PageHung} once the page has not answered a trivial
 * call for {@link HUNG_MS} (its main thread is stuck and never yields) or after `ms` in all.
 */
function watched<T>(page: Page, work: Promise<T>, ms: number, phase: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let probe: NodeJS.Timeout | undefined;
  let answeredAt = performance.now();
  const hung = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new PageHung(`${phase}: no result in ${ms / 1000} s`)), ms);
    probe = setInterval(() => {
      if (performance.now() - answeredAt > HUNG_MS) {
        reject(
          new PageHung(
            `${phase}: the page stopped answering for ${HUNG_MS / 1000} s ` +
              '(its main thread is busy and never yields)',
          ),
        );
      }
      page
        .evaluate(() => 0)
        .then(
          () => (answeredAt = performance.now()),
          () => undefined,
        );
    }, 1000);
  });
  return Promise.race([work, hung]).finally(() => {
    clearTimeout(timer);
    clearInterval(probe);
  });
}

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));

export async function render10k(): Promise<RenderResult> {
  const server = new ServerProcess({ env: { OPENWEBIM_LOG_LEVEL: 'warn' } });
  await server.start();
  try {
    const bench = await openBenchPage('bench/pages/render-10k-page.ts');
    try {
      const { page } = bench;
      const input: RenderInput = {
        apiUrl: server.url,
        tag: Date.now().toString(36),
        messages: RENDER_DEFAULTS.messages,
        smallMessages: RENDER_DEFAULTS.smallMessages,
      };
      const firstPaint = await watched(
        page,
        page.evaluate((input) => window.benchRender10k.firstPaints(input), input),
        PHASE_LIMITS_MS.firstPaints,
        'first paint',
      );
      let scrollTop: ScrollTopResult | Error;
      let scrollThrough: ScrollThroughResult | Error;
      try {
        scrollTop = await watched(
          page,
          page.evaluate(
            (ms) => window.benchRender10k.scrollToTop(ms),
            RENDER_DEFAULTS.scrollTopDeadlineMs,
          ),
          PHASE_LIMITS_MS.scrollToTop,
          'scroll to top',
        );
      } catch (error) {
        scrollTop = asError(error);
      }
      if (scrollTop instanceof PageHung) {
        scrollThrough = new Error('not run: the page hung scrolling to the top');
      } else {
        try {
          scrollThrough = await watched(
            page,
            page.evaluate(
              (steps) => window.benchRender10k.scrollThrough(steps),
              RENDER_DEFAULTS.scrollSteps,
            ),
            PHASE_LIMITS_MS.scrollThrough,
            'scroll through',
          );
        } catch (error) {
          scrollThrough = asError(error);
        }
      }
      if (!(scrollTop instanceof PageHung) && !(scrollThrough instanceof PageHung)) {
        await watched(
          page,
          page.evaluate(() => window.benchRender10k.finish()),
          10_000,
          'sign-out',
        );
      }
      return { firstPaint, scrollTop, scrollThrough };
    } finally {
      await bench.close();
    }
  } finally {
    await server.dispose();
  }
}
