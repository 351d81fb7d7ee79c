import type { ReactiveController, ReactiveElement } from 'lit';
import { en, type MessageKey, type Translation } from './en.js';
import { formatMessage, numberFormat, type Entry, type MessageParams } from './format.js';
import { directionOf, matchLocale } from './match-locale.js';

/**
 * Strings a page gives an element, by locale tag: `{ fr: { 'window.send': 'Envoyer' } }` replaces
 * one French string; a tag the widget does not ship (`{ nl: {…} }`) adds that locale, and
 * `lang="nl"` then uses it (a string it lacks falls back to English). Entries are plain text with
 * `{name}` placeholders; plural ones are objects by CLDR category (`{ one: '…', other: '…' }`).
 */
export type LocaleStrings = Record<string, Partial<Record<MessageKey, Entry>>>;

/** An element with a `strings` property: its own strings win over those of the elements around it. */
export interface LocaleHost extends ReactiveElement {
  strings?: LocaleStrings | undefined;
}

type Placeholder<S> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholder<Rest>
  : never;
type EntryParams<E> = E extends string
  ? Placeholder<E>
  : E extends { other: infer O }
    ? Placeholder<O> | 'count'
    : never;
/** The placeholders of a message, from its English text. */
export type ParamsOf<K extends MessageKey> = EntryParams<(typeof en)[K]>;
type ParamsArg<K extends MessageKey> = [ParamsOf<K>] extends [never]
  ? []
  : [Record<ParamsOf<K>, string | number>];

/**
 * The shipped translations, each its own chunk, loaded the first time a reader needs it. English is
 * the source and always there.
 */
const loaders: Record<string, () => Promise<{ default: Translation }>> = {
  'zh-CN': () => import('./zh-CN.js'),
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
  'pt-BR': () => import('./pt-BR.js'),
  ja: () => import('./ja.js'),
  ar: () => import('./ar.js'),
};

/** Every locale the elements ship, English first. */
export const shippedLocales: readonly string[] = ['en', ...Object.keys(loaders)];

const catalogs = new Map<string, Partial<Translation>>([['en', en]]);
const loads = new Map<string, Promise<void>>();
const failed = new Set<string>();

/**
 * Loads a shipped locale's catalog once. One that fails to load (the chunk's server gone) leaves
 * English for this page rather than retrying on every render.
 */
function load(locale: string): Promise<void> | undefined {
  const loader = loaders[locale];
  if (catalogs.has(locale) || failed.has(locale) || !loader) return undefined;
  let pending = loads.get(locale);
  if (!pending) {
    pending = loader().then(
      (module) => void catalogs.set(locale, module.default),
      (error: unknown) => {
        failed.add(locale);
        console.warn(`openwebim: the ${locale} strings could not be loaded`, error);
      },
    );
    loads.set(locale, pending);
  }
  return pending;
}

/**
 * One signal for every element: a `lang` attribute changed in the page, the browser's languages
 * changed, or an element's `strings` changed. Each element then re-reads what applies to it.
 */
const changes = new EventTarget();
let listening = 0;
let observer: MutationObserver | undefined;
const signal = () => changes.dispatchEvent(new Event('change'));

function listen(onChange: () => void): void {
  changes.addEventListener('change', onChange);
  if (listening++ === 0) {
    observer = new MutationObserver(signal);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['lang'],
      subtree: true,
    });
    window.addEventListener('languagechange', signal);
  }
}

function unlisten(onChange: () => void): void {
  changes.removeEventListener('change', onChange);
  if (--listening === 0) {
    observer?.disconnect();
    observer = undefined;
    window.removeEventListener('languagechange', signal);
  }
}

const sameLanguage = (a: string, b: string) =>
  a.split('-')[0]!.toLowerCase() === b.split('-')[0]!.toLowerCase();

/** Up the composed tree: parent, or a shadow root's host. */
const up = (node: Node): Node | null =>
  node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);

/**
 * The language an element speaks and the words it uses. The locale is the element's `lang`, else
 * the nearest `lang` above it (through shadow roots, so inner elements follow `<chat-widget
 * lang>`), else the browser's languages; the first of them a catalog serves wins, else English.
 * The host gets `dir` for that locale (unless the page set one on it) and `lang` when its text is
 * not in the language around it, so screen readers pronounce it right. Changing any of these at
 * run time re-renders.
 */
