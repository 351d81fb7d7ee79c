import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
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
import { DefaultAppLimits, type AppLimits, type ChatType } from '../../protocol/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { LazyElementController } from '../controllers/lazy-element-controller.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { FileUrlController } from '../controllers/file-url-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { UploadProgressController } from '../controllers/upload-progress-controller.js';
import { VoiceRecorderController, canRecord } from '../controllers/voice-recorder-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatSendEvent } from '../events/chat-send-event.js';
import { attachIcon, locationIcon, microphoneIcon, stopIcon } from '../icons.js';
import { mutedNote } from '../muted-note.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import { formatTime } from '../time-format.js';
import type { MessageKey } from '../locale/en.js';
import { humanSize, prepareAttachment } from './attachment-preparation.js';
import { linkify } from './linkify.js';
import { styles } from './chat-window.styles.js';
import { messageActionStyles } from './message-actions.styles.js';
import { ComposeContext } from './compose-context.js';
import { editedLabel, quoteBlock } from './message-extras.js';
import { MessageMenu, type MenuAction } from './message-menu.js';
import { MessageWindow } from './message-window.js';
import { TypingController } from './typing-controller.js';

const statusLabels = {
  'signed-out': 'window.signedOut',
  connecting: 'window.connecting',
  online: 'window.online',
  reconnecting: 'window.reconnecting',
  offline: 'window.offline',
} as const satisfies Record<ConnectionStatus, MessageKey>;

/** How close to the bottom (px) still counts as "at the bottom" for autoscroll. */
const BOTTOM_SLACK = 32;
/** How close to the top (px) scrolling starts loading older messages. */
const TOP_SLACK = 200;

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

// `<chat-group-info>`'s parts, re-exported under the same names.
const infoParts =
  'member-list, member, manage-button, member-controls, kick-button, mute-select, mute-button, unmute-button, admin-button, owner-button, invite-form, invite-button, edit-button, edit-form, save-button, leave-button, disband-button, confirm-dialog, cancel-button, confirm-button, input, error';

const receiptLabels = {
  pending: 'window.sending',
  sent: 'window.sent',
  delivered: 'window.delivered',
  read: 'window.read',
} as const;

