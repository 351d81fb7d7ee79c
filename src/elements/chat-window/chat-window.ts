import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import { repeat } from 'lit/directives/repeat.js';
import type {
  ChatMessage,
  ConnectionStatus,
  Conversation,
  CurrentUser,
} from '../../store/index.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatSendEvent } from '../events/chat-send-event.js';
import { themeStyles } from '../theme.styles.js';
import { formatTime } from '../time-format.js';
import { styles } from './chat-window.styles.js';

const statusLabels: Record<ConnectionStatus, string> = {
  'signed-out': 'Signed out',
  connecting: 'Connecting…',
  online: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline: messages will be sent when the connection is back',
};

/** How close to the bottom (px) still counts as "at the bottom" for autoscroll. */
const BOTTOM_SLACK = 32;

/**
 * One conversation: a header with the peer's name and the connection's state, the messages as a
 * live log (own messages show pending, sent, or failed with a "Retry" button), and a composer where
 * Enter sends and Shift+Enter starts a new line. New messages scroll into view when the reader is
 * already at the bottom, and mark the conversation read while the window is visible.
 *
 * Message text is rendered through Lit text bindings only, so markup in a message shows as text:
 * this is what keeps a message from running script in the page.
 *
 * Inside `<chat-widget>` it uses the widget's store; alone, it needs `app-key`. Without a
 * `conversation` it shows the store's active conversation (the one chosen in `<chat-roster>`).
 *
 * The host carries a `status` attribute with the connection status (`signed-out`, `connecting`,
 * `online`, `reconnecting`, `offline`) for styling, e.g. `chat-window[status='offline']`.
 *
 * @summary A conversation: messages and a composer.
 *
 * @fires {ChatSendEvent} chat-send - The user sent a message; it is queued, status `pending`.
 *
 * @csspart header - The header: the peer's name and the connection status.
 * @csspart title - The peer's name.
 * @csspart status - The connection status text (a polite live region).
 * @csspart message-list - The message log (`role="log"`); it announces new messages politely, not
 *   the history shown on opening a conversation.
 * @csspart message - Each message bubble; own ones also have `message-own`, others `message-other`.
 * @csspart message-own - A message the user sent.
 * @csspart message-other - A message the user received.
 * @csspart message-text - A message's text.
 * @csspart message-meta - A message's time and, for own messages, its delivery state.
 * @csspart retry-button - The "Retry" button of a message that failed to send.
 * @csspart composer - The form holding the message field and the send button.
 * @csspart input - The message field.
 * @csspart send-button - The "Send" button.
 * @csspart error - The alert region for a send that could not even be queued.
 * @csspart empty - The text shown when there is no conversation or no user.
 *
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=0.875rem] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Times and status.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Received message bubbles.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators and field borders.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Own message bubbles, send button.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text on own bubbles.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Failed messages, offline status.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=0.75rem] - Bubble corner radius (controls use half).
 * @cssproperty [--chat-spacing=0.5rem] - Spacing unit.
 */
