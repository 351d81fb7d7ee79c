/**
 * Page entry of render-10k.ts: a real store signed in to the reference server, a conversation of
 * 10,000 messages put into the user's IndexedDB with the store's own batched writer (as a long
 * replay would have stored them), and `<chat-window>` mounted on it. Measures:
 * - first paint: from appending the element until the newest message has been painted, beside
 *   the same for a 100-message conversation and beside plain DOM (10,000 `<p>` in a scrolling div);
 * - scroll to top: scrolling to the top again and again, as a reader would, until every message is
 *   paged in and the start of the conversation is reached (bounded by a deadline);
 * - scroll through: then jumping from the top to the bottom in even steps, each until a frame has
 *   been painted with bubbles in view; long tasks (> 50 ms) are counted during both.
 */
import { filter, firstValueFrom } from 'rxjs';
import '../../src/elements/index.js';
import type { ChatMessage } from '../../src/store/index.js';
import { getChatStore } from '../../src/store/index.js';
import { openUserDb, userDbName } from '../../src/store/database.js';
import { storeIncomingBatch } from '../../src/store/messages-repo.js';

const APP_KEY = 'demo#chat';
const PASSWORD = 'bench-password';
/** The store's largest batch (src/store/stream-batching.ts). */
const SEED_BATCH = 500;
/** Scrolling to the top gives up when this long passes with nothing paged in. */
const STALL_MS = 5_000;
/** Paging progress is recorded at every this many messages. */
const MILESTONE = 1_000;
/** First paints measured per case; the median is reported. */
const FIRST_PAINT_RUNS = 3;

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export interface RenderInput {
  apiUrl: string;
  /** Distinct per run, so the server and the browser start empty for them. */
  tag: string;
  messages: number;
  smallMessages: number;
}

export interface FirstPaintResult {
  firstPaintMs: number;
  firstPaintSmallMs: number;
  firstPaintPlainDomMs: number;
  /** Bubbles in the DOM at first paint (what windowing renders of the 10,000). */
  renderedAtFirstPaint: number;
}

export interface ScrollTopResult {
  ms: number;
  /** Messages paged in when it stopped (all of them unless it stopped early). */
  loaded: number;
  reachedStart: boolean;
  /** Frames in which the log was scrolled to the top. */
  scrolls: number;
  /**
   * Presses of "Load older messages": at the top already (a load was still running when the
   * reader got there), scrolling up moves nothing and fires no scroll event, so a reader presses it.
   */
  presses: number;
  /** ms from the start until each further 1,000 messages were in `messages$` (1,000, 2,000, …). */
  milestones: number[];
  longTasks: number;
  longTaskMs: number;
  /** Why it stopped early: nothing was paged in for a while (and the window's error, if any). */
  stalled?: string;
}

export interface ScrollThroughResult {
  steps: number;
  medianStepMs: number;
  maxStepMs: number;
  /** Steps after which no bubble was in view (a blank window). */
  blankSteps: number;
  longTasks: number;
  longTaskMs: number;
  /** Most bubbles in the DOM at any step. */
  maxRendered: number;
}

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
/** Resolves after the frame following this call has been painted. */
const painted = async () => {
  await frame();
  await frame();
};

async function until(condition: () => boolean, deadline: number, what: string): Promise<void> {
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await frame();
  }
}

function longTasks() {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ type: 'longtask' });
  return {
    stop() {
      for (const entry of observer.takeRecords()) entries.push(entry);
      observer.disconnect();
      return { count: entries.length, ms: entries.reduce((sum, e) => sum + e.duration, 0) };
    },
  };
}

