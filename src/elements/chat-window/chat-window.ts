import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import type {
  ChatMessage,
  ChatRoom,
  ConnectionStatus,
  Conversation,
  CurrentUser,
  Group,
  GroupMember,
  HistoryState,
} from '../../store/index.js';
import { DefaultAppLimits, type AppLimits, type ChatType, type Ext } from '../../protocol/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { LazyElementController } from '../controllers/lazy-element-controller.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import type { MessageKey } from '../locale/en.js';
import { styles } from './chat-window.styles.js';
import { messageActionStyles } from './message-actions.styles.js';
import { ComposeContext } from './compose-context.js';
import { Composer } from './composer.js';
import { MessageBubble } from './message-bubble.js';
import { MessageContent } from './message-content.js';
import { MessageLog } from './message-log.js';
import { MessageMenu } from './message-menu.js';
import { TypingController } from './typing-controller.js';
import type { WindowContext } from './window-context.js';

const statusLabels = {
  'signed-out': 'window.signedOut',
  connecting: 'window.connecting',
  online: 'window.online',
  reconnecting: 'window.reconnecting',
  offline: 'window.offline',
} as const satisfies Record<ConnectionStatus, MessageKey>;

/** Why no more messages come, in place of the composer. */
const leftNotices = {
  group: {
    left: 'window.groupLeft',
    removed: 'window.groupRemoved',
    disbanded: 'window.groupDisbanded',
  },
  room: {
    left: 'window.roomLeft',
    removed: 'window.roomRemoved',
    disbanded: 'window.roomClosed',
  },
} as const;

/**
 * `<chat-group-info>`'s parts the window re-exports under the same names (as `<chat-widget>` does
 * the window's); its `title` comes out as `group-title` (the window has one).
 */
export const infoParts =
  'description, announcement, announcement-button, announcement-form, all-muted-note, mute-all-button, member-list, member, nickname-button, nickname-form, manage-button, member-controls, kick-button, ban-button, mute-select, mute-button, unmute-button, admin-button, owner-button, banned-list, banned, unban-button, invite-form, invite-button, edit-button, edit-form, save-button, leave-button, disband-button, confirm-dialog, cancel-button, confirm-button, input, error';

const infoExports = `title: group-title, ${infoParts}`;

