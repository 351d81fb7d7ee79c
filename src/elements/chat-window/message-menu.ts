/**
 * A message's menu in `<chat-window>`: one menu for the whole window, opened from a message's
 * "More actions" button (shown on hover and focus), by a long press on touch screens, or with the
 * keyboard (the button, or Shift+F10 / the context-menu key inside a bubble).
 *
 * Only the button and the bubble's listeners are here, with the window. The menu itself (the
 * popover, its keyboard, its styles) and its items are a chunk loaded the first time a menu
 * opens: message-menu-popup.ts, and message-menu-items.ts for what it offers.
 */
import { html, nothing, type ReactiveController } from 'lit';
import type { ChatMessage } from '../../store/index.js';
import type { MenuParts } from './message-menu-items.js';
import type { MenuPopup } from './message-menu-popup.js';

/** How long a touch must rest on a message to open its menu, in ms. */
const LONG_PRESS_MS = 500;

export class MessageMenu implements ReactiveController {
  /** The message whose menu is open (or opening, while its chunk loads). */
  openFor = '';
  #popup?: Promise<MenuPopup>;
  #loaded?: MenuPopup;
  #pressTimer: ReturnType<typeof setTimeout> | undefined;
  #longPressed = false;

  constructor(private readonly parts: MenuParts) {
    parts.ctx.host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.#pressTimer);
  }

  /** The "More actions" button of message `m`; `own` when I sent it. */
  button(m: ChatMessage, own: boolean) {
    const label = this.parts.ctx.i18n.t('window.moreActions');
    return html`<button
      part="menu-button"
      class="menu-button"
      type="button"
      aria-haspopup="menu"
      aria-expanded=${this.openFor === m.id ? 'true' : 'false'}
      aria-label=${label}
      title=${label}
      @click=${(event: Event) => void this.#open(m, own, event.currentTarget as HTMLElement)}
    >
      ⋯
    </button>`;
  }

  /**
   * Listeners for a message bubble: a long press (touch) or Shift+F10 / the context-menu key
   * inside it opens its menu, as its button would.
   */
  bubbleListeners(id: string) {
    const buttonOf = (target: EventTarget | null) =>
      (target as HTMLElement | null)
        ?.closest('.msg')
        ?.querySelector<HTMLElement>('[part~="menu-button"]');
    return {
      pointerdown: (event: PointerEvent) => {
        clearTimeout(this.#pressTimer);
        this.#longPressed = false;
        if (event.pointerType !== 'touch') return;
        const target = event.currentTarget;
        this.#pressTimer = setTimeout(() => {
          this.#longPressed = true;
          buttonOf(target)?.click();
        }, LONG_PRESS_MS);
      },
      cancel: () => clearTimeout(this.#pressTimer),
      contextmenu: (event: Event) => {
        // The browser's own menu would cover ours after a long press.
        if (this.#longPressed || this.openFor === id) event.preventDefault();
      },
      keydown: (event: KeyboardEvent) => {
        if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
          event.preventDefault();
          buttonOf(event.currentTarget)?.click();
        }
      },
    };
  }

  async #open(m: ChatMessage, own: boolean, opener: HTMLElement): Promise<void> {
    const { host, fail } = this.parts.ctx;
    if (this.openFor === m.id) return this.close();
    this.openFor = m.id;
    host.requestUpdate();
    this.#popup ??= import('./message-menu-popup.js').then(
      ({ MenuPopup }) => (this.#loaded = new MenuPopup(this, this.parts)),
    );
    try {
      const popup = await this.#popup;
      if (this.openFor === m.id) popup.open(m, own, opener);
    } catch (error) {
      // The network: say so; the next press tries again.
      this.#popup = undefined;
      if (this.openFor === m.id) this.openFor = '';
      host.requestUpdate();
      fail(error);
    }
  }

  /** Closes the menu, if one is open. */
  close(): void {
    if (this.#loaded) return this.#loaded.close();
    this.openFor = '';
    this.parts.ctx.host.requestUpdate();
  }

  /** The menu, once its chunk has loaded (rendered once per window). */
  render() {
    return this.#loaded?.render() ?? nothing;
  }
}
