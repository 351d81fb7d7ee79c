/**
 * The reactions under a message of `<chat-window>`: a chip per emoji with its count, mine marked
 * (`aria-pressed`), a press adding or taking back mine; and "Who reacted", a button opening the
 * list of who reacted with what (a long press on a chip opens it too, on a touch screen). A chunk
 * of its own, loaded by message-bubble.ts with the first message that has reactions, with its
 * styles, so a visitor whose messages have none loads nothing of it.
 *
 * The list names the users the store keeps of each reaction (the server names the first 20); the
 * others are counted, "+3", a button that reads them from the server (`getReactionDetail`, 100
 * at a time, each press the next page) and names them too.
 */
import { css, html } from 'lit';
import type { ChatMessage, MessageReaction, Reactors } from '../../store/index.js';
import '../locale/en-panels.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { reactTo } from './message-menu-items.js';
import { placeBeside } from './place-beside.js';
import type { WindowContext } from './window-context.js';

/** How long a touch must rest on a chip to show who reacted, in ms (as a message's menu). */
const LONG_PRESS_MS = 500;

const styles = css`
  .reactions {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    margin-top: 4px;
  }
  .reactions button {
    min-width: 24px;
    min-height: 24px;
    padding: 0 6px;
    border-radius: 1em;
    background: var(--_bg);
    color: var(--_fg);
    font-size: 0.85em;
  }
  .reactions [aria-pressed='true'] {
    box-shadow: inset 0 0 0 2px var(--_primary);
    font-weight: 600;
  }
  .who-reacted {
    position: fixed;
    inset: auto;
    margin: 0;
    max-width: min(20em, 90vw);
    max-height: 50vh;
    overflow-y: auto;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
    box-shadow: 0 4px 16px rgb(0 0 0 / 0.2);
    font-size: 0.9em;
  }
  .who-reacted ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .who-reacted li + li {
    margin-top: calc(var(--_space) / 2);
  }
  .who-reacted button {
    padding: 0 4px;
    background: none;
    color: var(--_primary);
    text-decoration: underline;
  }
`;

export class ReactionChips {
  /** Names of who reacted, asked for when a list opens. */
  readonly #names: DisplayNameController;
  #pressTimer: ReturnType<typeof setTimeout> | undefined;
  #longPressed = false;
  /** Who reacted, read past the first 20: by message, reaction and count (a change reads again). */
  readonly #read = new Map<string, Reactors>();