/**
 * One conversation: a header with the peer's name and the connection's state, the messages as a
 * live log, and a composer where Enter sends and Shift+Enter starts a new line.
 *
 * Messages render by kind: text, images (a thumbnail; the original is fetched only when opened,
 * in a dialog), audio and video (fetched when "Play" is pressed), files (name, size, download),
 * locations (address, coordinates, a link to OpenStreetMap) and custom messages (a small card);
 * recalled ones as a notice. Own messages show sending, sent, delivered or read, a "Retry" button
 * when they failed, and a "Recall" button within the app's recall window.
 *
 * Each message has a menu (its "Message actions" button, a long press on touch screens, or
 * Shift+F10 / the context-menu key inside it): Edit for an own text message (the field takes its
 * text; sending saves the edit, shown as "edited" everywhere), Reply (the reply quotes it, in the
 * 4.x UI kit's `ext.msgQuote`, and the quote above the reply jumps to it), Copy.
 *
 * Files are sent with the attach button, by dropping them on the window or by pasting them; images
 * get a thumbnail made in the browser first. Uploads show a progress bar and can be cancelled. Where
 * the browser allows it, a voice message can be recorded, and the current location shared.
 *
 * Only messages near the viewport are rendered, so a conversation of any length scrolls smoothly.
 * Scrolling to the top (or "Load older messages") pages older messages in, keeping the scroll
 * position. New messages scroll into view when the reader is already at the bottom. A peer's message
 * is acknowledged as read once it has been on screen while the page was visible.
 *
 * Message text is rendered through Lit text bindings only, so markup in a message shows as text:
 * this is what keeps a message from running script in the page. Links in it (http(s)://, www.,
 * e-mail addresses; no other scheme) are bound as `href` attributes of `<a>` elements.
 *
 * In a group or a chat room, each run of messages from one sender starts with the sender's name.
 * A group's header has "Group info", a joined room's "Room info" and "Leave": a dialog holding
 * `<chat-group-info>` (members, the announcement, and the owner's and admins' controls), loaded the
 * first time the dialog opens ("Loading…" meanwhile). A muted member sees why above the composer,
 * and so does everyone but the owner and admins while everyone is muted (a message refused for it
 * says so too). Once the user is no longer a member (removed,
 * left, the group disbanded, the room left or gone), a notice takes the composer's place.
 *
 * Inside `<chat-widget>` it uses the widget's store; alone, it needs `app-key`. Without a
 * `conversation` it shows the store's active conversation (the one chosen in `<chat-roster>`).
 *
 * The host carries a `status` attribute with the connection status (`signed-out`, `connecting`,
 * `online`, `reconnecting`, `offline`) for styling, e.g. `chat-window[status='offline']`, and
 * `dragging` while files are dragged over it.
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
 * @csspart load-older-button - "Load older messages", at the top of the log until the start is reached.
 * @csspart day-separator - "Today", "Yesterday" or the date, above each day's first message.
 * @csspart empty-conversation - What a conversation without messages shows in place of the log.
 * @csspart greeting - The `greeting` line, first in the log.
 * @csspart message - Each message bubble; own ones also have `message-own`, others `message-other`.
 * @csspart message-own - A message the user sent.
 * @csspart message-other - A message the user received.
 * @csspart message-text - A message's text, or the "recalled" notice.
 * @csspart link - A link in a message's text (http(s) and www. addresses, e-mail addresses); it
 *   opens in a new tab, with `rel="noopener noreferrer nofollow"`.
 * @csspart message-meta - A message's time and, for own messages, its delivery state.
 * @csspart receipt - An own message's state: sending, sent, delivered or read.
 * @csspart image-button - An image's thumbnail; it opens the larger view.
 * @csspart play-button - "Play" on an audio or video message: fetches it and shows the player.
 * @csspart player - The `<audio>` or `<video>` player.
 * @csspart card - A file, location or custom message's card.
 * @csspart download-button - A file card's "Download" button.
 * @csspart map-link - A location card's link to OpenStreetMap.
 * @csspart upload-progress - The `<progress>` of an attachment being uploaded.
 * @csspart cancel-button - Cancels an upload; in the confirm dialog, "Cancel".
 * @csspart retry-button - The "Retry" button of a message that failed to send.
 * @csspart recall-button - "Recall" on an own message within the recall window (shown on hover and focus).
 * @csspart menu-button - A message's "Message actions" button (shown on hover and focus; a long press
 *   on a touch screen, or Shift+F10 inside the message, opens the menu too).
 * @csspart message-menu - The open message's menu (`role="menu"`, a popover): quick reactions, then
 *   More reactions… (any emoji), Edit (own text messages), Reply, Copy, Report, Delete for me.
 * @csspart menu-item - Each item of the message menu.
 * @csspart confirm-dialog - "Delete for me" asks first in this dialog (`role="alertdialog"`), with
 *   `cancel-button` and `confirm-button`.
 * @csspart confirm-button - The dialog's "Delete for me".
 * @csspart quick-reaction - An emoji of the menu's quick row (`aria-checked` when I reacted with it).
 * @csspart reaction-picker - The popover holding the `<chat-emoji-picker>` of "More reactions…".
 * @csspart reactions - Under a message with reactions: its chips and "Who reacted".
 * @csspart reaction - A chip: an emoji and how many reacted with it (`aria-pressed` when I did);
 *   pressing it adds or takes back mine. A long press on a touch screen shows who reacted.
 * @csspart who-reacted-button - Opens the list of who reacted with what.
 * @csspart who-reacted - That list (a popover).
 * @csspart more-button - In that list, "+3": how many more reacted with an emoji than it names;
 *   pressing it names them (read from the server, 100 at a time).
 * @csspart quote - Above a reply: the message it quotes (the 4.x UI kit's `ext.msgQuote`); pressing
 *   it shows that message.
 * @csspart edited - "edited" beside the time of a message whose text was edited.
 * @csspart compose-context - Above the field while editing a message or replying to one.
 * @csspart compose-cancel-button - Ends the edit or the reply (Escape in the field does too).
 * @csspart viewer - The dialog showing an image at full size.
 * @csspart viewer-close-button - The viewer's close button.
 * @csspart typing - "… is typing" under the messages of a 1:1 conversation while the peer types
 *   (their `TypingBegin` / `TypingEnd` commands; this side sends the same while the field holds text).
 * @csspart composer - The form holding the message field and the buttons.
 * @csspart attach-button - "Attach a file".
 * @csspart record-button - "Record a voice message" / "Stop recording" (only where recording works).
 * @csspart location-button - "Share location" (only where the browser has geolocation).
 * @csspart emoji-button - "Emoji": opens and closes the emoji picker above the field (loaded then).
 * @csspart emoji-picker - The `<chat-emoji-picker>`: a pick goes in at the caret; Escape closes it.
 * @csspart emoji-picker-element - In the composer's picker and the reaction picker: the
 *   `<emoji-picker>` element (`<chat-emoji-picker>`'s `picker`); its own custom properties
 *   (`--num-columns`, `--emoji-size`, …) set here restyle it.
 * @csspart emoji-picker-loading - "Loading…" in a picker while its language loads (its `loading`).
 * @csspart input - The message field.
 * @csspart send-button - The "Send" button.
 * @csspart error - The alert region for an action that failed (a send not queued, a file refused).
 * @csspart empty - The text shown when there is no conversation or no user.
 * @csspart sender - The sender's name above their messages in a group or room.
 * @csspart group-info-button - "Group info" in a group's header, "Room info" in a joined room's.
 * @csspart group-dialog - The dialog holding `<chat-group-info>`, whose parts are re-exported
 *   (`member-list`, `member`, `manage-button`, `announcement`, `mute-all-button`, `banned-list`, …;
 *   each is listed below), its `title` as `group-title`.
 * @csspart close-button - The group dialog's close button.
 * @csspart leave-room-button - "Leave" in a room's header.
 * @csspart muted-banner - Why a muted member's messages are not sent, or that only admins may write.
 * @csspart left-notice - Shown instead of the composer once the user is no longer a member (with
 *   the `error` line below it, where a refusal of what is still offered, such as Delete for me, is said).
 *
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=14px] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Times and status.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Received message bubbles, cards.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators and field borders.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Own message bubbles, send button, drop zone.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text on own bubbles.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Failed messages, offline status.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=12px] - Bubble corner radius (controls use half).
 * @cssproperty [--chat-spacing=8px] - Spacing unit.
 */
