// One browser tab of test/store/tab-sharing.test.ts: an iframe of the test page loads this module,
// and the test drives the store made here, in the iframe's own realm, with the iframe's own Web
// Locks, BroadcastChannel, IndexedDB and WebSocket. Removing the iframe ends all of them, as
// closing a tab does.
import { type Observable, NEVER, filter, firstValueFrom, throwError, timeout } from 'rxjs';
import { ChatStore } from '../../src/store/chat-store.js';

export interface TabPage {
  /** A store of this tab (`prefix`: the browser's data, shared by the tabs of one test). */
  store(apiUrl: string, prefix: string): ChatStore;
  /** The first value of `source` that passes `test`, in this realm's RxJS. */
  until<T>(source: Observable<T>, test: (value: T) => boolean, what: string): Promise<T>;
  /**
   * Settles when this tab's `fetch` is next called for a URL containing `part`: the request goes
   * out as it would, or with `hold` never (its answer would come after the tab closed).
   */
  requested(part: string, options?: { hold?: boolean }): Promise<void>;
  /**
   * Takes `navigator.locks` away in this tab, standing for a browser without Web Locks (Chromium
   * has them and cannot be started without): a mock, the only one of these tests.
   */
  withoutWebLocks(): void;
}

const watched: { part: string; seen: () => void; hold: boolean }[] = [];
const realFetch = window.fetch.bind(window);
window.fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const watch = watched.find((w) => url.includes(w.part));
  if (!watch) return realFetch(input, init);
  watched.splice(watched.indexOf(watch), 1);
  watch.seen();
  // `hold`: the answer has not come when the tab closes (a slow network, at the moment a test needs).
  return watch.hold ? new Promise<Response>(() => undefined) : realFetch(input, init);
};

const page: TabPage = {
  store: (apiUrl, prefix) =>
    new ChatStore({
      appKey: 'demo#chat',
      apiUrl,
      databasePrefix: prefix,
      // Not looking at any conversation: what arrives stays unread, in every tab alike.
      visibility: { isVisible: () => false, changes$: NEVER },
    }),
  until: (source, test, what) =>
    firstValueFrom(
      source.pipe(
        filter(test),
        timeout({ first: 30_000, with: () => throwError(() => new Error(`timed out: ${what}`)) }),
      ),
    ),
  withoutWebLocks: () => Object.defineProperty(navigator, 'locks', { value: undefined }),
  requested: (part, { hold = false } = {}) =>
    new Promise((seen) => watched.push({ part, seen, hold })),
};

(window as { tabPage?: TabPage }).tabPage = page;
