import { LitElement, css, html } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { scan } from 'rxjs';
import type { ChatNotice } from '../../store/index.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { en, type MessageKey } from '../locale/en.js';
import { formatTime } from '../time-format.js';
import { themeStyles } from '../theme.styles.js';

/** Notices kept at once: a burst (a group disbanded with many members) shows its latest. */
const MAX = 3;

/**
 * Things that happened to the signed-in user while no action of theirs was waiting ("alice
 * accepted your request", "you were removed from Friends", "Friends was disbanded"), as short
 * toasts in a polite live region: screen readers announce them without interrupting. Each goes
 * after `timeout` ms (8 seconds unless set), or at once with its close button.
 *
 * `<chat-widget>` shows one above its panel's body; alone, it needs `app-key`.
 *
 * @summary Notices: requests accepted, removed from a group…
 *
 * @csspart notice - Each notice.
 * @csspart dismiss-button - A notice's close button.
 *
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - A notice's background.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - A notice's border.
 */
@customElement('chat-notices')
export class ChatNotices extends LitElement {
  static override styles = [
    themeStyles,
    css`
      div {
        display: grid;
        gap: calc(var(--_space) / 2);
      }
      p {
        display: flex;
        align-items: center;
        gap: var(--_space);
        margin: 0;
        padding: calc(var(--_space) / 2) var(--_space);
        border: 1px solid var(--_border);
        border-radius: calc(var(--_radius) / 2);
        background: var(--_surface);
      }
      span {
        flex: 1;
      }
      button {
        border: 0;
        background: none;
      }
    `,
  ];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'login.logIn': 'Entrer' } }`); a
   * tag the widget does not ship adds that locale. The elements inside follow it too.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /**
   * How long each notice stays, in ms, before it goes by itself; the reader can also dismiss it.
   * A notice already shown keeps the time it started with.
   */
  @property({ type: Number }) timeout = 8000;

  @state() private dismissed = new Set<ChatNotice>();

  private readonly stores = new StoreController(this);
  private readonly notices = new ObservableController<ChatNotice[]>(this, []);
  private readonly timers = new Map<ChatNotice, ReturnType<typeof setTimeout>>();

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.notices.observe([store], () =>
      store?.notices$.pipe(scan((list: ChatNotice[], n) => [...list, n].slice(-MAX), [])),
    );
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const shown = this.notices.value.filter((n) => !this.dismissed.has(n));
    for (const n of shown) {
      if (!this.timers.has(n))
        this.timers.set(
          n,
          setTimeout(() => this.dismiss(n), this.timeout),
        );
    }
    // The region is on the page before anything is put in it, so that additions are announced.
    return html`<div role="status" aria-live="polite" aria-relevant="additions">
      ${repeat(
        shown,
        (n) => n,
        (n) =>
          html`<p part="notice">
            <span>${this.say(n)}</span
            ><button
              part="dismiss-button"
              aria-label=${this.i18n.t('notices.dismiss')}
              @click=${() => this.dismiss(n)}
            >
              ×
            </button>
          </p>`,
      )}
    </div>`;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** The notice in the reader's language: names isolated, a mute's end in their locale. */
  private say(n: ChatNotice) {
    const key = `notice.${n.key ?? ''}`;
    if (!(key in en)) return n.message;
    const values: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(n.params ?? {})) {
      values[name] =
        typeof value === 'number'
          ? formatTime(value, this.i18n.locale, true)
          : html`<bdi>${value}</bdi>`;
    }
    return this.i18n.parts(key as MessageKey, values as never);
  }

  private dismiss(n: ChatNotice): void {
    clearTimeout(this.timers.get(n));
    this.dismissed = new Set(this.dismissed).add(n);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-notices': ChatNotices;
  }
}
