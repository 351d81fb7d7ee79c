/**
 * A message's menu in `<chat-window>`: one menu for the whole window, opened from a message's
 * "More actions" button (shown on hover and focus), by a long press on touch screens, or with the
 * keyboard (the button, or Shift+F10 / the context-menu key inside a bubble). It is a popover in
 * the top layer, so the scrolling log never clips it, placed beside the message that opened it.
 *
 * Keyboard: focus goes to the first item; arrows, Home and End move between items; Escape closes
 * and gives focus back to the button that opened it; Tab closes it too. Choosing an item closes it.
 */
import { html, nothing, type ReactiveController, type ReactiveElement } from 'lit';
import type { LocaleController } from '../locale/locale-controller.js';
import type { MessageKey } from '../locale/en.js';

/** One entry of the menu. */
export interface MenuAction {
  /** Names the item (`data-action`): `edit`, `reply`, `copy`… */
  id: string;
  label: MessageKey;
  run(): void;
}

/** A quick reaction: an emoji button in the menu's first row. */
export interface MenuReaction {
  emoji: string;
  /** Whether I reacted with it already (pressing it takes mine away). */
  mine: boolean;
  run(): void;
}

/** How long a touch must rest on a message to open its menu, in ms. */
const LONG_PRESS_MS = 500;

export class MessageMenu implements ReactiveController {
  /** The message whose menu is open. */
  openFor = '';
  private actions: MenuAction[] = [];
  private reactions: MenuReaction[] = [];
  private opener?: HTMLElement;
  private pressTimer: ReturnType<typeof setTimeout> | undefined;
  private longPressed = false;

  constructor(
    private readonly host: ReactiveElement,
    private readonly i18n: LocaleController,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.pressTimer);
  }

  /** The "More actions" button of one message. */
  button(id: string, items: () => { actions: MenuAction[]; reactions: MenuReaction[] }) {
    return html`<button
      part="menu-button"
      class="menu-button"
      type="button"
      aria-haspopup="menu"
      aria-expanded=${this.openFor === id ? 'true' : 'false'}
      aria-label=${this.i18n.t('window.moreActions')}
      title=${this.i18n.t('window.moreActions')}
      @click=${(event: Event) => this.open(id, event.currentTarget as HTMLElement, items())}
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
        clearTimeout(this.pressTimer);
        this.longPressed = false;
        if (event.pointerType !== 'touch') return;
        const target = event.currentTarget;
        this.pressTimer = setTimeout(() => {
          this.longPressed = true;
          buttonOf(target)?.click();
        }, LONG_PRESS_MS);
      },
      cancel: () => clearTimeout(this.pressTimer),
      contextmenu: (event: Event) => {
        // The browser's own menu would cover ours after a long press.
        if (this.longPressed || this.openFor === id) event.preventDefault();
      },
      keydown: (event: KeyboardEvent) => {
        if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
          event.preventDefault();
          buttonOf(event.currentTarget)?.click();
        }
      },
    };
  }

  private open(
    id: string,
    opener: HTMLElement,
    items: { actions: MenuAction[]; reactions: MenuReaction[] },
  ): void {
    if (this.openFor === id) return this.close();
    this.openFor = id;
    this.opener = opener;
    this.actions = items.actions;
    this.reactions = items.reactions;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => {
      const menu = this.menu();
      if (!menu || this.openFor !== id) return;
      if (!menu.matches(':popover-open')) menu.showPopover();
      this.place(menu, opener);
      menu.querySelector<HTMLElement>('[role^="menuitem"]')?.focus();
    });
  }

  /** Closes the menu; focus goes back to the button that opened it when it was in the menu. */
  close(): void {
    if (!this.openFor) return;
    const menu = this.menu();
    const hadFocus = !!menu?.matches(':focus-within');
    this.openFor = '';
    this.actions = [];
    this.reactions = [];
    if (menu?.matches(':popover-open')) menu.hidePopover();
    if (hadFocus) this.opener?.focus();
    this.host.requestUpdate();
  }

  /** The menu itself, rendered once per window. */
  render() {
    return html`<div
      part="message-menu"
      class="message-menu"
      role="menu"
      popover="auto"
      aria-label=${this.i18n.t('window.moreActions')}
      @toggle=${(event: ToggleEvent) => {
        // Light dismiss (a click outside, Escape) closes the popover by itself.
        if (event.newState === 'closed' && this.openFor) this.close();
      }}
      @keydown=${this.onKeydown}
    >
      ${
        this.reactions.length
          ? html`<div class="quick-reactions" role="group">
              ${this.reactions.map(
                (r) =>
                  html`<button
                    part="menu-item quick-reaction"
                    role="menuitemcheckbox"
                    type="button"
                    data-reaction=${r.emoji}
                    aria-checked=${r.mine ? 'true' : 'false'}
                    aria-label=${this.i18n.t(r.mine ? 'window.unreactWith' : 'window.reactWith', {
                      emoji: r.emoji,
                    })}
                    @click=${() => this.choose(r.run)}
                  >
                    ${r.emoji}
                  </button>`,
              )}
            </div>`
          : nothing
      }
      ${this.actions.map(
        (a) =>
          html`<button
            part="menu-item"
            role="menuitem"
            type="button"
            data-action=${a.id}
            @click=${() => this.choose(a.run)}
          >
            ${this.i18n.message(a.label)}
          </button>`,
      )}
    </div>`;
  }

  private choose(run: () => void): void {
    this.close();
    run();
  }

  private menu(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('[part~="message-menu"]');
  }

  /** Beside the opener, inside the viewport. Set through CSSOM: a strict style-src allows it. */
  private place(menu: HTMLElement, opener: HTMLElement): void {
    const at = opener.getBoundingClientRect();
    const { width, height } = menu.getBoundingClientRect();
    const top = at.bottom + height > innerHeight ? Math.max(0, at.top - height) : at.bottom;
    const left = Math.min(Math.max(0, at.right - width), Math.max(0, innerWidth - width));
    menu.style.top = `${top}px`;
    menu.style.left = `${left}px`;
  }

  private onKeydown = (event: KeyboardEvent): void => {
    const items = [...(this.menu()?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
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