async function seed(me: string, peer: string, count: number): Promise<string> {
  const { db } = await openUserDb(userDbName('openwebim', APP_KEY, me));
  const start = Date.now() - count * 1000;
  const messages = Array.from({ length: count }, (_, i): ChatMessage => ({
    id: `${peer}-${i}`,
    mid: `bench-${peer}-${i}`,
    conversationId: peer,
    chatType: 'singleChat',
    type: 'txt',
    from: i % 3 === 0 ? me : peer,
    to: i % 3 === 0 ? peer : me,
    // Lengths vary, so bubbles are one to three lines high, as in a real conversation.
    text: `message ${i} ${'lorem ipsum dolor '.repeat(1 + (i % 7))}`,
    time: start + i * 1000,
    status: i % 3 === 0 ? 'sent' : 'received',
  }));
  try {
    for (let i = 0; i < count; i += SEED_BATCH) {
      // The seeded messages are the whole conversation: the server has no older history to page
      // (their mids are not its ids, so asking it would only be refused).
      const last = i + SEED_BATCH >= count;
      await storeIncomingBatch(
        db,
        messages.slice(i, i + SEED_BATCH).map((message) => ({ message, unread: false })),
        last ? { history: { conversationId: peer, exhausted: true } } : {},
      );
    }
  } finally {
    db.close();
  }
  return messages.at(-1)!.id;
}

function mount(apiUrl: string, conversation: string): HTMLElement {
  const el = document.createElement('chat-window');
  el.setAttribute('app-key', APP_KEY);
  el.setAttribute('api-url', apiUrl);
  el.setAttribute('conversation', conversation);
  el.style.cssText = 'width: 420px; height: 640px';
  document.body.append(el);
  return el;
}

const bubbles = (el: Element) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.msg')];
const logOf = (el: Element) => el.shadowRoot!.querySelector<HTMLElement>('[role="log"]')!;

/** Mounts a window and waits until its newest message is painted. */
async function firstPaint(apiUrl: string, peer: string, newest: string) {
  const started = performance.now();
  const el = mount(apiUrl, peer);
  await until(
    () => !!el.shadowRoot?.querySelector(`[data-id="${newest}"]`),
    started + 30_000,
    `the newest message of ${peer}`,
  );
  await painted();
  return { el, ms: performance.now() - started };
}

async function plainDomPaint(count: number): Promise<number> {
  const started = performance.now();
  const box = document.createElement('div');
  box.style.cssText = 'width: 420px; height: 640px; overflow: auto';
  for (let i = 0; i < count; i += 1) {
    const p = document.createElement('p');
    p.textContent = `message ${i} ${'lorem ipsum dolor '.repeat(1 + (i % 7))}`;
    box.append(p);
  }
  document.body.append(box);
  box.scrollTop = box.scrollHeight;
  await painted();
  const ms = performance.now() - started;
  box.remove();
  return ms;
}

/** What the phases share: the signed-in store and the mounted 10,000-message window. */
let current: { store: ReturnType<typeof getChatStore>; peer: string; el: HTMLElement } | undefined;

function mounted() {
  if (!current) throw new Error('call benchRender10k.firstPaints first');
  return current;
}

/** Signs in, seeds both conversations and measures the first paints; leaves the large one mounted. */
async function firstPaints(input: RenderInput): Promise<FirstPaintResult> {
  const store = getChatStore(APP_KEY, input.apiUrl);
  const me = `bench-me-${input.tag}`;
  const peer = `bench-peer-${input.tag}`;
  const small = `bench-small-${input.tag}`;
  for (const username of [me, peer, small]) await store.register({ username, password: PASSWORD });
  await store.login({ username: me, password: PASSWORD });
  await firstValueFrom(store.status$.pipe(filter((status) => status === 'online')));
  const newest = await seed(me, peer, input.messages);
  const newestSmall = await seed(me, small, input.smallMessages);

  // A first window pays for defining the elements and their styles; not part of any number.
  (await firstPaint(input.apiUrl, small, newestSmall)).el.remove();
  // Each first paint is the median of a few (one run is at the mercy of a GC or a timer).
  const smallTimes: number[] = [];
  const plainTimes: number[] = [];
  const largeTimes: number[] = [];
  let el: HTMLElement | undefined;
  for (let i = 0; i < FIRST_PAINT_RUNS; i += 1) {
    const smallRun = await firstPaint(input.apiUrl, small, newestSmall);
    smallRun.el.remove();
    smallTimes.push(smallRun.ms);
    plainTimes.push(await plainDomPaint(input.messages));
    el?.remove();
    const largeRun = await firstPaint(input.apiUrl, peer, newest);
    largeTimes.push(largeRun.ms);
    el = largeRun.el;
  }
  if (!el) throw new Error('no window was mounted');
  current = { store, peer, el };
  return {
    firstPaintMs: median(largeTimes),
    firstPaintSmallMs: median(smallTimes),
    firstPaintPlainDomMs: median(plainTimes),
    renderedAtFirstPaint: bubbles(el).length,
  };
}

