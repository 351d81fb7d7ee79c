/**
 * The open message menu of `<chat-window>`: a chunk of its own, loaded by message-menu.ts the
 * first time a menu opens, with the items (message-menu-items.ts) and the menu's styles. It is a
 * popover in the top layer, so the scrolling log never clips it, placed beside the message that
 * opened it.
 *
 * Keyboard: focus goes to the first item; arrows, Home and End move between items; Escape closes
 * and gives focus back to the button that opened it; Tab closes it too. Choosing an item closes it.
 */
import { css, html, nothing } from 'lit';
import type { ChatMessage } from '../../store/index.js';
import {
  menuItems,
  type MenuAction,
  type MenuParts,
  type MenuReaction,
} from './message-menu-items.js';
import type { MessageMenu } from './message-menu.js';
import { placeBeside } from './place-beside.js';

const styles = css`
  .message-menu {
    position: fixed;
    inset: auto;
    margin: 0;
    min-width: 10em;
    padding: calc(var(--_space) / 2);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
  }
  .message-menu [role^='menuitem'] {
    display: block;
    width: 100%;
    text-align: start;
    border: none;
    background: none;
    padding: calc(var(--_space) / 2) var(--_space);
  }
  .message-menu [role^='menuitem']:hover,
  .message-menu [role^='menuitem']:focus-visible {
    background: var(--_surface);
  }
  .quick-reactions {
    display: flex;
    gap: 2px;
    border-bottom: 1px solid var(--_border);
    margin-bottom: calc(var(--_space) / 2);
  }
  .message-menu .quick-reactions [role^='menuitem'] {
    width: auto;
    font-size: 1.2em;
    padding: 2px 6px;
    border-radius: calc(var(--_radius) / 2);
  }
  .quick-reactions [aria-checked='true'] {
    background: var(--_surface);
  }
`;

export class MenuPopup {
  #actions: MenuAction[] = [];
  #reactions: MenuReaction[] = [];
  #opener?: HTMLElement;

  constructor(
    private readonly menu: MessageMenu,
    private readonly parts: MenuParts,
  ) {
    // The window's shadow root takes the menu's styles once the menu is first needed; an adopted
    // sheet, so a strict style-src allows it.
    const root = parts.ctx.host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet!];
  }

  open(m: ChatMessage, own: boolean, opener: HTMLElement): void {
    const { host } = this.parts.ctx;
    const items = menuItems(this.parts, m, own);
    this.#opener = opener;
    this.#actions = items.actions;
    this.#reactions = items.reactions;
    host.requestUpdate();
    void host.updateComplete.then(() => {
      const menu = this.#element();
      if (!menu || this.menu.openFor !== m.id) return;
      if (!menu.matches(':popover-open')) menu.showPopover();
      placeBeside(menu, opener, 'end');
      menu.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    });
  }

  /** Closes the menu; focus goes back to the button that opened it when it was in the menu. */
  close(): void {
    if (!this.menu.openFor) return;
    const menu = this.#element();
    const hadFocus = !!menu?.matches(':focus-within');
    this.menu.openFor = '';
    this.#actions = [];
    this.#reactions = [];
    if (menu?.matches(':popover-open')) menu.hidePopover();
    if (hadFocus) this.#opener?.focus();
    this.parts.ctx.host.requestUpdate();
  }

  /** The menu itself, rendered once per window. */
  render() {
    const { i18n } = this.parts.ctx;
    return html`<div
      part="message-menu"
      class="message-menu"
      role="menu"
      popover="auto"
      aria-label=${i18n.t('window.moreActions')}
      @toggle=${(event: ToggleEvent) => {
        // Light dismiss (a click outside, Escape) closes the popover by itself.
        if (event.newState === 'closed' && this.menu.openFor) this.close();
      }}
      @keydown=${this.#onKeydown}
    >
      ${
        this.#reactions.length
          ? html`<div class="quick-reactions" role="group">
              ${this.#reactions.map(
                (r) =>
                  html`<button
                    part="menu-item quick-reaction"
                    role="menuitemcheckbox"
                    type="button"
                    data-reaction=${r.emoji}
                    aria-checked=${r.mine ? 'true' : 'false'}
                    aria-label=${i18n.t(r.mine ? 'window.unreactWith' : 'window.reactWith', {
                      emoji: r.emoji,
                    })}
                    @click=${() => this.#choose(r.run)}
                  >
                    ${r.emoji}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${this.#actions.map(
        (a) =>
          html`<button
            part="menu-item"
            role="menuitem"
            type="button"
            data-action=${a.id}
            @click=${() => this.#choose(a.run)}
          >
            ${i18n.message(a.label)}
          </button>`,
      )}
    </div>`;
  }

  #choose(run: () => void): void {
    this.close();
    run();
  }

  #element(): HTMLElement | null {
    return this.parts.ctx.host.renderRoot.querySelector<HTMLElement>('[part~="message-menu"]');
  }

  #onKeydown = (event: KeyboardEvent): void => {
    // The quick reactions (menuitemcheckbox) and the items, in one order.
    const items = [...(this.#element()?.querySelectorAll<HTMLElement>('[role^="menuitem"]') ?? [])];
    const at = items.indexOf(event.target as HTMLElement);
    let next = -1;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        next = (at + 1) % items.length;
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        next = (at - 1 + items.length) % items.length;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = items.length - 1;
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.close();
        return;
      case 'Tab':
        this.close();
        return;
      default:
        return;
    }
    event.preventDefault();
    items[next]?.focus();
  };
}
