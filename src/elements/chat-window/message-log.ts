/**
 * The message log of `<chat-window>`: only the messages near the viewport are rendered (see
 * `MessageWindow`), the reader's place is kept across renders (at the bottom it follows new
 * messages; scrolled up it stays on the bubble it was reading), older pages load near the top,
 * a peer's message is acknowledged as read once seen, and a reply's quote jumps to its message.
 *
 * The element calls `beforeRender` from `willUpdate` and `afterRender` from `updated`, in the
 * places these steps always ran, rather than through controller hooks, which run in another order.
 */
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatMessage, HistoryState } from '../../store/index.js';
import type { ObservableController } from '../controllers/observable-controller.js';
import { MessageWindow } from './message-window.js';
import type { WindowContext } from './window-context.js';

/** How close to the bottom (px) still counts as "at the bottom" for autoscroll. */
const BOTTOM_SLACK = 32;
/** How close to the top (px) scrolling starts loading older messages. */
const TOP_SLACK = 200;

export class MessageLog {
  /** Set before sending: the next change scrolls to the bottom even when scrolled up. */
  forceScroll = false;
  readonly #window = new MessageWindow();
  #renderedMessages: ChatMessage[] = [];
  #renderedConversation = '';
  #stick = true;
  #loadingOlder = false;
  #passes = 0;
  /** The frame that renders again with measured heights (see `afterRender`), 0 when none is due. */
  #remeasureFrame = 0;
  /** The first bubble on screen and its distance below the log's top, kept across renders. */
  #anchor?: { id: string; offset: number };
  readonly #onScreen = new Set<Element>();
  #seenId = '';
  /** Whether the window is on screen (not in a closed widget). */
  #visible = false;
  /** The conversation whose history is on screen: only from then on does its log announce. */
  #live = '';
  readonly #observer =
    typeof IntersectionObserver === 'undefined'
      ? undefined
      : new IntersectionObserver(([entry]) => {
          const visible = !!entry?.isIntersecting;
          if (visible !== this.#visible) {
            this.#visible = visible;
            this.#ctx.host.requestUpdate();
          }
          // Messages that arrived while the window was hidden (no layout) were placed at a bottom
          // the log could not scroll to: a window that stuck to the bottom goes there once shown.
          const log = this.#log;
          if (this.#visible && this.#stick && log) log.scrollTop = log.scrollHeight;
          this.#ackSeen();
        });
  #bubbleObserver?: IntersectionObserver;
  readonly #onVisibilityChange = () => this.#ackSeen();

  readonly #ctx: WindowContext;
  readonly #messages: ObservableController<ChatMessage[]>;
  readonly #history: ObservableController<HistoryState>;

  constructor(
    ctx: WindowContext,
    messages: ObservableController<ChatMessage[]>,
    history: ObservableController<HistoryState>,
  ) {
    this.#ctx = ctx;
    this.#messages = messages;
    this.#history = history;
  }

  get #log(): HTMLElement | null {
    return this.#ctx.host.renderRoot.querySelector<HTMLElement>('[role="log"]');
  }