/** Scrolls to the top again and again until everything is paged in and the start is reached. */
async function scrollToTop(deadlineMs: number): Promise<ScrollTopResult> {
  const { store, peer, el } = mounted();
  let loaded = 0;
  let reachedStart = false;
  let loading = false;
  const subscriptions = [
    store.messages$(peer).subscribe((list) => (loaded = list.length)),
    store.history$(peer).subscribe((state) => {
      reachedStart = state.exhausted;
      loading = state.loading;
    }),
  ];
  const log = logOf(el);
  const tasks = longTasks();
  const started = performance.now();
  let scrolls = 0;
  let presses = 0;
  /** `milestones[i]`: ms from the start until (i + 1) × MILESTONE messages were paged in. */
  const milestones: number[] = [];
  let progressAt = started;
  let lastLoaded = loaded;
  let stalled: string | undefined;
  try {
    while (!(reachedStart && log.scrollTop === 0) && performance.now() < started + deadlineMs) {
      if (log.scrollTop === 0 && !loading) {
        // Already at the top, so scrolling up fires no scroll event: the reader presses the button.
        el.shadowRoot!.querySelector<HTMLElement>('[part="load-older-button"]')?.click();
        presses += 1;
      } else {
        log.scrollTop = 0;
        scrolls += 1;
      }
      await frame();
      if (loaded !== lastLoaded) {
        lastLoaded = loaded;
        progressAt = performance.now();
        while (loaded >= (milestones.length + 1) * MILESTONE) milestones.push(progressAt - started);
      } else if (performance.now() - progressAt > STALL_MS) {
        const error = el.shadowRoot!.querySelector('[part="error"]')?.textContent?.trim();
        stalled = `nothing paged in for ${STALL_MS / 1000} s${error ? `; the window says "${error}"` : ''}`;
        break;
      }
    }
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
  }
  const ms = performance.now() - started;
  const long = tasks.stop();
  return {
    ms,
    loaded,
    reachedStart,
    scrolls,
    presses,
    milestones,
    longTasks: long.count,
    longTaskMs: long.ms,
    ...(stalled ? { stalled } : {}),
  };
}

/** Jumps from the top to the bottom in even steps, each until a frame is painted. */
async function scrollThrough(stepCount: number): Promise<ScrollThroughResult> {
  const { el } = mounted();
  const log = logOf(el);
  const steps: number[] = [];
  let blankSteps = 0;
  let maxRendered = 0;
  const tasks = longTasks();
  for (let i = 1; i <= stepCount; i += 1) {
    const started = performance.now();
    log.scrollTop = ((log.scrollHeight - log.clientHeight) * i) / stepCount;
    await painted();
    steps.push(performance.now() - started);
    const view = log.getBoundingClientRect();
    const shown = bubbles(el);
    maxRendered = Math.max(maxRendered, shown.length);
    const inView = shown.some((b) => {
      const box = b.getBoundingClientRect();
      return box.bottom > view.top && box.top < view.bottom;
    });
    if (!inView) blankSteps += 1;
  }
  const long = tasks.stop();
  return {
    steps: steps.length,
    medianStepMs: median(steps),
    maxStepMs: Math.max(0, ...steps),
    blankSteps,
    longTasks: long.count,
    longTaskMs: long.ms,
    maxRendered,
  };
}

/** Unmounts the window and signs out, deleting the user's database. */
async function finish(): Promise<void> {
  if (!current) return;
  current.el.remove();
  await current.store.logout({ wipe: true });
  current = undefined;
}

const phases = { firstPaints, scrollToTop, scrollThrough, finish };

declare global {
  interface Window {
    benchRender10k: typeof phases;
  }
}

window.benchRender10k = phases;
