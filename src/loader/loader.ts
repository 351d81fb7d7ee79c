/**
 * `dist/chat-widget.js`, the one classic `<script>` a site pastes: a loader of a few KB that draws
 * `<chat-widget>`'s launcher at once and loads everything else (`window.WebIM`, the store, Lit, the
 * elements) as content-hashed ES module chunks beside it, resolved against its own URL, only when
 * needed:
 *
 * - a click on the launcher, or `open` set on a `<chat-widget>`: at once (the pointer on the
 *   launcher, or its focus, has already fetched the chunks without running them). The panel opens at once
 *   with a loading state; the loaded widget takes over the same shadow root and opens for real.
 * - a visitor who can be signed in without the form (a stored session of the app on this site, or
 *   `user` + `access-token`), so the launcher's unread badge is true: when the page is idle after
 *   its `load`, never during it.
 * - another chat element (`<chat-login>`, `<chat-roster>`, `<chat-window>`, …) in the page: at once.
 * - `WebIM.ready` read by a page script: the SDK's chunk alone, unless the elements' chunk, which
 *   holds the SDK too, is loaded or will be (a visitor who can be signed in without the form):
 *   then that one, when it loads, so the SDK is downloaded once.
 *
 * Before that, nothing but the launcher exists: no IndexedDB database is opened (the stored-session
 * check lists database names with `indexedDB.databases()`, which opens none), no panel is rendered,
 * no connection is made. The launcher is drawn into the element's own (open) shadow root before
 * `<chat-widget>` is defined; the real element reuses that root when the chunk defines it, so the
 * page keeps its element, attributes and listeners. `customElements.whenDefined('chat-widget')`
 * resolves once the element's API (`show()`, `hide()`, properties) is there.
 *
 * The launcher's look is a copy of chat-widget.styles.ts's launcher and panel rules (the same
 * tokens, so a page's `--chat-*` and `::part(launcher)` styles apply to both); the loader test
 * checks that the launcher does not move or change colour when the widget takes over.
 */
import type { LoaderWords } from './strings.js';
import type { wordsFor as WordsFor } from './words.js';
import type { WebIMGlobal } from './webim-global.js';

/** The chunks' file names, relative to this script; the build puts them in (vite.config.ts). */
declare const __OPENWEBIM_CHUNKS__: {
  elements: string;
  sdk: string;
  login: string;
  /** The words in the other languages (src/loader/words.ts). */
  words: string;
};

const chunks = __OPENWEBIM_CHUNKS__;
// Read now: `document.currentScript` is only set while this script first runs.
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;
const chunkUrl = (name: string) => new URL(name, base).href;

const WIDGET = 'chat-widget';
const OTHER_ELEMENTS = [
  'chat-login',
  'chat-roster',
  'chat-contacts',
  'chat-groups',
  'chat-rooms',
  'chat-window',
  'chat-group-info',
  'chat-visitor-info',
  'chat-notices',
  'chat-password',
  'chat-cues',
];
/** The store's default database prefix: a session of app `k` lives in database `openwebim:k`. */
const SESSION_DB_PREFIX = 'openwebim:';

type Widget = HTMLElement & { show?: () => Promise<void> };

let elementsLoad: Promise<unknown> | undefined;
let sdkLoad: Promise<unknown> | undefined;
let resolveReady: (webim: WebIMGlobal) => void;
const ready = new Promise<WebIMGlobal>((resolve) => (resolveReady = resolve));
let elementsStarted: () => void;
/** Resolves once the elements' chunk is asked for. */
const whenElements = new Promise<void>((resolve) => (elementsStarted = resolve));
/**
 * One per drawn widget: resolves once it is known whether the widget loads the elements by itself
 * (a session to resume), and then only once it has asked for them.
 */
const deciding: Promise<unknown>[] = [];
/**
 * Resolves once the document is parsed: `WebIM.ready` asked by a script above the widgets (or at
 * DOMContentLoaded, which Chrome may fire before the last widget's mutation record) waits for them.
 */