  connect(): void {
    // Read only while the reader can see it: not in a closed widget, not in a background tab.
    this.#observer?.observe(this.#ctx.host);
    document.addEventListener('visibilitychange', this.#onVisibilityChange);
  }

  disconnect(): void {
    this.#observer?.disconnect();
    this.#bubbleObserver?.disconnect();
    this.#bubbleObserver = undefined;
    cancelAnimationFrame(this.#remeasureFrame);
    this.#remeasureFrame = 0;
    document.removeEventListener('visibilitychange', this.#onVisibilityChange);
  }

  /** This update measures again anyway: a render due for new heights is not needed. */
  cancelRemeasure(): void {
    cancelAnimationFrame(this.#remeasureFrame);
    this.#remeasureFrame = 0;
  }

  /** Picks what to render, measured before the new messages render: a reader scrolled up stays put. */
  beforeRender(messages: ChatMessage[], id: string): void {
    const log = this.#log;
    const changed = messages !== this.#renderedMessages || id !== this.#renderedConversation;
    this.#stick =
      !log ||
      id !== this.#renderedConversation ||
      (changed && this.forceScroll) ||
      log.scrollHeight - log.scrollTop - log.clientHeight < BOTTOM_SLACK;
    this.#anchor = undefined;
    let top = Infinity;
    if (log && !this.#stick) {
      top = log.scrollTop - this.#spacerTop(log);
      // Only a bubble on screen anchors: after a jump (the scrollbar dragged) none is, and the
      // window is picked from the scroll position alone.
      const el = this.#bubbles().find((b) => b.offsetTop + b.offsetHeight > log.scrollTop);
      if (el && el.offsetTop < log.scrollTop + log.clientHeight) {
        this.#anchor = { id: el.dataset.id!, offset: el.offsetTop - log.scrollTop };
      }
    }
    this.#place(messages, top, log?.clientHeight ?? 0);
  }

  /**
   * Picks the messages to render: those around the anchor (at its offset), the newest when
   * sticking to the bottom, else those at `top` (an offset from the first message).
   */
  #place(messages: readonly ChatMessage[], top: number, height: number): void {
    const ids = messages.map((m) => m.id);
    this.#window.layout(ids, 0, 0);
    const anchored = this.#anchor ? ids.indexOf(this.#anchor.id) : -1;
    if (anchored >= 0) top = this.#window.top(anchored) - this.#anchor!.offset;
    else if (this.#stick) top = this.#window.top(Infinity) - height;
    this.#window.layout(ids, top, height || 600);
  }

  /**
   * The log: "Load older messages" (or why it is empty), then the messages in the rendered window
   * between two spacers. `item` renders one message after the one before it. A `greeting` comes
   * first once the start of the conversation is shown, in place of the empty note.
   */
  render(
    name: string,
    item: (m: ChatMessage, previous: ChatMessage | undefined) => unknown,
    greeting = '',
  ) {
    const { i18n } = this.#ctx;
    const id = this.#ctx.conversationId();
    const { loading, exhausted } = this.#history.value;
    const messages = this.#messages.value;
    return html`<div
      part="message-list"
      class="inset-focus"
      role="log"
      aria-live=${this.#live === id ? 'polite' : 'off'}
      aria-relevant="additions"
      aria-label=${i18n.t('window.messagesWith', { name })}
      tabindex="0"
      @scroll=${this.#onScroll}
    >
      ${
        greeting && (exhausted || (!messages.length && this.#messages.received))
          ? html`<p part="greeting" class="greeting" dir="auto">${greeting}</p>`
          : nothing
      }
      ${
        !messages.length && this.#messages.received
          ? // A new conversation: nothing older to load, something to start with.
            greeting && !loading
            ? nothing
            : html`<p part="empty-conversation" class="empty">
                ${i18n.t(loading ? 'common.loading' : 'window.empty')}
              </p>`
          : exhausted
            ? nothing
            : html`<button
                part="load-older-button"
                class="older"
                aria-disabled=${loading}
                @click=${() => this.#loadOlder()}
              >
                ${i18n.t(loading ? 'window.loadingOlder' : 'window.loadOlder')}
              </button>`
      }
      <div class="spacer"></div>
      ${repeat(
        messages.slice(this.#window.start, this.#window.end),
        (m) => m.id,
        (m, i) => item(m, messages[this.#window.start + i - 1]),
      )}
      <div class="spacer end"></div>
    </div>`;
  }

  /** Sizes the spacers, measures what rendered, keeps the reader's place and watches what is seen. */
  afterRender(): void {
    const id = this.#ctx.conversationId();
    const messages = this.#messages.value;
    const log = this.#log;
    const end = log?.querySelector<HTMLElement>('.end');
    if (log && end) {
      const [top] = log.getElementsByClassName('spacer') as HTMLCollectionOf<HTMLElement>;
      top!.style.height = `${this.#window.before}px`;
      end.style.height = `${this.#window.after}px`;
      const resized = this.#window.measure(this.#itemStarts(), end);
      const anchor =
        this.#anchor && log.querySelector<HTMLElement>(`[data-id="${this.#anchor.id}"]`);
      if (this.#stick) log.scrollTop = log.scrollHeight;
      else if (anchor) log.scrollTop = anchor.offsetTop - this.#anchor!.offset;
      // Estimated heights replaced by measured ones: lay out again. Only a window whose edges move
      // needs another render, and that waits for the next frame rather than being requested from
      // inside this update (what the reader sees is already anchored; the overscan covers the
      // frame between). It converges as heights stick; the cap keeps content that keeps resizing
      // (a loading image) from re-rendering in a loop.
      this.#passes = resized ? this.#passes + 1 : 0;
      if (resized && this.#passes < 4) {
        const { start, end } = this.#window;
        this.#place(messages, log.scrollTop - this.#spacerTop(log), log.clientHeight);
        if (start !== this.#window.start || end !== this.#window.end) {
          this.#remeasureFrame = requestAnimationFrame(() => {
            this.#remeasureFrame = 0;
            this.#ctx.host.requestUpdate();
          });
        } else {
          this.#passes = 0;
        }
      }
      this.#observeBubbles(log);
    }
    if (messages !== this.#renderedMessages || id !== this.#renderedConversation) {
      this.forceScroll = false;
      this.#renderedMessages = messages;
      if (id !== this.#renderedConversation) this.#seenId = '';
      this.#renderedConversation = id;
    }
    // Announcing the whole history on opening a conversation would drown the reader; new messages
    // are announced once it shows (a render later, so the history is not part of the change).
    if (this.#messages.received && this.#live !== id) {
      void this.#ctx.host.updateComplete.then(() => {
        if (this.#live === id) return;
        this.#live = id;
        this.#ctx.host.requestUpdate();
      });
    }
  }

  #bubbles(): HTMLElement[] {
    return [...(this.#log?.getElementsByClassName('msg') ?? [])] as HTMLElement[];
  }

  /** Where each rendered message starts: its day separator when it has one, else its bubble. */
  #itemStarts(): HTMLElement[] {
    return this.#bubbles().map((bubble) => {
      const before = bubble.previousElementSibling as HTMLElement | null;
      return before?.dataset.dayOf === bubble.dataset.id ? before! : bubble;
    });
  }

  #spacerTop(log: HTMLElement): number {
    return (log.getElementsByClassName('spacer')[0] as HTMLElement).offsetTop;
  }

  /** Watches the peer's bubbles on screen, to acknowledge as read only what was seen. */
  #observeBubbles(log: HTMLElement): void {
    if (typeof IntersectionObserver === 'undefined') return;
    if (this.#bubbleObserver?.root !== log) {
      this.#bubbleObserver?.disconnect();
      this.#onScreen.clear();
      this.#bubbleObserver = new IntersectionObserver(
        (entries) => {
          for (const e of entries) {
            if (e.isIntersecting) this.#onScreen.add(e.target);
            else this.#onScreen.delete(e.target);
          }
          this.#ackSeen();
        },
        { root: log, threshold: 0.5 },
      );
    }
    for (const el of this.#onScreen) if (!el.isConnected) this.#onScreen.delete(el);
    for (const el of log.querySelectorAll('.other')) this.#bubbleObserver.observe(el);
  }