export class LocaleController implements ReactiveController {
  /** The locale the host renders in (a shipped or page-given tag). */
  locale = 'en';
  private catalog: Partial<Translation> = en;
  private overrides: LocaleStrings[] = [];
  private inputs = '';
  private ownStrings?: LocaleStrings | undefined;
  /** The `lang` / `dir` this controller put on the host, told apart from the page's. */
  private setLang?: string | undefined;
  private setDir?: string | undefined;
  private loading?: Promise<void> | undefined;
  private readonly onChange = () => this.host.requestUpdate();

  constructor(private readonly host: LocaleHost) {
    host.addController(this);
  }

  hostConnected(): void {
    listen(this.onChange);
    this.inputs = '';
  }

  hostDisconnected(): void {
    unlisten(this.onChange);
  }

  hostUpdate(): void {
    if (this.host.strings !== this.ownStrings) {
      this.ownStrings = this.host.strings;
      // The elements inside follow this one's strings too.
      queueMicrotask(signal);
    }
    this.resolve();
  }

  /**
   * Settles once the host has rendered in its locale: a locale's first use loads its catalog.
   * Elements await it in `getUpdateComplete`, so `updateComplete` means "rendered in the reader's
   * language".
   */
  get ready(): Promise<void> | undefined {
    return this.loading;
  }

  /** The host's `getUpdateComplete`, also waiting for its locale to load and render. */
  async settled(updateComplete: () => Promise<boolean>): Promise<boolean> {
    let done = await updateComplete();
    while (this.loading) {
      await this.loading;
      done = await updateComplete();
    }
    return done;
  }

  /** The message `key` in the host's locale, its placeholders filled in. */
  t<K extends MessageKey>(key: K, ...params: ParamsArg<K>): string {
    return this.message(key, params[0] as MessageParams | undefined);
  }

  /** {@link t} for a key computed at run time (an error's), its params unchecked. */
  message(key: MessageKey, params?: MessageParams): string {
    for (const strings of this.overrides) {
      const entry = strings[this.locale]?.[key];
      if (entry) return formatMessage(entry, this.locale, params);
    }
    const entry: Entry = this.catalog[key] ?? en[key];
    return formatMessage(entry, this.locale, params);
  }

  /**
   * {@link t} with placeholders that are template parts (a name in `<bdi>`, a `<strong>`): the
   * message as a list of its text and those values, in the translation's order, for a template.
   */
  parts<K extends MessageKey>(key: K, values: Record<ParamsOf<K>, unknown>): unknown[] {
    const names = Object.keys(values);
    const marked = Object.fromEntries(names.map((name, i) => [name, `\uE000${i}\uE000`]));
    return this.message(key, marked)
      .split('\uE000')
      .map((piece, i) =>
        i % 2 ? (values as Record<string, unknown>)[names[Number(piece)]!] : piece,
      );
  }

  /** A number in the host's locale. */
  number(value: number): string {
    return numberFormat(this.locale).format(value);
  }

  private resolve(): void {
    let lang: string | undefined;
    const overrides: LocaleStrings[] = [];
    for (let node: Node | null = this.host; node; node = up(node)) {
      if (!(node instanceof HTMLElement)) continue;
      const own = node === this.host && node.getAttribute('lang') === this.setLang;
      if (lang === undefined && node.hasAttribute('lang') && !own) lang = node.lang;
      const strings = (node as LocaleHost).strings;
      if (node.localName.startsWith('chat-') && strings && typeof strings === 'object') {
        overrides.push(strings);
      }
    }
    const requested = [...(lang ? [lang] : []), ...navigator.languages];
    const inputs = JSON.stringify([requested, overrides.map((o) => Object.keys(o))]);
    const changed = inputs !== this.inputs || overrides.some((o, i) => o !== this.overrides[i]);
    if (!changed && !this.loading) return;
    this.inputs = inputs;
    this.overrides = overrides;
    const added = overrides.flatMap((o) => Object.keys(o));
    const locale = matchLocale(requested, [...shippedLocales, ...added]);
    const pending = load(locale);
    this.loading = pending?.then(() => this.host.requestUpdate());
    this.locale = locale;
    this.catalog = catalogs.get(locale) ?? en;
    this.mark(lang, locale);
  }

  private mark(around: string | undefined, locale: string): void {
    const host = this.host;
    if (!host.hasAttribute('lang') || host.getAttribute('lang') === this.setLang) {
      this.setLang = around && sameLanguage(around, locale) ? undefined : locale;
      if (this.setLang) host.setAttribute('lang', this.setLang);
      else host.removeAttribute('lang');
    }
    if (!host.hasAttribute('dir') || host.getAttribute('dir') === this.setDir) {
      this.setDir = directionOf(locale);
      host.setAttribute('dir', this.setDir);
    }
  }
}
