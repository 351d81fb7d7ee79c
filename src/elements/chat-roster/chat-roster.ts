import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import { repeat } from 'lit/directives/repeat.js';
import type {
  ContactRequest,
  Conversation,
  GroupInvitation,
  JoinRequest,
} from '../../store/index.js';
import { GuestPrefix, VisitorExt } from '../../protocol/index.js';
import { LazyElementController } from '../controllers/lazy-element-controller.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatConversationSelectEvent } from '../events/chat-conversation-select-event.js';
import { tabForKey } from '../tab-keys.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import { messagePreview } from '../message-preview.js';
import { formatTime } from '../time-format.js';
import { styles } from './chat-roster.styles.js';

export type RosterTab = 'chats' | 'contacts' | 'groups' | 'rooms';
const tabs: readonly RosterTab[] = ['chats', 'contacts', 'groups', 'rooms'];
const tabNames = {
  chats: 'roster.chats',
  contacts: 'roster.contacts',
  groups: 'roster.groups',
  rooms: 'roster.rooms',
} as const;

// The panels' parts, re-exported under the same names.
const panelParts =
  'add-contact-button, add-form, send-request-button, request-list, accept-button, decline-button, contact-list, contact, presence, block-button, remove-button, outgoing-list, blocked-list, unblock-button, confirm-dialog, cancel-button, confirm-button, create-group-button, create-form, create-button, browse-button, public-list, join-button, more-button, invitation-list, join-request-list, group-list, group, room-list, room, leave-button, input, error';

/**
 * The signed-in user's conversations, contacts, groups and rooms, on four tabs (the WAI-ARIA tab
 * pattern: arrow keys, Home and End move between them), each tab with its count: unread messages,
 * friend requests, group invitations and applications.
 *
 * "Chats" lists the conversations, newest first: each a button with the name, the last message,
 * its time and the unread count; below, a form starts a chat with anyone by username. The other
 * tabs hold `<chat-contacts>`, `<chat-groups>` and `<chat-rooms>`, whose parts are re-exported;
 * each is loaded the first time its tab is shown ("Loading…" meanwhile), so a visitor who only
 * chats never downloads them.
 * Choosing any conversation makes it the store's active one, which `<chat-window>` shows. Beside
 * each, × deletes it with its messages for me (on all my devices; the others keep theirs), after
 * asking; the dialog is a chunk loaded the first time.
 *
 * Inside `<chat-widget>` it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary The list of conversations, and "start a chat".
 *
 * @fires {ChatConversationSelectEvent} chat-conversation-select - The user opened a conversation.
 *
 * @csspart tabs - The tab list.
 * @csspart tab - Each tab; the selected one has `aria-selected="true"`.
 * @csspart tab-count - A tab's count (unread messages, pending requests).
 * @csspart conversation-list - The list of conversations.
 * @csspart conversation - Each conversation's button; the active one has `aria-current="true"`.
 * @csspart visitor-mail - Under a conversation with a visitor: the e-mail they left (`<chat-visitor-info>`).
 * @csspart visitor-page - Under a conversation with a visitor: the page they wrote from first.
 * @csspart badge - A conversation's unread count.
 * @csspart delete-button - Each conversation's "Delete conversation" button: it asks first, in a
 *   `confirm-dialog` with `cancel-button` and `confirm-button`.
 * @csspart loading - "Loading…", while a tab's panel loads the first time.
 * @csspart empty - The text shown when there is no conversation yet.
 * @csspart start-form - The "start a chat" form.
 * @csspart label - The label of its username field.
 * @csspart input - Its username field.
 * @csspart start-button - Its "Open chat" button.
 * @csspart error - The alert region holding the last error, empty when there is none (and the
 *   panels' errors).
 * @csspart add-contact-button - From `<chat-contacts>`, as are `add-form`, `send-request-button`,
 *   `request-list`, `accept-button`, `decline-button`, `contact-list`, `contact`, `presence`,
 *   `block-button`, `remove-button`, `outgoing-list`, `blocked-list`, `unblock-button`,
 *   `confirm-dialog`, `cancel-button`, `confirm-button`.
 * @csspart create-group-button - From `<chat-groups>`, as are `create-form`, `create-button`,
 *   `browse-button`, `public-list`, `join-button`, `more-button`, `invitation-list`,
 *   `join-request-list`, `group-list`, `group`.
 * @csspart room-list - From `<chat-rooms>`, as are `room` and `leave-button`.
 *
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=14px] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Last message and time.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Hovered and active conversation.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators and field borders.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Unread badge and main button.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text on the accent colour.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Error text.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=12px] - Corner radius (controls use half).
 * @cssproperty [--chat-spacing=8px] - Spacing unit.
 */
@customElement('chat-roster')
export class ChatRoster extends LitElement {
  static override styles = [themeStyles, styles];

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