  /** Acknowledges the newest peer message on screen, while the page and the window are visible. */
  #ackSeen(): void {
    const store = this.#ctx.store();
    const id = this.#ctx.conversationId();
    if (!store || !id || !this.#visible || document.visibilityState !== 'visible') return;
    const messages = this.#messages.value;
    let newest = -1;
    for (const el of this.#onScreen) {
      const i = messages.findIndex((m) => m.id === (el as HTMLElement).dataset.id);
      if (i > newest) newest = i;
    }
    const seen = messages[newest];
    const last = messages.findIndex((m) => m.id === this.#seenId);
    if (!seen || newest <= last) return;
    this.#seenId = seen.id;
    store.markSeen(id, seen.id).catch(() => (this.#seenId = ''));
  }

  readonly #onScroll = (): void => {
    this.#loadOlderNearTop();
    this.#ctx.host.requestUpdate();
  };

  /**
   * Pages older messages in while the reader is near the top: on scrolling, and again after a
   * page that did not push the top out of reach (a short page, a conversation shorter than the
   * window), since then no scroll event would come.
   */
  #loadOlderNearTop(): void {
    const log = this.#log;
    const { exhausted } = this.#history.value;
    if (log && log.scrollTop < TOP_SLACK && this.#history.received && !exhausted) {
      if (!this.#loadingOlder) void this.#loadOlder();
    }
  }

  async #loadOlder(): Promise<void> {
    const store = this.#ctx.store();
    const id = this.#ctx.conversationId();
    // A press while a page loads is not dropped: the store runs the pages one after the other.
    if (!store || !id) return;
    this.#loadingOlder = true;
    let added = 0;
    try {
      ({ added } = await store.loadOlder(id));
    } catch (error) {
      this.#ctx.fail(error);
    } finally {
      this.#loadingOlder = false;
    }
    await this.#ctx.host.updateComplete;
    // Only after progress: a page that brought nothing (offline) must not retry in a loop.
    if (added) this.#loadOlderNearTop();
  }

  /**
   * Shows the message of server id `mid` (a reply's quote): paging older messages in until it is
   * there (or the start is reached), then scrolling to it and focusing it.
   */
  async jumpTo(mid: string): Promise<void> {
    const { host, i18n } = this.#ctx;
    const store = this.#ctx.store();
    const id = this.#ctx.conversationId();
    if (!store || !id) return;
    const find = () => this.#messages.value.findIndex((m) => m.mid === mid || m.id === mid);
    for (let pages = 0; find() < 0 && pages < 20; pages++) {
      try {
        const { exhausted } = await store.loadOlder(id);
        await host.updateComplete;
        if (exhausted && find() < 0) break;
      } catch (error) {
        this.#ctx.fail(error);
        return;
      }
    }
    const index = find();
    const log = this.#log;
    if (index < 0 || !log) {
      this.#ctx.fail(i18n.t('window.quoteGone'));
      return;
    }
    const target = this.#messages.value[index]!;
    log.scrollTop = this.#spacerTop(log) + this.#window.top(index) - log.clientHeight / 3;
    host.requestUpdate();
    await host.updateComplete;
    const bubble = log.querySelector<HTMLElement>(`[data-id="${CSS.escape(target.id)}"]`);
    if (!bubble) return;
    bubble.scrollIntoView({ block: 'center' });
    bubble.tabIndex = -1;
    bubble.focus({ preventScroll: true });
    bubble.classList.add('jumped');
    bubble.addEventListener('animationend', () => bubble.classList.remove('jumped'), {
      once: true,
    });
  }
}