@customElement('chat-window')
export class ChatWindow extends LitElement {
  static override styles = [themeStyles, styles];

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The conversation to show (the peer's username); by default the store's active one. */
  @property() conversation = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private error = '';
  @state() private visible = false;
  /** The conversation whose history is on screen: only from then on does its log announce. */
  @state() private live = '';
  @query('[role="log"]') private log?: HTMLElement;
  @query('textarea') private input?: HTMLTextAreaElement;

  private readonly stores = new StoreController(this);
  private readonly status = new ObservableController<ConnectionStatus>(this, 'signed-out');
  private readonly user = new ObservableController<CurrentUser | null>(this, null);
  private readonly active = new ObservableController<string | null>(this, null);
  private readonly conversations = new ObservableController<Conversation[]>(this, []);
  private readonly messages = new ObservableController<ChatMessage[]>(this, []);

  private renderedMessages: ChatMessage[] = [];
  private renderedConversation = '';
  private atBottom = true;
  private forceScroll = false;
  private markingRead = false;
  private readonly observer =
    typeof IntersectionObserver === 'undefined'
      ? undefined
      : new IntersectionObserver(([entry]) => (this.visible = !!entry?.isIntersecting));
  private readonly onVisibilityChange = () => this.requestUpdate();

  /** The conversation shown: `conversation`, else the store's active one, else none (''). */
  get conversationId(): string {
    return this.conversation || this.active.value || '';
  }

  /** Focuses the message field. */
  override focus(options?: FocusOptions): void {
    this.input?.focus(options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Read only while the reader can see it: not in a closed widget, not in a background tab.
    this.observer?.observe(this);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
  }

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.status.observe([store], () => store?.status$);
    this.user.observe([store], () => store?.user$);
    this.active.observe([store], () => store?.activeConversation$);
    this.conversations.observe([store], () => store?.conversations$);
    const id = this.conversationId;
    this.messages.observe([store, id], () => (store && id ? store.messages$(id) : undefined));
    // Measured before the new messages render: a reader scrolled up to read history stays put.
    const log = this.log;
    this.atBottom = !log || log.scrollHeight - log.scrollTop - log.clientHeight < BOTTOM_SLACK;
  }

  protected override render() {
    const id = this.conversationId;
    if (!this.user.value || !id) {
      return html`<p part="empty" class="empty">
        ${this.user.value ? 'Choose a conversation to start chatting.' : 'Log in to chat.'}
      </p>`;
    }
    const name = this.conversations.value.find((c) => c.id === id)?.name || id;
    return html`
      <div part="header" class="header">
        <h2 part="title">${name}</h2>
        <span part="status" role="status">${statusLabels[this.status.value]}</span>
      </div>
      <div
        part="message-list"
        class="inset-focus"
        role="log"
        aria-live=${this.live === id ? 'polite' : 'off'}
        aria-relevant="additions"
        aria-label="Messages with ${name}"
        tabindex="0"
      >
        ${repeat(
          this.messages.value,
          (m) => m.id,
          (m) => this.message(m, name),
        )}
      </div>
      <form part="composer" @submit=${this.onSubmit}>
        <textarea
          part="input"
          aria-label="Message"
          placeholder="Write a message…"
          rows="1"
          @keydown=${this.onKeydown}
        ></textarea>
        <button part="send-button" class="primary" type="submit">Send</button>
        <p part="error" class="alert" role="alert">${this.error}</p>
      </form>
    `;
  }

  private message(m: ChatMessage, peer: string) {
    const own = m.from === this.user.value?.username || m.status !== 'received';
    return html`<div
      part="message ${own ? 'message-own' : 'message-other'}"
      class="msg ${own ? 'own' : ''}"
      data-status=${m.status}
    >
      <span class="sr-only">${own ? 'You' : peer}:</span>
      <p part="message-text" class="text">${m.text}</p>
      <span part="message-meta" class="meta"
        ><time datetime=${new Date(m.time).toISOString()}>${formatTime(m.time, true)}</time>${
          own ? this.delivery(m) : nothing
        }</span
      >
    </div>`;
  }

  private delivery(m: ChatMessage) {
    switch (m.status) {
      case 'pending':
        return ' · Sending…';
      case 'sent':
        return ' · Sent';
      case 'failed':
        return html` ·
          <span class="failed">Not sent${m.error ? `: ${m.error}` : ''}</span>
          <button part="retry-button" @click=${() => this.retry(m.id)}>Retry</button>`;
      default:
        return nothing;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.setAttribute('status', this.status.value);
    const id = this.conversationId;
    const messages = this.messages.value;
    if (messages !== this.renderedMessages || id !== this.renderedConversation) {
      const log = this.log;
      if (log && (this.atBottom || this.forceScroll || id !== this.renderedConversation)) {
        log.scrollTop = log.scrollHeight;
      }
      this.forceScroll = false;
      this.renderedMessages = messages;
      this.renderedConversation = id;
    }
    // Announcing the whole history on opening a conversation would drown the reader; new messages
    // are announced once it shows (a render later, so the history is not part of the change).
    if (this.messages.received && this.live !== id) {
      void this.updateComplete.then(() => (this.live = id));
    }
    void this.markReadIfSeen(id);
  }

  private async markReadIfSeen(id: string): Promise<void> {
    const store = this.stores.store;
    const unread = this.conversations.value.find((c) => c.id === id)?.unread;
    if (!store || !unread || this.markingRead || !this.visible) return;
    if (document.visibilityState !== 'visible') return;
    this.markingRead = true;
    try {
      await store.markRead(id);
    } finally {
      this.markingRead = false;
    }
  }

  private onKeydown(event: KeyboardEvent): void {
    // Shift+Enter keeps the default (a new line); an IME composing text uses Enter to commit.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const store = this.stores.store;
    const input = this.input;
    const id = this.conversationId;
    const text = input?.value.trim() ?? '';
    if (!store || !input || !id || !text) return;
    // Cleared before the await so that typing on continues into an empty field.
    input.value = '';
    this.error = '';
    this.forceScroll = true;
    try {
      const message = await store.send(id, text);
      const sent = new ChatSendEvent(message);
      this.dispatchEvent(sent);
    } catch (error) {
      // Nothing was queued: give the text back rather than lose it.
      if (!input.value) input.value = text;
      this.error = errorMessage(error);
    }
  }

  private async retry(id: string): Promise<void> {
    const store = this.stores.store;
    if (!store) return;
    this.error = '';
    try {
      await store.retry(id);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-window': ChatWindow;
  }
}