const duration = (s = 0) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;

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
 * A group's header has "Group info", a dialog holding `<chat-group-info>` (members, and the owner's
 * and admins' controls), loaded the first time the dialog opens ("Loading…" meanwhile); a room's
 * has "Leave". A member muted in the group sees why above the
 * composer (and a message refused for it says so). Once the user is no longer a member (removed,
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
 * @csspart cancel-button - Cancels an upload.
 * @csspart retry-button - The "Retry" button of a message that failed to send.
 * @csspart recall-button - "Recall" on an own message within the recall window (shown on hover and focus).
 * @csspart menu-button - A message's "Message actions" button (shown on hover and focus; a long press
 *   on a touch screen, or Shift+F10 inside the message, opens the menu too).
 * @csspart message-menu - The open message's menu (`role="menu"`, a popover): quick reactions, then
 *   Edit (own text messages), Reply, Copy.
 * @csspart menu-item - Each item of the message menu.
 * @csspart quick-reaction - An emoji of the menu's quick row (`aria-checked` when I reacted with it).
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
 * @csspart input - The message field.
 * @csspart send-button - The "Send" button.
 * @csspart error - The alert region for an action that failed (a send not queued, a file refused).
 * @csspart empty - The text shown when there is no conversation or no user.
 * @csspart sender - The sender's name above their messages in a group or room.
 * @csspart group-info-button - "Group info" in a group's header.
 * @csspart group-dialog - The dialog holding `<chat-group-info>`, whose parts are re-exported
 *   (`member-list`, `member`, `manage-button`, `member-controls`, `kick-button`, `mute-select`,
 *   `mute-button`, `unmute-button`, `admin-button`, `owner-button`, `invite-form`, `invite-button`,
 *   `edit-button`, `edit-form`, `save-button`, `leave-button`, `disband-button`, `confirm-dialog`,
 *   `confirm-button`).
 * @csspart close-button - The group dialog's close button.
 * @csspart leave-room-button - "Leave" in a room's header.
 * @csspart muted-banner - Why a muted member's messages are not sent.
 * @csspart left-notice - Shown instead of the composer once the user is no longer a member.
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

  private readonly i18n = new LocaleController(this);

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
  /** Whether "Group info" was opened: `<chat-group-info>` is loaded then, not with the window. */
  @state() private infoShown = false;
  private readonly groupInfo = new LazyElementController(
    this,
    'chat-group-info',
    () => import('../chat-group-info/chat-group-info.js'),
  );
  /** The image shown in the viewer: its name and, once fetched, its URL. */
  @state() private viewing?: { name: string; url?: string };
  @query('[role="log"]') private log?: HTMLElement;
  @query('textarea') private input?: HTMLTextAreaElement;
  @query('dialog') private viewer?: HTMLDialogElement;
  @query('.end') private end?: HTMLElement;

  private readonly stores = new StoreController(this);
  private readonly status = new ObservableController<ConnectionStatus>(this, 'signed-out');
  private readonly user = new ObservableController<CurrentUser | null>(this, null);
  private readonly active = new ObservableController<string | null>(this, null);
  private readonly conversations = new ObservableController<Conversation[]>(this, []);
  private readonly messages = new ObservableController<ChatMessage[]>(this, []);
  private readonly history = new ObservableController<HistoryState>(this, {
    loading: false,
    exhausted: false,
  });
  private readonly files = new FileUrlController(this);
  private readonly uploads = new UploadProgressController(this);
  private readonly recorder = new VoiceRecorderController(
    this,
    (file, seconds) => void this.sendFiles([file], seconds),
  );
  private readonly window = new MessageWindow();
  private readonly groups = new ObservableController<Group[]>(this, []);
  private readonly rooms = new ObservableController<ChatRoom[]>(this, []);
  /**
   * The shown group's members, asked for so that the senders are named: the store knows the
   * nicknames of contacts and of the members of the groups it has fetched. (The Group info dialog
   * asked for them as a side effect when it was rendered with the window; it is loaded when opened.)
   */
  private readonly members = new ObservableController<GroupMember[]>(this, []);
  /** When the earliest Recall button rendered last stops applying (ms since the epoch). */
  private nextRecallEnd = Infinity;
  private recallTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly limits = new ObservableController<AppLimits>(this, DefaultAppLimits);
  private readonly names = new DisplayNameController(this);
  private readonly typing = new TypingController(this);
  private readonly menu = new MessageMenu(this, this.i18n);
  private readonly compose = new ComposeContext(this, this.i18n, () => this.input);
  private readonly actions = new ActionController(
    this,
    this.i18n,
    'textarea, [part="message-list"]',
  );

  private renderedMessages: ChatMessage[] = [];
  private renderedConversation = '';
  private stick = true;
  private loadingOlder = false;
  private passes = 0;
  /** The frame that renders again with measured heights (see `updated`), 0 when none is due. */
  private remeasureFrame = 0;
  private forceScroll = false;
  /** The first bubble on screen and its distance below the log's top, kept across renders. */
  private anchor?: { id: string; offset: number };
  private opener?: HTMLElement | null;
  private readonly onScreen = new Set<Element>();
  private seenId = '';
  private readonly observer =
    typeof IntersectionObserver === 'undefined'
      ? undefined
      : new IntersectionObserver(([entry]) => {
          this.visible = !!entry?.isIntersecting;
          // Messages that arrived while the window was hidden (no layout) were placed at a bottom
          // the log could not scroll to: a window that stuck to the bottom goes there once shown.
          const log = this.log;
          if (this.visible && this.stick && log) log.scrollTop = log.scrollHeight;
          this.ackSeen();
        });
  private bubbleObserver?: IntersectionObserver;
  private readonly onVisibilityChange = () => this.ackSeen();

  constructor() {
    super();
    this.addEventListener('dragover', this.onDrag);
    this.addEventListener('dragleave', this.onDrag);
    this.addEventListener('drop', this.onDrag);
    this.addEventListener('paste', (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (!files.length) return;
      event.preventDefault();
      void this.sendFiles(files);
    });
  }

  /** The conversation shown: `conversation`, else the store's active one, else none (''). */
  get conversationId(): string {
    return this.conversation || this.active.value || '';
  }

  /** The shown conversation's kind: from the conversation list, else from the groups and rooms. */
  private get chatType(): ChatType {
    const id = this.conversationId;
    return (
      this.conversations.value.find((c) => c.id === id)?.chatType ??
      (this.groups.value.some((g) => g.id === id)
        ? 'groupChat'
        : this.rooms.value.some((r) => r.id === id)
          ? 'chatRoom'
          : 'singleChat')
    );
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
    clearTimeout(this.recallTimer);
    this.observer?.disconnect();
    this.bubbleObserver?.disconnect();
    this.bubbleObserver = undefined;
    cancelAnimationFrame(this.remeasureFrame);
    this.remeasureFrame = 0;
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
  }

  protected override willUpdate(): void {
    // This update measures again anyway.
    cancelAnimationFrame(this.remeasureFrame);
    this.remeasureFrame = 0;
    const store = this.stores.store;
    this.status.observe([store], () => store?.status$);
    this.user.observe([store], () => store?.user$);
    this.active.observe([store], () => store?.activeConversation$);
    this.conversations.observe([store], () => store?.conversations$);
    this.groups.observe([store], () => store?.groups$);
    this.rooms.observe([store], () => store?.rooms$);
    this.limits.observe([store], () => store?.limits$);
    const id = this.conversationId;
    this.messages.observe([store, id], () => (store && id ? store.messages$(id) : undefined));
    this.history.observe([store, id], () => (store && id ? store.history$(id) : undefined));
    const inGroup = this.groups.value.some((g) => g.id === id);
    this.members.observe([store, id, inGroup], () =>
      store && inGroup ? store.groupMembers$(id) : undefined,
    );
    const messages = this.messages.value;
    this.typing.observe(store, id);
    this.typing.messages(messages);
    this.names.track(store, this.chatType === 'singleChat' ? [] : messages.map((m) => m.from));
    this.uploads.track(
      store,
      messages.filter((m) => m.attachment && m.status === 'pending').map((m) => m.id),
    );

    // Measured before the new messages render: a reader scrolled up to read history stays put.
    const log = this.log;
    const changed = messages !== this.renderedMessages || id !== this.renderedConversation;
    this.stick =
      !log ||
      id !== this.renderedConversation ||
      (changed && this.forceScroll) ||
      log.scrollHeight - log.scrollTop - log.clientHeight < BOTTOM_SLACK;
    this.anchor = undefined;
    let top = Infinity;
    if (log && !this.stick) {
      top = log.scrollTop - this.spacerTop(log);
      // Only a bubble on screen anchors: after a jump (the scrollbar dragged) none is, and the
      // window is picked from the scroll position alone.
      const el = this.bubbles().find((b) => b.offsetTop + b.offsetHeight > log.scrollTop);
      if (el && el.offsetTop < log.scrollTop + log.clientHeight) {
        this.anchor = { id: el.dataset.id!, offset: el.offsetTop - log.scrollTop };
      }
    }
    this.place(messages, top, log?.clientHeight ?? 0);
  }

  /**
   * Picks the messages to render: those around the anchor (at its offset), the newest when
   * sticking to the bottom, else those at `top` (an offset from the first message).
   */
  private place(messages: readonly ChatMessage[], top: number, height: number): void {
    const ids = messages.map((m) => m.id);
    this.window.layout(ids, 0, 0);
    const anchored = this.anchor ? ids.indexOf(this.anchor.id) : -1;
    if (anchored >= 0) top = this.window.top(anchored) - this.anchor!.offset;
    else if (this.stick) top = this.window.top(Infinity) - height;
    this.window.layout(ids, top, height || 600);
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const id = this.conversationId;
    if (!this.user.value || !id) {
      return html`<p part="empty" class="empty">
        ${this.i18n.t(this.user.value ? 'window.choose' : 'window.logIn')}
      </p>`;
    }
    const chatType = this.chatType;
    const group = this.groups.value.find((g) => g.id === id);
    const room = this.rooms.value.find((r) => r.id === id);
    const conversation = this.conversations.value.find((c) => c.id === id);
    // The store names a group's conversation by its id until it knows the group.
    const name = group?.name || room?.name || conversation?.name || id;
    const { loading, exhausted } = this.history.value;
    // Only once the lists are known: a group not loaded yet is no reason to say "removed".
    const left =
      conversation?.membership ??
      (chatType === 'groupChat'
        ? this.groups.received && !group
        : chatType === 'chatRoom' && this.rooms.received && !room?.joined);
    return html`
      <div part="header" class="header">
        <h2 part="title"><bdi>${name}</bdi></h2>
        <span part="status" role="status">${this.i18n.t(statusLabels[this.status.value])}</span>
        ${
          group
            ? html`<button part="group-info-button" class="end-button" @click=${this.openInfo}>
                ${this.i18n.t('window.groupInfo')}
              </button>`
            : room?.joined
              ? html`<button
                  part="leave-room-button"
                  class="end-button"
                  @click=${() => this.actions.run('room', () => this.stores.store!.leaveRoom(id))}
                >
                  ${this.i18n.t('rooms.leave')}
                </button>`
              : nothing
        }
      </div>
      ${this.actions.alert('room')}
      <div
        part="message-list"
        class="inset-focus"
        role="log"
        aria-live=${this.live === id ? 'polite' : 'off'}
        aria-relevant="additions"
        aria-label=${this.i18n.t('window.messagesWith', { name })}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${
          !this.messages.value.length && this.messages.received
            ? // A new conversation: nothing older to load, something to start with.
              html`<p part="empty-conversation" class="empty">
                ${this.i18n.t(loading ? 'common.loading' : 'window.empty')}
              </p>`
            : exhausted
              ? nothing
              : html`<button
                  part="load-older-button"
                  class="older"
                  aria-disabled=${loading}
                  @click=${this.loadOlder}
                >
                  ${this.i18n.t(loading ? 'window.loadingOlder' : 'window.loadOlder')}
                </button>`
        }
        <div class="spacer"></div>
        ${repeat(
          this.messages.value.slice(this.window.start, this.window.end),
          (m) => m.id,
          (m, i) => {
            const previous = this.messages.value[this.window.start + i - 1];
            return html`${this.daySeparator(m, previous)}${this.message(m, name, previous)}`;
          },
        )}
        <div class="spacer end"></div>
      </div>
      ${
        this.typing.typing && chatType === 'singleChat'
          ? html`<p part="typing" class="typing" role="status">
              ${this.i18n.t('window.typing', { name })}
            </p>`
          : nothing
      }
      ${
        left
          ? html`<p part="left-notice" class="banner">
              ${this.i18n.t(leftNotices[chatType === 'groupChat' ? 'group' : 'room'][left === true ? 'left' : left])}
            </p>`
          : this.composer(group)
      }
      ${
        group
          ? html`<dialog
              part="group-dialog"
              class="group"
              aria-label=${this.i18n.t('window.groupInfo')}
              @close=${this.closeInfo}
            >
              ${
                this.infoShown
                  ? this.groupInfo.render(
                      this.i18n,
                      () =>
                        html`<chat-group-info
                          exportparts=${infoParts}
                          group-id=${group.id}
                          app-key=${this.appKey || nothing}
                          api-url=${this.apiUrl || nothing}
                          theme=${this.theme ?? nothing}
                        ></chat-group-info>`,
                    )
                  : nothing
              }
              <button part="close-button" @click=${this.closeInfo}>
                ${this.i18n.t('common.close')}
              </button>
            </dialog>`
          : nothing
      }
      <dialog
        part="viewer"
        aria-label=${this.viewing?.name ?? this.i18n.t('window.image')}
        @close=${this.onViewerClose}
      >
        ${
          this.viewing?.url
            ? html`<img src=${this.viewing.url} alt=${this.viewing.name} />`
            : html`<p>${this.i18n.t('common.loading')}</p>`
        }
        <button part="viewer-close-button" @click=${() => this.viewer?.close()}>
          ${this.i18n.t('common.close')}
        </button>
      </dialog>
      ${this.menu.render()}
    `;
  }

  private composer(group: Group | undefined) {
    const recording = this.recorder.recording;
    const muted = mutedNote(group?.mutedUntil, this.i18n);
    return html`${
        muted
          ? html`<p part="muted-banner" class="banner">
              ${this.i18n.t('window.mutedBanner', { muted })}
            </p>`
          : nothing
      }
      ${this.compose.banner(this.conversationId, (u) => this.names.get(u))}
      <form part="composer" @submit=${this.onSubmit}>
        <input type="file" multiple hidden @change=${this.onPick} />
        <button
          part="attach-button"
          type="button"
          aria-label=${this.i18n.t('window.attach')}
          title=${this.i18n.t('window.attach')}
          @click=${() => this.renderRoot.querySelector<HTMLInputElement>('[type=file]')!.click()}
        >
          ${attachIcon}
        </button>
        ${
          canRecord()
            ? html`<button
                part="record-button"
                type="button"
                class=${recording ? 'primary' : ''}
                aria-label=${this.i18n.t(recording ? 'window.stopRecording' : 'window.record')}
                title=${this.i18n.t(recording ? 'window.stopRecording' : 'window.record')}
                @click=${() => this.recorder.toggle()}
              >
                ${recording ? stopIcon : microphoneIcon}
              </button>`
            : nothing
        }
        ${
          'geolocation' in navigator
            ? html`<button
                part="location-button"
                type="button"
                aria-label=${this.i18n.t('window.shareLocation')}
                title=${this.i18n.t('window.shareLocation')}
                @click=${this.shareLocation}
              >
                ${locationIcon}
              </button>`
            : nothing
        }
        <textarea
          part="input"
          aria-label=${this.i18n.t('window.message')}
          placeholder=${this.i18n.t('window.placeholder')}
          rows="1"
          @keydown=${this.onKeydown}
          @input=${this.onInput}
        ></textarea>
        <button part="send-button" class="primary" type="submit">
          ${this.i18n.t('window.send')}
        </button>
        <p part="error" class="alert" role="alert">
          ${this.error || (this.recorder.error && this.i18n.t(this.recorder.error))}
        </p>
      </form>`;
  }

  private message(m: ChatMessage, peer: string, previous?: ChatMessage) {
    const own = m.from === this.user.value?.username || m.status !== 'received';
    const on = this.menu.bubbleListeners(m.id);
    const menuable = !m.recalled && m.status !== 'pending' && m.status !== 'failed';
    return html`<div
      part="message ${own ? 'message-own' : 'message-other'}"
      class="msg ${own ? 'own' : 'other'}"
      data-id=${m.id}
      data-status=${m.status}
      data-receipt=${m.receipt ?? nothing}
      @pointerdown=${on.pointerdown}
      @pointerup=${on.cancel}
      @pointercancel=${on.cancel}
      @pointermove=${on.cancel}
      @contextmenu=${on.contextmenu}
      @keydown=${on.keydown}
    >
      ${menuable ? this.menu.button(m.id, () => this.menuItems(m, own)) : nothing}
      ${
        own || this.chatType === 'singleChat'
          ? html`<span class="sr-only"
              >${this.i18n.t('window.saidBy', { name: own ? this.i18n.t('window.you') : peer })}</span
            >`
          : previous?.from === m.from
            ? html`<span class="sr-only"
                >${this.i18n.t('window.saidBy', { name: this.names.get(m.from) })}</span
              >`
            : html`<bdi part="sender" class="sender">${this.names.get(m.from)}</bdi>`
      }
      ${quoteBlock(
        m,
        this.i18n,
        (u) => this.names.get(u),
        (mid) => void this.jumpTo(mid),
      )}
      ${
        m.recalled
          ? html`<p part="message-text" class="text recalled">
              ${this.i18n.t(own ? 'preview.youRecalled' : 'preview.recalled')}
            </p>`
          : this.content(m)
      }
      <span part="message-meta" class="meta"
        ><time datetime=${new Date(m.time).toISOString()}
          >${formatTime(m.time, this.i18n.locale, true)}</time
        >${editedLabel(m, this.i18n)}${own ? this.delivery(m) : nothing}</span
      >
    </div>`;
  }

  private content(m: ChatMessage) {
    const file = m.attachment;
    const loc = m.location;
    // No whitespace inside the paragraph: message text keeps its own (white-space: pre-wrap).
    if (m.type === 'txt') {
      const text = linkify(m.text).map((part) =>
        typeof part === 'string'
          ? part
          : html`<a part="link" href=${part.href} target="_blank" rel="noopener noreferrer nofollow"
              >${part.text}</a
            >`,
      );
      return html`<p part="message-text" class="text" dir="auto">${text}</p>`;
    }
    if (loc) {
      const map = `https://www.openstreetmap.org/?mlat=${loc.lat}&mlon=${loc.lng}#map=16/${loc.lat}/${loc.lng}`;
      return html`<div part="card" class="card">
        <strong dir="auto">${loc.buildingName || loc.addr}</strong>
        ${loc.buildingName ? html`<span dir="auto">${loc.addr}</span>` : nothing}
        <span class="small" dir="ltr">${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)}</span>
        <a part="map-link" href=${map} target="_blank" rel="noopener noreferrer"
          >${this.i18n.t('window.openMap')}</a
        >
      </div>`;
    }
    if (m.custom) {
      return html`<div part="card" class="card small">
        ${this.i18n.parts('window.custom', { event: html`<bdi>${m.custom.event}</bdi>` })}
      </div>`;
    }
    if (!file) return nothing;
    const ready = !!file.url;
    const url = this.files.get(m.id);
    // While pending: the upload's progress, full once uploaded (the message itself is then
    // being sent); cancellable until uploaded, also while queued (offline, behind another upload).
    const upload = this.uploads.get(m.id);
    const progress =
      m.status === 'pending'
        ? html`<progress
              part="upload-progress"
              value=${ready ? 1 : upload ? upload.loaded / upload.total : 0}
              aria-label=${this.i18n.t('window.uploading', { name: file.filename })}
            ></progress
            >${
              ready
                ? nothing
                : html`<button
                    part="cancel-button"
                    aria-label=${this.i18n.t('window.cancelUpload', { name: file.filename })}
                    @click=${() => this.cancel(m.id)}
                  >
                    ${this.i18n.t('common.cancel')}
                  </button>`
            }`
        : nothing;
    let body;
    // Previews load as they scroll into the rendered window; originals only on demand.
    const key = `${m.id}:thumb`;
    const thumb =
      ready && (m.type === 'img' || file.thumbUrl)
        ? (this.files.get(key) ??
          // A preview that cannot load leaves the file name showing; opening retries.
          void this.files.load(key, () => this.fetch(m, true), false)?.catch(() => undefined))
        : undefined;
    if (m.type === 'img') {
      body = html`<button
        part="image-button"
        class="image"
        aria-label=${this.i18n.t('window.openImage', { name: file.filename })}
        ?disabled=${!ready}
        @click=${(e: Event) => this.openImage(m, e.currentTarget as HTMLElement)}
      >
        ${
          thumb
            ? html`<img
                src=${thumb}
                alt=""
                width=${file.width ?? nothing}
                height=${file.height ?? nothing}
              />`
            : html`<bdi class="small">${file.filename}</bdi>`
        }
      </button>`;
      // The image's size is in the message: its box has it before the thumbnail loads, so nothing
      // below moves when it does (history loading, scrolling back). Set through CSSOM (styleMap),
      // which a strict style-src allows.
      if (file.width && file.height) {
        body = html`<div
          class="frame"
          style=${styleMap({
            width: `${file.width}px`,
            aspectRatio: `${file.width} / ${file.height}`,
          })}
        >
          ${body}
        </div>`;
      }
    } else if (m.type === 'audio' || m.type === 'video') {
      const label = this.i18n.t(m.type === 'audio' ? 'window.voiceNamed' : 'window.videoNamed', {
        name: file.filename,
      });
      body = url
        ? m.type === 'audio'
          ? html`<audio part="player" controls src=${url} aria-label=${label}></audio>`
          : html`<video
              part="player"
              controls
              src=${url}
              poster=${thumb ?? nothing}
              aria-label=${label}
            ></video>`
        : html`<button
            part="play-button"
            aria-label=${this.i18n.t('window.playWhat', { duration: duration(file.duration), what: label })}
            ?disabled=${!ready}
            @click=${() => this.play(m)}
          >
            ${thumb ? html`<img src=${thumb} alt="" />` : nothing}▶ ${this.i18n.t('window.play')}
            <span class="small">${duration(file.duration)}</span>
          </button>`;
    } else {
      body = html`<div part="card" class="card">
        <strong><bdi>${file.filename}</bdi></strong
        ><span class="small">${humanSize(file.size, this.i18n.locale)}</span>
        ${
          ready
            ? html`<button
                part="download-button"
                aria-label=${this.i18n.t('window.downloadWhat', { name: file.filename })}
                @click=${() => this.download(m)}
              >
                ${this.i18n.t('window.download')}
              </button>`
            : nothing
        }
      </div>`;
    }
    return html`${body}${progress}`;
  }

  private delivery(m: ChatMessage) {
    if (m.status === 'failed') {
      return html` ·
        <span class="failed"
          >${m.error ? this.i18n.t('window.notSentBecause', { reason: this.failure(m) }) : this.i18n.t('window.notSent')}</span
        >
        <button part="retry-button" @click=${() => this.retry(m.id)}>
          ${this.i18n.t('window.retry')}
        </button>`;
    }
    const receipt = m.status === 'pending' ? 'pending' : (m.receipt ?? m.status);
    const key = receiptLabels[receipt as keyof typeof receiptLabels] as MessageKey | undefined;
    if (!key) return nothing;
    const label = this.i18n.message(key);
    const recallEnds = m.time + this.limits.value.recallSeconds * 1000;
    const recallable = m.status === 'sent' && !m.recalled && Date.now() < recallEnds;
    if (recallable) this.nextRecallEnd = Math.min(this.nextRecallEnd, recallEnds);
    return html` ·
      <span part="receipt" class="receipt"
        ><span aria-hidden="true"
          >${receipt === 'sent' ? '✓' : receipt === 'pending' ? '' : '✓✓'}</span
        >
        ${label}</span
      >${
        recallable
          ? html` <button part="recall-button" class="recall" @click=${() => this.recall(m.id)}>
              ${this.i18n.t('window.recall')}
            </button>`
          : nothing
      }`;
  }

  /** Why a message failed, in the reader's language when the store kept its key. */
  private failure(m: ChatMessage): string {
    return m.errorKey ? errorMessage({ key: m.errorKey }, this.i18n) : (m.error ?? '');
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Render again when the first shown Recall button's window ends, so it goes away on time.
    clearTimeout(this.recallTimer);
    if (this.nextRecallEnd < Infinity) {
      this.recallTimer = setTimeout(
        () => this.requestUpdate(),
        Math.max(0, this.nextRecallEnd - Date.now()) + 50,
      );
      this.nextRecallEnd = Infinity;
    }
    this.setAttribute('status', this.status.value);
    const id = this.conversationId;
    const messages = this.messages.value;
    const log = this.log;
    if (log && this.end) {
      const [top] = log.getElementsByClassName('spacer') as HTMLCollectionOf<HTMLElement>;
      top!.style.height = `${this.window.before}px`;
      this.end.style.height = `${this.window.after}px`;
      const resized = this.window.measure(this.itemStarts(), this.end);
      const anchor = this.anchor && log.querySelector<HTMLElement>(`[data-id="${this.anchor.id}"]`);
      if (this.stick) log.scrollTop = log.scrollHeight;
      else if (anchor) log.scrollTop = anchor.offsetTop - this.anchor!.offset;
      // Estimated heights replaced by measured ones: lay out again. Only a window whose edges move
      // needs another render, and that waits for the next frame rather than being requested from
      // inside this update (what the reader sees is already anchored; the overscan covers the
      // frame between). It converges as heights stick; the cap keeps content that keeps resizing
      // (a loading image) from re-rendering in a loop.
      this.passes = resized ? this.passes + 1 : 0;
      if (resized && this.passes < 4) {
        const { start, end } = this.window;
        this.place(messages, log.scrollTop - this.spacerTop(log), log.clientHeight);
        if (start !== this.window.start || end !== this.window.end) {
          this.remeasureFrame = requestAnimationFrame(() => {
            this.remeasureFrame = 0;
            this.requestUpdate();
          });
        } else {
          this.passes = 0;
        }
      }
      this.observeBubbles(log);
    }
    if (messages !== this.renderedMessages || id !== this.renderedConversation) {
      this.forceScroll = false;
      this.renderedMessages = messages;
      if (id !== this.renderedConversation) this.seenId = '';
      this.renderedConversation = id;
    }
    // Announcing the whole history on opening a conversation would drown the reader; new messages
    // are announced once it shows (a render later, so the history is not part of the change).
    if (this.messages.received && this.live !== id) {
      void this.updateComplete.then(() => (this.live = id));
    }
  }

  private bubbles(): HTMLElement[] {
    return [...(this.log?.getElementsByClassName('msg') ?? [])] as HTMLElement[];
  }

  /** Where each rendered message starts: its day separator when it has one, else its bubble. */
  private itemStarts(): HTMLElement[] {
    return this.bubbles().map((bubble) => {
      const before = bubble.previousElementSibling as HTMLElement | null;
      return before?.dataset.dayOf === bubble.dataset.id ? before! : bubble;
    });
  }

  /**
   * "Today", "Yesterday" (Intl.RelativeTimeFormat), else the date, in the reader's locale, above
   * the first message of each day.
   */
  private daySeparator(m: ChatMessage, previous: ChatMessage | undefined) {
    const day = new Date(m.time);
    if (previous && new Date(previous.time).toDateString() === day.toDateString()) return nothing;
    const locale = this.i18n.locale;
    const now = new Date();
    const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const daysAgo = Math.round((midnight(now) - midnight(day)) / 86_400_000);
    let label: string;
    if (daysAgo === 0 || daysAgo === 1) {
      const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(
        -daysAgo,
        'day',
      );
      label = relative.charAt(0).toLocaleUpperCase(locale) + relative.slice(1);
    } else {
      label = day.toLocaleDateString(locale, {
        weekday: 'long',
        month: 'long',
        day: 'numeric',
        ...(day.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
      });
    }
    const date = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    return html`<p part="day-separator" class="day" data-day-of=${m.id}>
      <time datetime=${date}>${label}</time>
    </p>`;
  }

  private spacerTop(log: HTMLElement): number {
    return (log.getElementsByClassName('spacer')[0] as HTMLElement).offsetTop;
  }

  /** Watches the peer's bubbles on screen, to acknowledge as read only what was seen. */
  private observeBubbles(log: HTMLElement): void {
    if (typeof IntersectionObserver === 'undefined') return;
    if (this.bubbleObserver?.root !== log) {
      this.bubbleObserver?.disconnect();
      this.onScreen.clear();
      this.bubbleObserver = new IntersectionObserver(
        (entries) => {
          for (const e of entries) {
            if (e.isIntersecting) this.onScreen.add(e.target);
            else this.onScreen.delete(e.target);
          }
          this.ackSeen();
        },
        { root: log, threshold: 0.5 },
      );
    }
    for (const el of this.onScreen) if (!el.isConnected) this.onScreen.delete(el);
    for (const el of log.querySelectorAll('.other')) this.bubbleObserver.observe(el);
  }

  /** Acknowledges the newest peer message on screen, while the page and the window are visible. */
  private ackSeen(): void {
    const store = this.stores.store;
    const id = this.conversationId;
    if (!store || !id || !this.visible || document.visibilityState !== 'visible') return;
    const messages = this.messages.value;
    let newest = -1;
    for (const el of this.onScreen) {
      const i = messages.findIndex((m) => m.id === (el as HTMLElement).dataset.id);
      if (i > newest) newest = i;
    }
    const seen = messages[newest];
    const last = messages.findIndex((m) => m.id === this.seenId);
    if (!seen || newest <= last) return;
    this.seenId = seen.id;
    store.markSeen(id, seen.id).catch(() => (this.seenId = ''));
  }

  private onScroll(): void {
    this.loadOlderNearTop();
    this.requestUpdate();
  }

  /**
   * Pages older messages in while the reader is near the top: on scrolling, and again after a
   * page that did not push the top out of reach (a short page, a conversation shorter than the
   * window), since then no scroll event would come.
   */
  private loadOlderNearTop(): void {
    const log = this.log;
    const { exhausted } = this.history.value;
    if (log && log.scrollTop < TOP_SLACK && this.history.received && !exhausted) {
      if (!this.loadingOlder) void this.loadOlder();
    }
  }

  private async loadOlder(): Promise<void> {
    const store = this.stores.store;
    const id = this.conversationId;
    // A press while a page loads is not dropped: the store runs the pages one after the other.
    if (!store || !id) return;
    this.loadingOlder = true;
    let added = 0;
    try {
      ({ added } = await store.loadOlder(id));
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
    } finally {
      this.loadingOlder = false;
    }
    await this.updateComplete;
    // Only after progress: a page that brought nothing (offline) must not retry in a loop.
    if (added) this.loadOlderNearTop();
  }

  private onDrag = (event: DragEvent): void => {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    const over = event.type === 'dragover';
    this.toggleAttribute('dragging', over);
    if (event.type === 'drop') void this.sendFiles([...event.dataTransfer.files]);
  };

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    input.value = '';
    void this.sendFiles(files);
  }

  /**
   * Sends each file as its kind's message, with a thumbnail or duration read in the browser; a
   * recording's `recordedSeconds` stand in for the duration its file does not state.
   */
  private async sendFiles(files: File[], recordedSeconds?: number): Promise<void> {
    const store = this.stores.store;
    const id = this.conversationId;
    if (!store || !id) return;
    this.error = '';
    for (const file of files) {
      try {
        const { kind, ...options } = await prepareAttachment(file);
        if (!options.duration && recordedSeconds) options.duration = recordedSeconds;
        this.forceScroll = true;
        const sent = new ChatSendEvent(await store.sendFile(id, file, { kind, ...options }));
        this.dispatchEvent(sent);
      } catch (error) {
        this.error = this.i18n.t('window.fileFailed', {
          name: file.name,
          reason: errorMessage(error, this.i18n),
        });
      }
    }
  }

  private shareLocation(): void {
    const store = this.stores.store;
    const id = this.conversationId;
    if (!store || !id) return;
    this.error = '';
    navigator.geolocation.getCurrentPosition(
      async ({ coords: { latitude: lat, longitude: lng } }) => {
        try {
          const addr = `${lat.toFixed(5)}, ${lng.toFixed(5)}`;
          this.forceScroll = true;
          const sent = new ChatSendEvent(await store.sendLocation(id, { addr, lat, lng }));
          this.dispatchEvent(sent);
        } catch (error) {
          this.error = errorMessage(error, this.i18n);
        }
      },
      (error) => {
        this.error = this.i18n.t(
          error.code === error.PERMISSION_DENIED
            ? 'window.locationBlocked'
            : 'window.locationFailed',
        );
      },
    );
  }

  private fetch(m: ChatMessage, thumbnail = false): Promise<string> {
    const store = this.stores.store;
    return store ? store.fetchFile(m, { thumbnail }) : Promise.reject(new Error('No store'));
  }

  /** Loads an attachment's original on demand, showing why when it cannot. */
  private async original(m: ChatMessage): Promise<string | undefined> {
    try {
      return await this.files.load(m.id, () => this.fetch(m));
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
      return undefined;
    }
  }

  private openInfo(event: Event): void {
    this.opener = event.currentTarget as HTMLElement;
    this.infoShown = true;
    this.groupInfo.retry();
    this.renderRoot.querySelector<HTMLDialogElement>('dialog.group')?.showModal();
  }

  /** Closes the group dialog (its button, Escape) and gives focus back to "Group info". */
  private closeInfo(): void {
    const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog.group');
    if (dialog?.open) dialog.close();
    this.opener?.focus();
  }

  private async openImage(m: ChatMessage, opener: HTMLElement): Promise<void> {
    this.opener = opener;
    const name = m.attachment!.filename;
    this.viewing = { name };
    await this.updateComplete;
    this.viewer?.showModal();
    const url = await this.original(m);
    if (url && this.viewing?.name === name) this.viewing = { name, url };
  }

  private onViewerClose(): void {
    this.viewing = undefined;
    this.opener?.focus();
    this.opener = undefined;
  }

  private async play(m: ChatMessage): Promise<void> {
    if (!(await this.original(m))) return;
    await this.updateComplete;
    const player = this.renderRoot.querySelector<HTMLMediaElement>(
      `[data-id="${m.id}"] [part=player]`,
    );
    player?.focus();
    // The press was the user's gesture; a browser that still refuses autoplay leaves the controls.
    player?.play().catch(() => undefined);
  }

  private async download(m: ChatMessage): Promise<void> {
    const url = await this.original(m);
    if (!url) return;
    const link = document.createElement('a');
    link.href = url;
    link.download = m.attachment!.filename;
    link.hidden = true;
    this.renderRoot.appendChild(link);
    link.click();
    link.remove();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.compose.for(this.conversationId)) {
      // Only the edit or reply ends, not the panel around the window.
      event.preventDefault();
      event.stopPropagation();
      this.compose.cancel();
      return;
    }
    // Shift+Enter keeps the default (a new line); an IME composing text uses Enter to commit.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    (event.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
  }

  private onInput(event: InputEvent): void {
    const id = this.conversationId;
    if (id)
      this.typing.input(id, this.chatType, (event.currentTarget as HTMLTextAreaElement).value);
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const store = this.stores.store;
    const input = this.input;
    const id = this.conversationId;
    const text = input?.value.trim() ?? '';
    if (!store || !input || !id || !text) return;
    const target = this.compose.for(id);
    // Cleared before the await so that typing on continues into an empty field.
    input.value = '';
    this.typing.stopped();
    this.error = '';
    if (target) {
      this.compose.target = undefined;
      this.requestUpdate();
    }
    if (target?.mode === 'edit') {
      try {
        await store.edit(target.message.id, text);
      } catch (error) {
        // Refused: the edit stays in the field, to fix or cancel.
        if (!input.value) input.value = text;
        this.compose.target = target;
        this.error = errorMessage(error, this.i18n);
      }
      return;
    }
    this.forceScroll = true;
    try {
      const message = await store.send(id, text, target ? { replyTo: target.message.id } : {});
      const sent = new ChatSendEvent(message);
      this.dispatchEvent(sent);
    } catch (error) {
      // Nothing was queued: give the text back rather than lose it.
      if (!input.value) input.value = text;
      this.error = errorMessage(error, this.i18n);
    }
  }

  /** Runs a store action on a message, showing its error in plain words. */
  private async act(action: () => Promise<unknown>): Promise<void> {
    this.error = '';
    try {
      await action();
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
    }
  }

  private retry(id: string) {
    return this.act(() => this.stores.store!.retry(id));
  }

  private recall(id: string) {
    return this.act(() => this.stores.store!.recall(id));
  }

  /** What the menu of message `m` offers. */
  private menuItems(m: ChatMessage, own: boolean) {
    const id = this.conversationId;
    const actions: MenuAction[] = [];
    if (own && m.type === 'txt' && m.status === 'sent' && this.chatType !== 'chatRoom')
      actions.push({ id: 'edit', label: 'window.edit', run: () => this.compose.edit(id, m) });
    if (m.mid)
      actions.push({ id: 'reply', label: 'window.reply', run: () => this.compose.reply(id, m) });
    if (m.type === 'txt')
      actions.push({ id: 'copy', label: 'window.copy', run: () => void this.copy(m.text) });
    return { actions, reactions: [] };
  }

  private async copy(text: string): Promise<void> {
    this.error = '';
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      this.error = this.i18n.t('window.copyFailed');
    }
  }

  /**
   * Shows the message of server id `mid` (a reply's quote): paging older messages in until it is
   * there (or the start is reached), then scrolling to it and focusing it.
   */
  private async jumpTo(mid: string): Promise<void> {
    const store = this.stores.store;
    const id = this.conversationId;
    if (!store || !id) return;
    const find = () => this.messages.value.findIndex((m) => m.mid === mid || m.id === mid);
    for (let pages = 0; find() < 0 && pages < 20; pages++) {
      try {
        const { exhausted } = await store.loadOlder(id);
        await this.updateComplete;
        if (exhausted && find() < 0) break;
      } catch (error) {
        this.error = errorMessage(error, this.i18n);
        return;
      }
    }
    const index = find();
    const log = this.log;
    if (index < 0 || !log) {
      this.error = this.i18n.t('window.quoteGone');
      return;
    }
    const target = this.messages.value[index]!;
    log.scrollTop = this.spacerTop(log) + this.window.top(index) - log.clientHeight / 3;
    this.requestUpdate();
    await this.updateComplete;
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

  private cancel(id: string) {
    return this.act(() => this.stores.store!.cancelUpload(id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-window': ChatWindow;
  }
}
