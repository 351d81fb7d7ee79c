import Picker from 'emoji-picker-element/picker.js';
import type { EmojiClickEvent, I18n } from 'emoji-picker-element/shared.js';
import { LitElement, css, html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { StoreController, defaultApiUrl } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { ChatEmojiSelectEvent } from '../events/chat-emoji-select-event.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { matchLocale } from '../locale/match-locale.js';
import { themeStyles } from '../theme.styles.js';
import { emojiDataLocales, emojiDataPath } from './emoji-data-locales.js';

/**
 * The picker's own labels (search, categories, skin tones) by our locale tags; English is built
 * into the picker. Each is a chunk of its own, loaded with the language.
 */
const pickerStrings: Record<string, () => Promise<{ default: I18n }>> = {
  'zh-CN': () => import('emoji-picker-element/i18n/zh_CN.js'),
  es: () => import('emoji-picker-element/i18n/es.js'),
  fr: () => import('emoji-picker-element/i18n/fr.js'),
  de: () => import('emoji-picker-element/i18n/de.js'),
  'pt-BR': () => import('emoji-picker-element/i18n/pt_BR.js'),
  ja: () => import('emoji-picker-element/i18n/ja.js'),
  ar: () => import('emoji-picker-element/i18n/ar.js'),
};

/**
 * An emoji picker: search, categories, skin tones and recently used emoji, from the well-kept
 * `emoji-picker-element` web component (Apache-2.0), in the reader's language (the same `lang`
 * rules as every chat element: its own, else the nearest above it, else the browser's). Its emoji
 * data (names and keywords for the search) comes from the chat server, `/emoji/{language}.json`,
 * never from a third-party CDN; the picker keeps it in IndexedDB and asks the server only whether
 * it changed (ETag).
 *
 * From the keyboard: the search field takes focus with `focus()`; arrow keys move through the
 * results or the grid, Tab to the categories (arrow keys between them) and the grid, Enter or
 * Space picks. Where it is shown, and closing it (Escape), is its host's part: `<chat-window>`
 * opens it under its composer's emoji button.
 *
 * Used inside `<chat-widget>` it follows the widget's chat server; alone, `api-url` names it (else
 * the server the script came from, else the page's origin). Its module is loaded the first time a
 * picker is shown, not with the widget.
 *
 * @summary An emoji picker whose data comes from the chat server.
 *
 * @fires {ChatEmojiSelectEvent} chat-emoji-select - The user picked an emoji: `emoji` (the text,
 *   with the chosen skin tone) and `name`.
 *
 * @csspart picker - The `<emoji-picker>` element; its own custom properties (`--num-columns`,
 *   `--emoji-size`, …) style it further.
 * @csspart loading - "Loading…" while the picker's language is loaded.
 *
 * @cssproperty [--chat-emoji-picker-height=320px] - The picker's height.
 */
@customElement('chat-emoji-picker')
export class ChatEmojiPicker extends LitElement {
  static override styles = [
    themeStyles,
    css`
      :host {
        display: block;
      }
      emoji-picker {
        width: 100%;
        height: var(--chat-emoji-picker-height, 320px);
        --background: var(--_bg);
        --border-color: var(--_border);
        --border-radius: calc(var(--_radius) / 2);
        --indicator-color: var(--_primary);
        --input-border-color: var(--_border);
        --input-font-color: var(--_fg);
        --input-placeholder-color: var(--_muted);
        --outline-color: var(--_focus);
        --category-font-color: var(--_fg);
        --button-hover-background: var(--_surface);
        --button-active-background: var(--_border);
        /* The picker sizes itself in rem: in px here, so a page's html { font-size: 62.5% }
           does not shrink it (as the rest of the widget). */
        --emoji-size: 22px;
        --emoji-padding: 7px;
        --input-font-size: 14px;
        --input-padding: 4px;
        --input-border-radius: calc(var(--_radius) / 2);
        --category-font-size: 14px;
        --skintone-border-radius: 16px;
      }
      /* Touch: each emoji a 44 x 44 px target, seven to a row. */
      @media (pointer: coarse), (max-width: 480px) {
        emoji-picker {
          --emoji-padding: 11px;
          --num-columns: 7;
        }
      }
      .loading {
        margin: 0;
        padding: var(--_space);
        color: var(--_muted);
      }
    `,
  ];

  /** Strings replacing the built-in ones, by locale tag (see `<chat-widget>`). */
  @property({ attribute: false }) strings?: LocaleStrings;

  /** With `api-url`, the app whose chat server serves the data when no widget provides one. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server that serves the emoji data; by default the widget's, else the script's. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  private readonly i18n = new LocaleController(this);
  private readonly stores = new StoreController(this);
  /** The picker, made once its language's labels are loaded (so it never shows English first). */
  @state() private picker?: Picker;
  /** What the picker was made or last set for: data locale, data URL and label locale. */
  private settings = '';
  private following?: Promise<void>;

  /** Focuses the search field (or the element, while its language loads). */
  override focus(options?: FocusOptions): void {
    const search = this.picker?.shadowRoot?.querySelector<HTMLElement>('input');
    if (search) search.focus(options);
    else super.focus(options);
  }

  // Settles once the picker is there in the reader's language (its labels may be loading).
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.i18n.settled(() => super.getUpdateComplete());
    await this.following;
    return super.getUpdateComplete();
  }

  // Here, after the locale controller resolved the language and before rendering: a picker that
  // needs no labels loaded (English) shows in this very update.
  protected override update(changed: PropertyValues<this>): void {
    this.following = this.follow();
    super.update(changed);
  }

  /** Makes the picker, or moves it to a new language or server, once that language's labels are in. */
  private async follow(): Promise<void> {
    const uiLocale = matchLocale([this.i18n.locale], ['en', ...Object.keys(pickerStrings)]);
    const dataLocale = matchLocale([this.i18n.locale], emojiDataLocales);
    const server = (this.apiUrl || this.stores.store?.apiUrl || defaultApiUrl()).replace(/\/$/, '');
    const dataSource = server + emojiDataPath(dataLocale);
    const settings = `${dataLocale} ${dataSource} ${uiLocale}`;
    if (settings === this.settings) return;
    this.settings = settings;
    const load = pickerStrings[uiLocale];
    let i18n: I18n | undefined;
    try {
      i18n = load && (await load()).default;
    } catch (error) {
      // The labels' chunk did not come (the network): the picker works, in English.
      console.warn(`openwebim: the emoji picker's ${uiLocale} labels could not be loaded`, error);
    }
    if (settings !== this.settings) return;
    const picker = this.picker;
    if (picker) {
      // The picker re-reads these together in its next microtask: never the default CDN URL.
      picker.dataSource = dataSource;
      picker.locale = dataLocale;
      if (i18n) picker.i18n = i18n;
      return;
    }
    // Made with its data source from the start: the picker's default is a third-party CDN.
    const made = new Picker({ dataSource, locale: dataLocale, ...(i18n ? { i18n } : {}) });
    made.setAttribute('part', 'picker');
    made.addEventListener('emoji-click', (event: EmojiClickEvent) => {
      const { unicode, emoji } = event.detail;
      const name = 'annotation' in emoji ? emoji.annotation : emoji.name;
      if (unicode) this.dispatchEvent(new ChatEmojiSelectEvent(unicode, name));
    });
    this.picker = made;
  }

  protected override render() {
    return (
      this.picker ??
      html`<p part="loading" class="loading" role="status">${this.i18n.t('common.loading')}</p>`
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-emoji-picker': ChatEmojiPicker;
  }
}