const parsed = new Promise<unknown>((resolve) =>
  document.readyState === 'loading'
    ? document.addEventListener('DOMContentLoaded', resolve, { once: true })
    : resolve(0),
);

function announce(): void {
  resolveReady(window.WebIM);
  window.dispatchEvent(new Event('webim-ready'));
}

/**
 * `window.WebIM`: from the elements' chunk when it is loaded or will be (a widget resumes a
 * session: then on idle, as the widget would), so the SDK comes once; else the SDK's chunk alone.
 */
function loadSdk(): Promise<unknown> {
  return (sdkLoad ??= (
    elementsLoad ??
    parsed
      .then(() => {
        // Widgets parsed since are drawn now: their mutation records may not have come yet.
        scan(document);
        return Promise.all(deciding);
      })
      .then(() => elementsLoad ?? import(/* @vite-ignore */ chunkUrl(chunks.sdk)))
  ).then(announce));
}

/** Loads and defines every element (and `window.WebIM`); the drawn launchers are upgraded. */
function loadElements(): Promise<unknown> {
  if (!elementsLoad) {
    elementsLoad = import(/* @vite-ignore */ chunkUrl(chunks.elements));
    elementsStarted();
    void loadSdk();
    elementsLoad.catch((error: unknown) => {
      for (const state of drawn.values()) state.failed(error);
    });
  }
  return elementsLoad;
}

/**
 * Fetches (without running) the elements' chunk, and the login form's for a visitor with no session
 * to resume: the pointer on the launcher or its focus says a click may follow, so the click finds
 * them in the browser's module map. Nothing runs: no element is defined, no database opened.
 */
let preloaded = false;
function preload(resumes: boolean): void {
  if (preloaded || elementsLoad) return;
  preloaded = true;
  for (const name of resumes ? [chunks.elements] : [chunks.elements, chunks.login]) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = chunkUrl(name);
    document.head.append(link);
  }
}

/** Loads the elements once the page has loaded and is idle: for a visitor who may be signed in. */
function loadWhenIdle(): void {
  const idle = () =>
    'requestIdleCallback' in window
      ? requestIdleCallback(() => void loadElements(), { timeout: 5000 })
      : setTimeout(() => void loadElements(), 1);
  if (document.readyState === 'complete') idle();
  else window.addEventListener('load', idle, { once: true });
}

// --- the loader's words: English here, the other languages' from their chunk when needed -------

const ENGLISH: LoaderWords = [
  'Open chat',
  'Close chat',
  'Chat',
  'Loading…',
  'The chat could not load: {reason}',
];
let wordsChunk: Promise<typeof WordsFor> | undefined;

/**
 * The words for `widget`, picked as the widget picks its locale: the nearest `lang` (its own, then
 * its ancestors'), then the browser's languages, English when none is shipped. `use` gets them
 * with the locale and its direction: English at once, and when the first language asked is not
 * English, what the words chunk picks once it is here (nothing more if it cannot load).
 */
function wordsFor(widget: Element, use: (words: LoaderWords, locale: string, dir: string) => void) {
  const lang = widget.closest('[lang]')?.getAttribute('lang');
  const requested = [...(lang ? [lang] : []), ...navigator.languages];
  use(ENGLISH, 'en', 'ltr');
  if (/^en\b/i.test(requested[0] ?? 'en')) return;
  wordsChunk ??= import(/* @vite-ignore */ chunkUrl(chunks.words)).then(
    (module: { wordsFor: typeof WordsFor }) => module.wordsFor,
  );
  wordsChunk.then((pick) => use(...pick(requested))).catch(() => {});
}

// --- the launcher, drawn into each <chat-widget> until the element is defined -----------------