  /** The tab shown: `chats`, `contacts`, `groups` or `rooms`. */
  @property({ reflect: true }) tab: RosterTab = 'chats';

  @state() private error = '';

  private readonly stores = new StoreController(this);
  private readonly conversations = new ObservableController<Conversation[]>(this, []);
  private readonly active = new ObservableController<string | null>(this, null);
  private readonly requests = new ObservableController<ContactRequest[]>(this, []);
  private readonly invitations = new ObservableController<GroupInvitation[]>(this, []);
  private readonly joinRequests = new ObservableController<JoinRequest[]>(this, []);
  /** The other tabs' panels, loaded when first shown. */
  private readonly panels: Record<Exclude<RosterTab, 'chats'>, LazyElementController> = {
    contacts: new LazyElementController(
      this,
      'chat-contacts',
      () => import('../chat-contacts/chat-contacts.js'),
    ),
    groups: new LazyElementController(
      this,
      'chat-groups',
      () => import('../chat-groups/chat-groups.js'),
    ),
    rooms: new LazyElementController(
      this,
      'chat-rooms',
      () => import('../chat-rooms/chat-rooms.js'),
    ),
  };
  /** Who wrote the last message of a group or room, for its preview. */
  private readonly names = new DisplayNameController(this);
  /** Members seen writing from a site's page: their conversations keep `<chat-visitor-info>`. */
  #visitors = new Set<string>();
  /** `<chat-visitor-info>`, loaded with the first conversation with a site's visitor (issue 9). */
  private readonly visitorInfo = new LazyElementController(
    this,
    'chat-visitor-info',
    () => import('../chat-visitor-info/chat-visitor-info.js'),
  );

