import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Conversation } from '../../store/index.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatConversationSelectEvent } from '../events/chat-conversation-select-event.js';
import { themeStyles } from '../theme.styles.js';
import { messagePreview } from '../message-preview.js';
import { formatTime } from '../time-format.js';
import { unreadLabel } from '../unread-label.js';
import { styles } from './chat-roster.styles.js';

/**
 * The signed-in user's conversations, newest first: each a button with the peer's name, the last
 * message, its time and the unread count. Below, a form starts a chat with anyone by username.
 * Choosing a conversation makes it the store's active one, which `<chat-window>` shows.
 *
 * Inside `<chat-widget>` it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary The list of conversations, and "start a chat".
 *
 * @fires {ChatConversationSelectEvent} chat-conversation-select - The user opened a conversation.
 *
 * @csspart conversation-list - The list of conversations.
 * @csspart conversation - Each conversation's button; the active one has `aria-current="true"`.
 * @csspart badge - A conversation's unread count.
 * @csspart empty - The text shown when there is no conversation yet.
 * @csspart start-form - The "start a chat" form.
 * @csspart label - The label of its username field.
 * @csspart input - Its username field.
 * @csspart start-button - Its "Open chat" button.
 * @csspart error - The alert region holding the last error, empty when there is none.
 *
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=0.875rem] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Last message and time.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Hovered and active conversation.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators and field borders.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Unread badge and main button.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text on the accent colour.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Error text.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=0.75rem] - Corner radius (controls use half).
 * @cssproperty [--chat-spacing=0.5rem] - Spacing unit.
 */
@customElement('chat-roster')
export class ChatRoster extends LitElement {
  static override styles = [themeStyles, styles];

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private error = '';

  private readonly stores = new StoreController(this);
  private readonly conversations = new ObservableController<Conversation[]>(this, []);
  private readonly active = new ObservableController<string | null>(this, null);

  /** Focuses the open (else the first) conversation, or the username field when there is none. */
  override focus(options?: FocusOptions): void {
    const root = this.renderRoot;
    (
      root.querySelector<HTMLElement>('[aria-current="true"]') ??
      root.querySelector<HTMLElement>('.item, input')
    )?.focus(options);
  }

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.conversations.observe([store], () => store?.conversations$);
    this.active.observe([store], () => store?.activeConversation$);
  }

  protected override render() {
    const conversations = this.conversations.value;
    return html`
      ${
        conversations.length
          ? html`<ul part="conversation-list" aria-label="Conversations">
              ${repeat(
                conversations,
                (c) => c.id,
                (c) => html`<li>${this.item(c)}</li>`,
              )}
            </ul>`
          : html`<p part="empty" class="empty">No conversations yet. Start one below.</p>`
      }
      <form part="start-form" @submit=${this.onStart}>
        <label part="label" for="peer">Start a chat with</label>
        <input
          part="input"
          id="peer"
          name="peer"
          placeholder="username"
          autocapitalize="none"
          autocomplete="off"
          spellcheck="false"
          maxlength="64"
          required
        />
        <button part="start-button" type="submit">Open chat</button>
        <p part="error" class="alert" role="alert">${this.error}</p>
      </form>
    `;
  }

  private item(c: Conversation) {
    const last = c.lastMessage;
    const own = last && last.status !== 'received';
    return html`<button
      part="conversation"
      class="item inset-focus ${c.unread ? 'unread' : ''}"
      aria-current=${c.id === this.active.value ? 'true' : nothing}
      @click=${() => this.select(c.id)}
    >
      <span class="name">${c.name}</span>
      <time datetime=${new Date(c.updatedAt).toISOString()}>${formatTime(c.updatedAt)}</time>
      <span class="last"
        >${last ? `${own && !last.recalled ? 'You: ' : ''}${messagePreview(last, !!own)}` : ''}</span
      >
      ${
        c.unread
          ? html`<span part="badge" aria-hidden="true">${c.unread}</span
              ><span class="sr-only">${unreadLabel(c.unread)}</span>`
          : nothing
      }
    </button>`;
  }

  private async select(conversationId: string): Promise<void> {
    const store = this.stores.store;
    if (!store) return;
    this.error = '';
    try {
      await store.openConversation(conversationId);
      // The store normalizes the name (`Bob` is `bob`); the event names what is open.
      const selected = new ChatConversationSelectEvent(this.active.value ?? conversationId);
      this.dispatchEvent(selected);
    } catch (error) {
      this.error = errorMessage(error);
    }
  }

  private async onStart(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const peer = String(new FormData(form).get('peer') ?? '').trim();
    if (!peer) return;
    await this.select(peer);
    if (!this.error) form.reset();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-roster': ChatRoster;
  }
}