const css = `:host{color-scheme:light dark;--_bg:var(--chat-background,light-dark(#fff,#18181b));--_fg:var(--chat-text,light-dark(#111827,#f4f4f5));--_surface:var(--chat-surface,light-dark(#f3f4f6,#27272a));--_border:var(--chat-border,light-dark(#d1d5db,#52525b));--_primary:var(--chat-primary,light-dark(#1d4ed8,#93c5fd));--_on-primary:var(--chat-on-primary,light-dark(#fff,#0b1220));--_focus:var(--chat-focus-ring,var(--_primary));--_radius:var(--chat-radius,12px);--_space:var(--chat-spacing,8px);font-family:var(--chat-font-family,inherit);font-size:var(--chat-font-size,14px);line-height:1.4;color:var(--_fg);position:fixed;inset-inline-end:calc(var(--chat-inset,16px) + var(--_stack,0)*(var(--chat-launcher-size,56px) + 16px));inset-block-end:var(--chat-inset,16px);z-index:var(--chat-z-index,9999)}:host([theme=light]){color-scheme:light}:host([theme=dark]){color-scheme:dark}:host([hidden]){display:none!important}*{box-sizing:border-box}button{font:inherit;cursor:pointer}.launcher{display:grid;place-items:center;width:var(--chat-launcher-size,56px);height:var(--chat-launcher-size,56px);padding:0;border:0;border-radius:50%;background:var(--_primary);color:var(--_on-primary);box-shadow:0 2px 8px rgb(0 0 0/.3)}svg{width:50%;height:50%;fill:currentColor}:focus-visible{outline:2px solid var(--_focus);outline-offset:2px}.panel{position:absolute;inset-block-end:calc(100% + var(--_space));inset-inline-end:0;display:flex;flex-direction:column;width:var(--chat-panel-width,352px);height:var(--chat-panel-height,544px);max-width:calc(100vw - 32px);max-height:calc(100vh - 112px);overflow:hidden;border:1px solid var(--_border);border-radius:var(--_radius);background:var(--_bg);box-shadow:0 8px 24px rgb(0 0 0/.25)}.panel[hidden]{display:none}h2{margin:0;padding:var(--_space) calc(var(--_space)*2);font-size:1em;background:var(--_surface);border-bottom:1px solid var(--_border)}p{margin:calc(var(--_space)*2)}@media (max-width:480px){.panel{position:fixed;inset:0;width:auto;height:auto;max-width:none;max-height:none;border-radius:0}}`;
const chatIcon = '<path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/>';
const closeIcon =
  '<path d="M5 6.4 6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6z"/>';

let sheet: CSSStyleSheet | undefined;

interface Drawn {
  open(value: boolean): void;
  failed(error: unknown): void;
}
const drawn = new Map<Widget, Drawn>();

/** A second widget in the page goes beside the first (chat-widget.styles.ts reads the same). */
function stack(widget: HTMLElement): void {
  const index = [...document.querySelectorAll<HTMLElement>(WIDGET)].indexOf(widget);
  if (index > 0) widget.style.setProperty('--_stack', String(index));
}