  constructor(
    private readonly ctx: WindowContext,
    private readonly me: () => string | undefined,
  ) {
    this.#names = new DisplayNameController(ctx.host);
    // An adopted sheet, so a strict style-src allows it.
    const root = ctx.host.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet!];
  }

  /** The chips of message `m` and its "Who reacted" list. */
  render(m: ChatMessage) {
    const { i18n } = this.ctx;
    const reactions = m.reactions ?? [];
    const list = `who-reacted-${m.id}`;
    return html`<div
      part="reactions"
      class="reactions"
      role="group"
      aria-label=${i18n.t('window.reactions')}
    >
      ${reactions.map(
        (r) =>
          html`<button
            part="reaction"
            type="button"
            data-reaction=${r.reaction}
            aria-pressed=${r.mine ? 'true' : 'false'}
            aria-label=${i18n.t('window.reactionCount', { emoji: r.reaction, count: r.count })}
            title=${this.#who(r).join(', ')}
            @click=${() => this.#toggle(m, r)}
            @pointerdown=${this.#pointerDown}
            @pointerup=${this.#cancel}
            @pointercancel=${this.#cancel}
            @pointerleave=${this.#cancel}
            @contextmenu=${(event: Event) => this.#longPressed && event.preventDefault()}
          >
            ${r.reaction} ${i18n.number(r.count)}
          </button>`,
      )}
      <button
        part="who-reacted-button"
        type="button"
        popovertarget=${list}
        aria-label=${i18n.t('window.whoReacted')}
        title=${i18n.t('window.whoReacted')}
      >
        …
      </button>
      <div
        part="who-reacted"
        class="who-reacted"
        id=${list}
        popover="auto"
        role="dialog"
        aria-label=${i18n.t('window.whoReacted')}
        tabindex="0"
        @beforetoggle=${(event: ToggleEvent) => this.#toggled(event, reactions)}
        @toggle=${(event: ToggleEvent) => this.#toggled(event, reactions)}
      >
        <ul>
          ${reactions.map(
            (r) =>
              html`<li data-reaction=${r.reaction}>
                <span aria-hidden="true">${r.reaction}</span>
                <span class="sr-only"
                  >${i18n.t('window.reactionCount', { emoji: r.reaction, count: r.count })}:</span
                >
                ${this.#who(r, m).map((name, i) => html`${i ? ', ' : ''}<bdi>${name}</bdi>`)}
                ${this.#more(m, r)}
              </li>`,
          )}
        </ul>
      </div>
    </div>`;
  }

  /** Who added `r`, as the reader knows them: "You", else their display names. */
  #who(r: MessageReaction, m?: ChatMessage): string[] {
    const me = this.me();
    const users = (m && this.#read.get(key(m, r))?.users) || r.users;
    return users.map((u) => (u === me ? this.ctx.i18n.t('window.you') : this.#names.get(u)));
  }

  /** "+3": how many more reacted, a button reading the next page of them while there is one. */
  #more(m: ChatMessage, r: MessageReaction) {
    const read = this.#read.get(key(m, r));
    const left = r.count - (read?.users ?? r.users).length;
    if (left <= 0) return '';
    const count = `+${this.ctx.i18n.number(left)}`;
    return read?.cursor === null
      ? count
      : html`<button
          part="more-button"
          type="button"
          aria-label=${this.ctx.i18n.t('window.moreReactors', { emoji: r.reaction })}
          @click=${(event: Event) => this.#readMore(m, r, event.currentTarget as HTMLElement)}
        >
          ${count}
        </button>`;
  }

  /** The next page of who reacted with `r` (the first reads them from the start, 100 at once). */
  async #readMore(m: ChatMessage, r: MessageReaction, button: HTMLElement): Promise<void> {
    const k = key(m, r);
    const before = this.#read.get(k);
    this.ctx.fail('');
    try {
      const page = await this.ctx.store()!.reactors(m.id, r.reaction, before?.cursor ?? undefined);
      const users = [...(before?.users ?? []), ...page.users];
      this.#read.set(k, { users, cursor: page.cursor });
      const shown = (m.reactions ?? []).flatMap((x) => x.users);
      this.#names.track(this.ctx.store(), [...shown, ...users]);
      this.ctx.host.requestUpdate();
      // The last page read: the button is gone, focus stays in the list.
      const list = button.closest<HTMLElement>('[popover]');
      await this.ctx.host.updateComplete;
      if (!button.isConnected) list?.focus();
    } catch (error) {
      this.ctx.fail(error);
    }
  }

  /** Adds my reaction, or takes it back; a refusal is said in plain words and changes nothing. */
  async #toggle(m: ChatMessage, r: MessageReaction): Promise<void> {
    // The long press showed who reacted: that touch was no tap.
    if (this.#longPressed) return void (this.#longPressed = false);
    await reactTo(this.ctx, m, r.reaction, !r.mine);
  }

  /** A long touch on a chip presses "Who reacted" (not the message's own long press: its menu). */
  readonly #pointerDown = (event: PointerEvent): void => {
    this.#cancel();
    this.#longPressed = false;
    event.stopPropagation();
    if (event.pointerType !== 'touch') return;
    const who = (event.currentTarget as HTMLElement).parentElement!.querySelector<HTMLElement>(
      '[part~="who-reacted-button"]',
    );
    this.#pressTimer = setTimeout(() => {
      this.#longPressed = true;
      who?.click();
    }, LONG_PRESS_MS);
  };

  readonly #cancel = (): void => clearTimeout(this.#pressTimer);

  /**
   * A list opening: its names asked for, placed beside "Who reacted", focused; closing (Escape, a
   * click elsewhere) with focus in it: focus back on "Who reacted".
   */
  #toggled(event: ToggleEvent, reactions: MessageReaction[]): void {
    const popover = event.target as HTMLElement;
    const who = popover.previousElementSibling as HTMLElement;
    // Before it hides (beforetoggle), while focus is still in it; once shown (toggle), to measure it.
    if (event.newState === 'closed') {
      if (event.type === 'beforetoggle' && popover.matches(':focus-within')) who.focus();
    } else if (event.type === 'toggle') {
      this.#names.track(
        this.ctx.store(),
        reactions.flatMap((r) => r.users),
      );
      placeBeside(popover, who, 'start');
      popover.focus();
    }
  }
}

const key = (m: ChatMessage, r: MessageReaction) => `${m.id} ${r.reaction} ${r.count}`;