  /**
   * On "Chats", focuses the open (else the first) conversation, or the username field when there is
   * none; on another tab, the tab.
   */
  override focus(options?: FocusOptions): void {
    const root = this.renderRoot;
    (this.tab === 'chats'
      ? (root.querySelector<HTMLElement>('[aria-current="true"]') ??
        root.querySelector<HTMLElement>('.item, #peer'))
      : root.querySelector<HTMLElement>('[aria-selected="true"]')
    )?.focus(options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const store = this.stores.store;
    this.conversations.observe([store], () => store?.conversations$);
    this.active.observe([store], () => store?.activeConversation$);
    this.names.track(
      store,
      this.conversations.value.flatMap((c) =>
        c.chatType !== 'singleChat' && c.lastMessage ? [c.lastMessage.from] : [],
      ),
    );
    this.requests.observe([store], () => store?.contactRequests$);
    this.invitations.observe([store], () => store?.groupInvitations$);
    this.joinRequests.observe([store], () => store?.joinRequests$);
    if (changed.has('tab') && !tabs.includes(this.tab)) this.tab = 'chats';
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const unread = this.conversations.value.reduce((sum, c) => sum + c.unread, 0);
    const requests = this.requests.value.filter((r) => r.direction === 'incoming').length;
    const answers = this.invitations.value.length + this.joinRequests.value.length;
    const counts: Record<RosterTab, [number, string]> = {
      chats: [unread, this.i18n.t('common.unread', { count: unread })],
      contacts: [requests, this.i18n.t('roster.requests', { count: requests })],
      groups: [answers, this.i18n.t('roster.waiting', { count: answers })],
      rooms: [0, ''],
    };
    const theme = this.theme ?? nothing;
    // Alone (no widget around), the panels find the store the roster was given.
    const appKey = this.appKey || nothing;
    const apiUrl = this.apiUrl || nothing;
    return html`
      <div
        part="tabs"
        role="tablist"
        aria-label=${this.i18n.t('roster.lists')}
        @keydown=${this.onTabKey}
      >
        ${tabs.map((t) => {
          const [count, label] = counts[t];
          return html`<button
            part="tab"
            role="tab"
            type="button"
            id="tab-${t}"
            aria-selected=${this.tab === t}
            aria-controls="panel"
            tabindex=${this.tab === t ? 0 : -1}
            @click=${() => this.showTab(t)}
          >
            ${this.i18n.t(tabNames[t])}${
              count
                ? html` <span part="tab-count" class="count" aria-hidden="true"
                      >${this.i18n.number(count)}</span
                    ><span class="sr-only">, ${label}</span>`
                : nothing
            }
          </button>`;
        })}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}" class="panel">
        ${
          this.tab === 'contacts'
            ? this.panels.contacts.render(
                this.i18n,
                () =>
                  html`<chat-contacts
                    exportparts=${panelParts}
                    theme=${theme}
                    app-key=${appKey}
                    api-url=${apiUrl}
                  ></chat-contacts>`,
              )
            : this.tab === 'groups'
              ? this.panels.groups.render(
                  this.i18n,
                  () =>
                    html`<chat-groups
                      exportparts=${panelParts}
                      theme=${theme}
                      app-key=${appKey}
                      api-url=${apiUrl}
                    ></chat-groups>`,
                )
              : this.tab === 'rooms'
                ? this.panels.rooms.render(
                    this.i18n,
                    () =>
                      html`<chat-rooms
                        exportparts=${panelParts}
                        theme=${theme}
                        app-key=${appKey}
                        api-url=${apiUrl}
                      ></chat-rooms>`,
                  )
                : this.chats()
        }
      </div>
    `;
  }

  private chats() {
    const conversations = this.conversations.value;
    return html`
      ${
        conversations.length
          ? html`<ul part="conversation-list" aria-label=${this.i18n.t('roster.conversations')}>
              ${repeat(
                conversations,
                (c) => c.id,
                (c) =>
                  html`<li>
                    ${this.item(c)}<button
                      part="delete-button"
                      class="delete inset-focus"
                      aria-label=${this.i18n.t('roster.deleteWith', { name: c.name })}
                      @click=${() => this.askDelete(c)}
                    >
                      ×
                    </button>
                  </li>`,
              )}
            </ul>`
          : html`<p part="empty" class="empty">${this.i18n.t('roster.noConversations')}</p>`
      }
      <form part="start-form" @submit=${this.onStart}>
        <label part="label" for="peer">${this.i18n.t('roster.startWith')}</label>
        <input
          part="input"
          id="peer"
          name="peer"
          placeholder=${this.i18n.t('roster.usernamePlaceholder')}
          autocapitalize="none"
          autocomplete="off"
          spellcheck="false"
          maxlength="64"
          required
        />
        <button part="start-button" type="submit">${this.i18n.t('roster.openChat')}</button>
        <p part="error" class="alert" role="alert">${this.error}</p>
      </form>
    `;
  }

  private item(c: Conversation) {
    const last = c.lastMessage;
    const own = last && last.status !== 'received';
    const text = last ? messagePreview(last, !!own, this.i18n) : '';
    const preview =
      !last || last.recalled
        ? text
        : own
          ? this.i18n.t('preview.byYou', { text })
          : c.chatType === 'singleChat'
            ? text
            : this.i18n.t('preview.by', { name: this.names.get(last.from), text });
    return html`<button
      part="conversation"
      class="item inset-focus ${c.unread ? 'unread' : ''}"
      aria-current=${c.id === this.active.value ? 'true' : nothing}
      @click=${() => this.select(c.id, c.chatType)}
    >
      <bdi class="name">${c.name}</bdi>
      <time datetime=${new Date(c.updatedAt).toISOString()}
        >${formatTime(c.updatedAt, this.i18n.locale)}</time
      >
      <span class="last" dir="auto">${preview}</span>
      ${
        // A guest, or a member who wrote from a site's page (issue 9; kept when they write again).
        c.chatType === 'singleChat' &&
        (c.id.startsWith(GuestPrefix) ||
          (c.lastMessage?.ext?.[VisitorExt.page] && this.#visitors.add(c.id)) ||
          this.#visitors.has(c.id)) &&
        // Upgraded once its chunk has loaded; until then (or if it fails) the row is without it.
        (this.visitorInfo.ready() || true)
          ? html`<chat-visitor-info
              class="visitor"
              username=${c.id}
              app-key=${this.appKey || nothing}
              api-url=${this.apiUrl || nothing}
              exportparts="visitor-mail, visitor-page"
            ></chat-visitor-info>`
          : nothing
      }
      ${
        c.unread
          ? html`<span part="badge" aria-hidden="true">${this.i18n.number(c.unread)}</span
              ><span class="sr-only">${this.i18n.t('common.unread', { count: c.unread })}</span>`
          : nothing
      }
    </button>`;
  }

  private async select(conversationId: string, chatType?: Conversation['chatType']) {
    const store = this.stores.store;
    if (!store) return;
    this.error = '';
    try {
      await store.openConversation(conversationId, chatType);
      // The store normalizes the name (`Bob` is `bob`); the event names what is open.
      const selected = new ChatConversationSelectEvent(
        this.active.value ?? conversationId,
        chatType,
      );
      this.dispatchEvent(selected);
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
    }
  }

  /** Asks, then deletes `c` with its messages: a dialog in a chunk, loaded when first asked for. */
  private askDelete(c: Conversation) {
    import('./conversation-delete.js').then(
      (d) => d.confirmDelete(this, this.i18n, this.stores.store!, c),
      (error: unknown) => (this.error = errorMessage(error, this.i18n)),
    );
  }

  // Tabs follow the ARIA pattern: one tab stop, arrows move between tabs.
  /** Shows tab `t`; a panel that failed to load tries again. */
  private showTab(t: RosterTab): void {
    this.tab = t;
    if (t !== 'chats') this.panels[t].retry();
  }

  private async onTabKey(event: KeyboardEvent): Promise<void> {
    const to = tabForKey(event.key, tabs, this.tab);
    if (!to) return;
    event.preventDefault();
    this.showTab(to);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${to}`)?.focus();
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