function draw(widget: Widget): void {
  if (customElements.get(WIDGET) || widget.shadowRoot || drawn.has(widget)) return;
  // A constructed sheet, not a <style>: a strict `style-src` policy allows it.
  sheet ??= new CSSStyleSheet();
  if (!sheet.cssRules.length) sheet.replaceSync(css);
  const root = widget.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [sheet];
  stack(widget);
  root.innerHTML =
    '<button part="launcher" class="launcher" aria-expanded="false" aria-controls="panel">' +
    `<svg viewBox="0 0 24 24" aria-hidden="true">${chatIcon}</svg></button>` +
    '<div id="panel" part="panel" class="panel" role="dialog" hidden>' +
    '<h2 part="header"></h2><p role="status"></p></div>';
  const launcher = root.querySelector('button')!;
  const panel = root.querySelector<HTMLElement>('.panel')!;
  const status = panel.querySelector('p')!;
  let words = ENGLISH;
  let error: unknown;
  let wantOpen = false;
  const show = (open: boolean) => {
    launcher.setAttribute('aria-label', words[open ? 1 : 0]);
    launcher.setAttribute('aria-expanded', String(open));
    launcher.querySelector('svg')!.innerHTML = open ? closeIcon : chatIcon;
    panel.hidden = !open;
  };
  const failed = (reason: unknown) => {
    error = reason;
    status.setAttribute('role', 'alert');
    const text = reason instanceof Error ? reason.message : String(reason);
    status.textContent = words[4].replace('{reason}', text);
  };
  // In the widget's language; the text is the table's, never the page's.
  wordsFor(widget, (chosen, locale, dir) => {
    words = chosen;
    launcher.lang = panel.lang = locale;
    panel.dir = dir;
    panel.setAttribute('aria-label', words[2]);
    panel.querySelector('h2')!.textContent = words[2];
    if (error === undefined) status.textContent = words[3];
    else failed(error);
    show(wantOpen);
  });
  const open = (value: boolean) => {
    wantOpen = value;
    show(value);
    if (!value) return;
    void loadElements().then(async () => {
      await customElements.whenDefined(WIDGET);
      // Opened by the widget itself: its open-change event, its focus into the form.
      if (wantOpen && !widget.hasAttribute('open')) await widget.show?.();
      // Closed again meanwhile: focus stays on the launcher, now the widget's own.
      else if (root.activeElement === null && document.activeElement === widget) {
        await (widget as Widget & { updateComplete?: Promise<unknown> }).updateComplete;
        root.querySelector<HTMLElement>('[part="launcher"]')?.focus();
      }
    });
  };
  launcher.addEventListener('click', () => open(!wantOpen));
  let resumes = false;
  for (const type of ['pointerenter', 'focus'])
    launcher.addEventListener(type, () => preload(resumes), { once: true });
  drawn.set(widget, {
    open,
    failed,
  });
  if (widget.hasAttribute('open')) open(true);
  else if (widget.hasAttribute('user') && widget.hasAttribute('access-token')) {
    resumes = true;
    loadWhenIdle();
    deciding.push(whenElements);
  } else
    deciding.push(
      hasStoredSession(widget.getAttribute('app-key')).then((has) => {
        resumes = has;
        if (has) {
          loadWhenIdle();
          return whenElements;
        }
      }),
    );
}

/** Whether this site's browser storage holds a session of the app (no database is opened). */
async function hasStoredSession(appKey: string | null): Promise<boolean> {
  if (!appKey || !indexedDB.databases) return false;
  try {
    const names = (await indexedDB.databases()).map((db) => db.name);
    return names.includes(SESSION_DB_PREFIX + appKey);
  } catch {
    return false;
  }
}

function scan(root: ParentNode): void {
  if (customElements.get(WIDGET)) return;
  for (const element of root.querySelectorAll<Widget>(WIDGET)) draw(element);
  if (!elementsLoad && root.querySelector(OTHER_ELEMENTS.join())) void loadElements();
}

function watch(): void {
  // Elements the page adds later, and `open` set on a drawn widget.
  new MutationObserver((records) => {
    if (customElements.get(WIDGET)) return;
    for (const record of records) {
      if (record.type === 'attributes') {
        const widget = record.target as Widget;
        if (widget.hasAttribute('open')) drawn.get(widget)?.open(true);
        continue;
      }
      for (const node of record.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.localName === WIDGET) draw(node as Widget);
        else if (!elementsLoad && OTHER_ELEMENTS.includes(node.localName)) void loadElements();
        if (node.firstElementChild) scan(node);
      }
    }
  }).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['open'],
  });
}

// Twice loaded (a template and a plugin both add the script), the first copy does the work.
const LOADER = Symbol.for('openwebim.loader');
const marks = window as unknown as Record<symbol, boolean>;
if (!marks[LOADER]) {
  marks[LOADER] = true;
  // A page that also loads webim-sdk.js keeps that WebIM.
  window.WebIM ??= {
    get ready() {
      void loadSdk();
      return ready;
    },
  } as WebIMGlobal;
  watch();
  scan(document);
}