@customElement('chat-window')
export class ChatWindow extends LitElement {
  static override styles = [themeStyles, styles, messageActionStyles];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'login.logIn': 'Entrer' } }`); a
   * tag the widget does not ship adds that locale. The elements inside follow it too.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  readonly #i18n = new LocaleController(this);

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The conversation to show (the peer's username); by default the store's active one. */
  @property() conversation = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /**
   * A line shown first in the conversation, as if the peer had said it, but never sent nor stored
   * (a site's "Hi! How can we help?"; `<chat-widget greeting>` sets it).
   */
  @property() greeting = '';

  /**
   * Ext that every text the user sends here carries (`<chat-widget to>` sets the page the visitor
   * is on, `VisitorExt` of the protocol, which the site's team sees). A function is asked at each
   * send, so the host decides at that moment, not at its last render.
   */
  @property({ attribute: false }) sendExt?: Ext | (() => Ext | undefined);

  /** Why the last action failed, in the composer's alert line. */
  @state() private error = '';
  /** Whether "Group info" was opened: `<chat-group-info>` is loaded then, not with the window. */
  @state() private infoShown = false;
  readonly #groupInfo = new LazyElementController(
    this,
    'chat-group-info',
    () => import('../chat-group-info/chat-group-info.js'),
  );
  /** The "Group info" button, given focus back when the dialog closes. */
  #opener?: HTMLElement | null;

  readonly #stores = new StoreController(this);
  readonly #status = new ObservableController<ConnectionStatus>(this, 'signed-out');
  readonly #user = new ObservableController<CurrentUser | null>(this, null);
  readonly #active = new ObservableController<string | null>(this, null);
  readonly #conversations = new ObservableController<Conversation[]>(this, []);
  readonly #messages = new ObservableController<ChatMessage[]>(this, []);
  readonly #history = new ObservableController<HistoryState>(this, {
    loading: false,
    exhausted: false,
  });
  readonly #groups = new ObservableController<Group[]>(this, []);
  readonly #rooms = new ObservableController<ChatRoom[]>(this, []);
  /**
   * The shown group's members, asked for so that the senders are named: the store knows the
   * nicknames of contacts and of the members of the groups it has fetched. (The Group info dialog
   * asked for them as a side effect when it was rendered with the window; it is loaded when opened.)
   */
  readonly #members = new ObservableController<GroupMember[]>(this, []);
  readonly #limits = new ObservableController<AppLimits>(this, DefaultAppLimits);
  readonly #names = new DisplayNameController(this);
  readonly #typing = new TypingController(this);
  readonly #compose: ComposeContext = new ComposeContext(
    this,
    this.#i18n,
    () => this.#composer.input ?? undefined,
  );
  readonly #actions = new ActionController(this, this.#i18n, 'textarea, [part="message-list"]');

  /** What the window's parts share of it. */
  readonly #ctx: WindowContext = {
    host: this,
    i18n: this.#i18n,
    store: () => this.#stores.store,
    conversationId: () => this.conversationId,
    fail: (error) => {
      this.error = typeof error === 'string' ? error : errorMessage(error, this.#i18n);
    },
  };
  readonly #menu = new MessageMenu({
    ctx: this.#ctx,
    compose: this.#compose,
    chatType: () => this.#chatType,
  });
  readonly #content = new MessageContent(this.#ctx);
  readonly #log = new MessageLog(this.#ctx, this.#messages, this.#history);
  readonly #bubble = new MessageBubble(this.#ctx, {
    menu: this.#menu,
    names: this.#names,
    content: this.#content,
    me: () => this.#user.value?.username,
    chatType: () => this.#chatType,
    limits: () => this.#limits.value,
    jumpTo: (mid) => void this.#log.jumpTo(mid),
  });
  readonly #composer: Composer = new Composer(this.#ctx, {
    compose: this.#compose,
    typing: this.#typing,
    names: this.#names,
    log: this.#log,
    chatType: () => this.#chatType,
    error: () => this.error,
  });

  /** The conversation shown: `conversation`, else the store's active one, else none (''). */
  get conversationId(): string {
    return this.conversation || this.#active.value || '';
  }

  /** The shown conversation's kind: from the conversation list, else from the groups and rooms. */
  get #chatType(): ChatType {
    const id = this.conversationId;
    return (
      this.#conversations.value.find((c) => c.id === id)?.chatType ??
      (this.#groups.value.some((g) => g.id === id)
        ? 'groupChat'
        : this.#rooms.value.some((r) => r.id === id)
          ? 'chatRoom'
          : 'singleChat')
    );
  }

  /** Focuses the message field. */
  override focus(options?: FocusOptions): void {
    this.#composer.input?.focus(options);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#log.connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#bubble.disconnect();
    this.#log.disconnect();
  }

  protected override willUpdate(): void {
    this.#log.cancelRemeasure();
    const store = this.#stores.store;
    this.#status.observe([store], () => store?.status$);
    this.#user.observe([store], () => store?.user$);
    this.#active.observe([store], () => store?.activeConversation$);
    this.#conversations.observe([store], () => store?.conversations$);
    this.#groups.observe([store], () => store?.groups$);
    this.#rooms.observe([store], () => store?.rooms$);
    this.#limits.observe([store], () => store?.limits$);
    const id = this.conversationId;
    this.#messages.observe([store, id], () => (store && id ? store.messages$(id) : undefined));
    this.#history.observe([store, id], () => (store && id ? store.history$(id) : undefined));
    const inGroup = this.#groups.value.some((g) => g.id === id);
    this.#members.observe([store, id, inGroup], () =>
      store && inGroup ? store.groupMembers$(id) : undefined,
    );
    const messages = this.#messages.value;
    this.#typing.observe(store, id);
    this.#typing.messages(messages);
    this.#names.track(store, this.#chatType === 'singleChat' ? [] : messages.map((m) => m.from));
    this.#content.trackUploads(store, messages);
    this.#log.beforeRender(messages, id);
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.#i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const id = this.conversationId;
    if (!this.#user.value || !id) {
      return html`<p part="empty" class="empty">
        ${this.#i18n.t(this.#user.value ? 'window.choose' : 'window.logIn')}
      </p>`;
    }
    const chatType = this.#chatType;
    const group = this.#groups.value.find((g) => g.id === id);
    const room = this.#rooms.value.find((r) => r.id === id);
    const conversation = this.#conversations.value.find((c) => c.id === id);
    // The store names a group's conversation by its id until it knows the group.
    const name = group?.name || room?.name || conversation?.name || id;
    // Only once the lists are known: a group not loaded yet is no reason to say "removed".
    const left =
      conversation?.membership ??
      (chatType === 'groupChat'
        ? this.#groups.received && !group
        : chatType === 'chatRoom' && this.#rooms.received && !room?.joined);
    // A group's or a joined room's info (one element, in one chunk), opened from the header.
    const info = group ? 'window.groupInfo' : room?.joined ? 'window.roomInfo' : undefined;
    return html`
      <div part="header" class="header">
        <h2 part="title"><bdi>${name}</bdi></h2>
        <span part="status" role="status">${this.#i18n.t(statusLabels[this.#status.value])}</span>
        ${
          info
            ? html`<button part="group-info-button" class="end-button" @click=${this.#openInfo}>
                ${this.#i18n.t(info)}
              </button>`
            : nothing
        }
        ${
          room?.joined
            ? html`<button
                part="leave-room-button"
                class="end-button"
                @click=${() => this.#actions.run('room', () => this.#stores.store!.leaveRoom(id))}
              >
                ${this.#i18n.t('rooms.leave')}
              </button>`
            : nothing
        }
      </div>
      ${this.#actions.alert('room')}
      ${this.#log.render(
        name,
        (m, previous) =>
          html`${this.#bubble.daySeparator(m, previous)}${this.#bubble.render(m, name, previous)}`,
        this.greeting,
      )}
      ${
        this.#typing.typing && chatType === 'singleChat'
          ? html`<p part="typing" class="typing" role="status">
              ${this.#i18n.t('window.typing', { name })}
            </p>`
          : nothing
      }
      ${
        left
          ? html`<p part="left-notice" class="banner">
                ${this.#i18n.t(leftNotices[chatType === 'groupChat' ? 'group' : 'room'][left === true ? 'left' : left])}
              </p>
              <p part="error" class="alert" role="alert">${this.error}</p>`
          : this.#composer.render(group ?? room)
      }
      ${
        info
          ? html`<dialog
              part="group-dialog"
              class="group"
              aria-label=${this.#i18n.t(info)}
              @close=${this.#closeInfo}
            >
              ${
                this.infoShown
                  ? this.#groupInfo.render(
                      this.#i18n,
                      () =>
                        html`<chat-group-info
                          exportparts=${infoExports}
                          group-id=${id}
                          chat-type=${chatType}
                          app-key=${this.appKey || nothing}
                          api-url=${this.apiUrl || nothing}
                          theme=${this.theme ?? nothing}
                        ></chat-group-info>`,
                    )
                  : nothing
              }
              <button part="close-button" @click=${this.#closeInfo}>
                ${this.#i18n.t('common.close')}
              </button>
            </dialog>`
          : nothing
      }
      ${this.#content.viewer()} ${this.#menu.render()}
    `;
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.#bubble.afterRender();
    this.setAttribute('status', this.#status.value);
    this.#log.afterRender();
  }

  #openInfo(event: Event): void {
    this.#opener = event.currentTarget as HTMLElement;
    this.infoShown = true;
    this.#groupInfo.retry();
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.group')?.showModal();
  }

  /** Closes the group dialog (its button, Escape) and gives focus back to "Group info". */
  #closeInfo(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog.group');
    if (dialog?.open) dialog.close();
    this.#opener?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-window': ChatWindow;
  }
}
