import { ContextProvider } from '@lit/context';
import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import {
  getChatStore,
  type ChatError,
  type ChatStoreApi,
  type ConnectionStatus,
  type CurrentUser,
} from '../../store/index.js';
import type { ChatType } from '../../protocol/index.js';
import type { AppProblem } from '../../store/app-check.js';
import type { SiteVisitors, VisitorWidget } from './conversation-target.js';
import '../chat-notices/chat-notices.js';
import '../chat-roster/chat-roster.js';
import { infoParts } from '../chat-window/chat-window.js';
import { chatStoreContext } from '../context.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { LazyElementController } from '../controllers/lazy-element-controller.js';
import { defaultApiUrl } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatOpenChangeEvent } from '../events/chat-open-change-event.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { messagePreview } from '../message-preview.js';
import { themeStyles } from '../theme.styles.js';
import { AttentionCuesController, offUnlessOn, onUnlessOff } from './attention-cues.js';
import { styles } from './chat-widget.styles.js';
import { panelHeader, type HeaderWidget } from './panel-header.js';

// Nested parts that share a name with one of the widget's own are renamed on the way out.
const loginParts = 'tabs, tab, form, label, input, submit-button, error, signed-in, logout-button';
// Parts the roster's and the window's panels share (confirm dialogs, their buttons, errors).
const sharedParts =
  'leave-button, confirm-dialog, cancel-button, confirm-button, input, error, accept-button, decline-button';
const rosterParts = `${sharedParts}, tabs: roster-tabs, tab: roster-tab, tab-count, conversation-list, conversation, visitor-mail, visitor-page, badge: conversation-badge, empty, start-form, label, start-button, add-contact-button, add-form, send-request-button, request-list, contact-list, contact, presence, block-button, remove-button, outgoing-list, blocked-list, unblock-button, create-group-button, create-form, create-button, browse-button, public-list, join-button, more-button, invitation-list, join-request-list, group-list, group, room-list, room, delete-button, loading`;
const windowParts = `${sharedParts}, header: window-header, title: window-title, status, greeting, message-list, load-older-button, day-separator, empty-conversation, message, message-own, message-other, message-text, link, message-meta, receipt, image-button, play-button, player, card, download-button, map-link, upload-progress, retry-button, recall-button, menu-button, message-menu, menu-item, quick-reaction, reaction-picker, reactions, reaction, who-reacted-button, who-reacted, quote, edited, compose-context, compose-cancel-button, typing, viewer, viewer-close-button, composer, attach-button, record-button, location-button, emoji-button, emoji-picker, emoji-picker-element, emoji-picker-loading, send-button, empty, sender, group-info-button, group-dialog, close-button: group-close-button, leave-room-button, muted-banner, left-notice, group-title, more-button, ${infoParts}`;

const chatIcon = svg`<path d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z"/>`;
const closeIcon = svg`<path d="M5 6.4 6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6z"/>`;

/**
 * The whole chat for a page: a launcher button with an unread badge that opens a panel holding
 * `<chat-login>` while signed out, then `<chat-roster>` and `<chat-window>` (one after the other in
 * a narrow panel, with a back button; side by side from 640px wide). The panel is a non-modal
 * dialog: Escape closes it and focus returns to the launcher.
 *
 * `<chat-widget app-key="org#app">` is all a page needs. A site that signs its users in itself
 * passes `user` and `access-token` and the widget logs in without the form. The nested elements
 * use the widget's store (provided through `@lit/context`); their parts are re-exported, each
 * listed in custom-elements.json (renamed where one of the widget's own has the name).
 *
 * A site talking to its visitors (issue 9): `to="support"` opens the panel straight into the
 * conversation with that user (`to-type="group"`: that group), with no list, and `greeting` as its
 * first line (shown, never sent). With `guest` too (the app must allow guests) a visitor types at
 * once, as a guest this browser keeps (same guest and conversation after a reload or a return);
 * without it, the login form comes first. When the `to` user is offline, the panel says so and
 * offers an optional e-mail field, kept as the visitor's `mail` attribute for the team; a guest may
 * set a display name, which names the conversation in the team's list. A `to` that
 * names no user or group says "unavailable" and warns in the console. The visitor's first message
 * carries the page they are on (`VisitorExt` in its ext), which the team's list shows.
 *
 * The host carries `open` while the panel shows, `unread` while there are unread messages, and
 * `status` with the connection status (`signed-out`, `connecting`, `online`, `reconnecting`,
 * `offline`), for styles such as `chat-widget[status='offline']::part(launcher)`.
 * When the server ends the session (token expired, account signed in elsewhere), the login form
 * comes back with the reason above it.
 *
 * @summary The chat launcher and panel.
 *
 * Attention cues, each switchable, and never for the visitor's own messages: the page title gets
 * the unread count (`(2) Page title`) while the panel is closed or the tab hidden (`title-count`,
 * on unless `title-count="off"`); a short sound on an incoming message then (`sound`, on unless
 * `sound="off"`; only once the visitor has interacted with the page); desktop notifications
 * (`notifications`, off unless set; permission is asked on the visitor's first click in the
 * widget; one tab per browser shows them, and clicking one opens its conversation).
 *
 * @fires {ChatOpenChangeEvent} chat-open-change - The user opened or closed the panel.
 * @fires {ChatUnreadChangeEvent} chat-unread-change - The total of unread messages changed
 *   (`unread`), for a host page's own badge.
 * @fires {ChatRequestLogoutEvent} chat-request-logout - The user pressed "Log out"; cancelable:
 *   `preventDefault()` keeps the user signed in.
 * @fires {ChatLoginEvent} chat-login - From the nested `<chat-login>`.
 * @fires {ChatRegisterEvent} chat-register - From the nested `<chat-login>`.
 * @fires {ChatConversationSelectEvent} chat-conversation-select - From the nested `<chat-roster>`.
 * @fires {ChatSendEvent} chat-send - From the nested `<chat-window>`.
 * @fires {ChatPasswordChangeEvent} chat-password-change - From the nested `<chat-password>`.
 *
 * @csspart launcher - The round button that opens and closes the panel.
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The chat panel (`role="dialog"`).
 * @csspart header - The panel's header: back button, user, log-out and close buttons.
 * @csspart title - The panel's title: the signed-in user, or "Chat".
 * @csspart back-button - Back from a conversation to the list (narrow panel only).
 * @csspart logout-button - The "Log out" button.
 * @csspart password-button - Shows and hides the "Change password" form (`<chat-password>`,
 *   loaded when first shown), whose parts come out as `password-form`, `password-submit-button`
 *   and `password-status` (and `label`, `input`, `error`).
 * @csspart close-button - The panel's close button.
 * @csspart unavailable - What the panel says when `to` names no user or group.
 * @csspart away - The note that the `to` user is offline, with the e-mail form.
 * @csspart mail-form - The optional e-mail form of the away note (its field is `input`).
 * @csspart mail-button - The form's save button.
 * @csspart name-form - A guest's display-name form, until the guest has set one (its field is
 *   `input`, its error line `error`).
 * @csspart name-button - That form's save button.
 * @csspart greeting - `<chat-window>`'s `greeting` line.
 * @csspart visitor-mail - Re-exported from `<chat-roster>`: a visitor's e-mail, in the team's list.
 * @csspart visitor-page - Re-exported from `<chat-roster>`: the page a visitor wrote from first.
 * @csspart body - The area below the header holding the nested elements.
 * @csspart tabs - Re-exported from `<chat-login>`, as are `tab`, `form`, `label`, `input`,
 *   `submit-button`, `error`, `signed-in`.
 * @csspart conversation-list - Re-exported from `<chat-roster>`, as are `conversation`, `empty`,
 *   `start-form`, `start-button`.
 * @csspart conversation-badge - `<chat-roster>`'s `badge`: a conversation's unread count.
 * @csspart window-header - `<chat-window>`'s `header`.
 * @csspart window-title - `<chat-window>`'s `title`: the peer's name.
 * @csspart message-list - Re-exported from `<chat-window>`, as are `status`, `load-older-button`,
 *   `message`, `message-own`, `message-other`, `message-text`, `message-meta`, `receipt`,
 *   `image-button`, `play-button`, `player`, `card`, `download-button`, `map-link`,
 *   `upload-progress`, `cancel-button`, `retry-button`, `recall-button`, `viewer`,
 *   `viewer-close-button`, `composer`, `attach-button`, `record-button`, `location-button`,
 *   `emoji-button`, `emoji-picker`, `send-button`.
 * @csspart roster-tabs - `<chat-roster>`'s `tabs`; `roster-tab` is its `tab`.
 * @csspart roster-tab - `<chat-roster>`'s `tab`.
 * @csspart tab-count - Re-exported from `<chat-roster>`, as are the parts of its contacts, groups and
 *   rooms panels (`contact`, `presence`, `accept-button`, `group`, `join-button`, `room`, …; see
 *   `<chat-contacts>`, `<chat-groups>`, `<chat-rooms>`).
 * @csspart sender - Re-exported from `<chat-window>`, as are `group-info-button`, `group-dialog`,
 *   `leave-room-button`, `muted-banner`, `left-notice` and the parts of `<chat-group-info>`
 *   (`member-list`, `member`, `manage-button`, `kick-button`, `mute-button`, …).
 * @csspart group-close-button - `<chat-window>`'s `close-button`: closes the group dialog.
 * @csspart notices - The `<chat-notices>` toasts above the body (`notice`, `dismiss-button`).
 * @csspart notice - Re-exported from `<chat-notices>`, as is `dismiss-button`.
 * @csspart input - Every text field of the nested elements.
 * @csspart error - Every alert region of the nested elements, and the widget's own.
 *
 * @cssproperty [--chat-inset=16px] - Distance of the launcher from the viewport's corner. A second
 *   `<chat-widget>` in the page goes beside the first (its launcher size plus 16px further in);
 *   give each its own `--chat-inset` to place them otherwise.
 * @cssproperty [--chat-z-index=9999] - Stacking order of the launcher and panel.
 * @cssproperty [--chat-launcher-size=56px] - Diameter of the launcher.
 * @cssproperty [--chat-panel-width=352px] - Width of the panel (from 640px, list and window sit side by side).
 * @cssproperty [--chat-panel-height=544px] - Height of the panel.
 * @cssproperty [--chat-badge-background=#b91c1c] - Unread badge background.
 * @cssproperty [--chat-badge-text=#fff] - Unread badge text.
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=14px] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Secondary text colour.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Header, buttons, received bubbles.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Borders and separators.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Accent: launcher, own bubbles, main buttons.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text and icons on the accent colour.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Errors and failed messages.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=12px] - Corner radius of the panel and bubbles (controls use half).
 * @cssproperty [--chat-spacing=8px] - Spacing unit.
 */
@customElement('chat-widget')
export class ChatWidget extends LitElement {
  static override styles = [themeStyles, styles];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'login.logIn': 'Entrer' } }`); a
   * tag the widget does not ship adds that locale. The elements inside follow it too.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);
  /** `<chat-login>`, a chunk of its own: a signed-in visitor never loads it (build/budgets.ts). */
  private readonly loginForm = new LazyElementController(
    this,
    'chat-login',
    () => import('../chat-login/chat-login.js'),
  );
  /** `<chat-password>`, a chunk of its own, loaded when its form is first shown. */
  private readonly passwordForm = new LazyElementController(
    this,
    'chat-password',
    () => import('../chat-password/chat-password.js'),
  );

  /** The app, `org#app`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** With `access-token`: the user to log in as without the form (a site that signs users in). */
  @property() user = '';

  /** With `user`: a token the site got for that user from the chat server's `/token` API. */
  @property({ attribute: 'access-token' }) accessToken = '';

  /** Whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /**
   * Visitors chat as a guest, without any form (the app must allow guests): one is made the first
   * time the panel opens, then kept in this browser and signed in on every page load. `off` to stop.
   */
  @property({ converter: offUnlessOn }) guest = false;

  /** The conversation the panel opens straight into, without the list: a username, or a group id with `to-type="group"`. */
  @property() to = '';

  /** What `to` names: `user` (the default) or `group`. */
  @property({ attribute: 'to-type' }) toType: 'user' | 'group' = 'user';

  /** With `to`: the first line of the conversation, shown as if `to` said it, never sent nor stored. */
  @property() greeting = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  /** The unread count in the page title while the panel is closed or the tab hidden; `off` to stop. */
  @property({ attribute: 'title-count', converter: onUnlessOff }) titleCount = true;

  /** A short sound on an incoming message while the panel is closed or the tab hidden; `off` to stop. */
  @property({ converter: onUnlessOff }) sound = true;

  /** Desktop notifications of incoming messages (asked for on the visitor's first click). */
  @property({ converter: offUnlessOn }) notifications = false;

  @state() private tokenError = '';
  /** What a check of the app key and server found when the signed-out panel opened. */
  @state() private problem: AppProblem = '';
  /** The store last checked, and the check while it runs. */
  private checked?: ChatStoreApi | undefined;
  private checking?: Promise<void> | undefined;
  @state() private tokenPending = false;
  /** The "Change password" form in the body instead of the list: its chunk loading, shown, failed. */
  @state() private account = false;
  /** The `to` conversation and the guest sign-in, loaded the first time a page sets `to` or `guest`. */
  private visitors?: SiteVisitors;
  private visitorsLoad?: Promise<unknown>;
  @query('.launcher') private launcher?: HTMLButtonElement;

  private store: ChatStoreApi | undefined;
  private readonly provider = new ContextProvider(this, { context: chatStoreContext });
  private readonly cues = new AttentionCuesController(this, {
    preview: (message) => messagePreview(message, false, this.i18n),
    openConversation: async (message) => {
      await this.store?.openConversation(message.conversationId, message.chatType);
      await this.setOpen(true);
    },
  });
  private readonly currentUser = new ObservableController<CurrentUser | null>(this, null);
  private readonly status = new ObservableController<ConnectionStatus>(this, 'signed-out');
  private readonly unread = new ObservableController<number>(this, 0);
  private readonly active = new ObservableController<string | null>(this, null);
  /** Why the store signed the user out (token expired, signed in elsewhere), until the next login. */
  private readonly storeError = new ObservableController<ChatError | null>(this, null);
  /** The error already dealt with: the last one before the latest login or log-out. */
  private seenError: ChatError | null = null;
  private signedIn = false;
  /** Settles once the active conversation has followed the last open/close. */
  private following: Promise<void> = Promise.resolve();
  /** The conversation that was open when the panel closed, to reopen with the panel. */
  private closedConversation: { id: string; chatType: ChatType } | null = null;
  private readonly conversations = new ObservableController<{ id: string; chatType: ChatType }[]>(
    this,
    [],
  );
  /** The last `user` + token tried, so a failed or logged-out token is not retried in a loop. */
  private tokenTried = '';

  constructor() {
    super();
    // The form that had focus is gone once signed in: focus goes to the list (or the open
    // conversation), not to the page's body. On the host: <chat-login> may already be off the page
    // and have the widget fire its event (see chat-login.ts).
    this.addEventListener('chat-login', () => void this.refocus());
    this.addEventListener('keydown', (event) => {
      // Escape in an open dialog inside (a confirmation, the image viewer) closes only that dialog.
      const inDialog = event
        .composedPath()
        .some((node) => node instanceof HTMLDialogElement && node.open);
      if (event.key === 'Escape' && this.open && !event.isComposing && !inDialog) {
        event.stopPropagation();
        void this.setOpen(false);
      }
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A second widget in the page goes beside the first, not on top of it (--_stack in the
    // styles; the loader does the same for the launchers it draws).
    const index = [...document.querySelectorAll('chat-widget')].indexOf(this);
    if (index > 0) this.style.setProperty('--_stack', String(index));
  }

  // The classic script's loader (src/loader/loader.ts) draws a launcher into this shadow root
  // before the element is defined; Lit reuses the root, so that drawing goes first.
  protected override createRenderRoot() {
    this.shadowRoot?.replaceChildren();
    return super.createRenderRoot();
  }

  /** Opens the panel and moves focus into it. */
  show(): Promise<void> {
    return this.setOpen(true);
  }

  /** Closes the panel and returns focus to the launcher. */
  hide(): Promise<void> {
    return this.setOpen(false);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('appKey') && !this.appKey) {
      // For the site owner, who may never open the panel: the widget cannot work as written.
      console.warn(
        'openwebim: <chat-widget> has no app-key attribute; add app-key="org#app" (your app’s key) for the chat to work.',
        this,
      );
    }
    if (changed.has('appKey') || changed.has('apiUrl')) {
      this.store = this.appKey
        ? getChatStore(this.appKey, this.apiUrl || defaultApiUrl())
        : undefined;
      this.provider.setValue(this.store);
      this.problem = '';
    }
    const store = this.store;
    this.cues.observe(store);
    this.currentUser.observe([store], () => store?.user$);
    this.status.observe([store], () => store?.status$);
    this.unread.observe([store], () => store?.totalUnread$);
    this.active.observe([store], () => store?.activeConversation$);
    this.conversations.observe([store], () => store?.conversations$);
    this.storeError.observe([store], () => store?.error$);
    const signedIn = !!this.currentUser.value;
    if (signedIn && !this.signedIn) this.seenError = this.storeError.value;
    if (!signedIn) this.account = false;
    this.signedIn = signedIn;
    if (typeof changed.get('open') === 'boolean') {
      this.following = this.followOpen().catch(() => undefined);
    }
    // Here rather than in `updated`, so that "Signing in…" shows in this very render.
    void this.loginWithToken();
    // A problem found before is looked at again when the panel opens again (the server is back).
    if (!this.open && this.problem) this.checked = undefined;
    if (this.open && store && !signedIn && this.checked !== store) {
      this.checked = store;
      this.checking = import('./app-check.js')
        .then(({ appProblem }) => appProblem(store))
        .then((problem) => void (this.store === store && (this.problem = problem)))
        .finally(() => (this.checking = undefined));
    }
    // A site's visitors' code (conversation-target.ts), a chunk loaded when `to` or `guest` is set.
    if (this.visitors) this.visitors.follow();
    else if (this.to || this.guest) {
      this.visitorsLoad ??= import('./conversation-target.js').then(
        ({ SiteVisitors }) => {
          this.visitors = new SiteVisitors(this as unknown as VisitorWidget);
          this.requestUpdate();
        },
        () => (this.visitorsLoad = undefined), // The network: the next update tries again.
      );
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.toggleAttribute('unread', this.unread.value > 0);
    this.setAttribute('status', this.status.value);
  }

  /**
   * The store counts a message as read when it arrives in the active conversation of a visible
   * page. A closed panel shows nothing, so while closed no conversation is active (and the launcher
   * badge counts what arrives); opening the panel reopens the conversation, which reads it.
   */
  private async followOpen(): Promise<void> {
    const store = this.store;
    if (!store || !this.currentUser.value) return;
    if (this.open) {
      const closed = this.closedConversation;
      this.closedConversation = null;
      if (!(await this.visitors?.open()) && closed && !this.active.value)
        await store.openConversation(closed.id, closed.chatType);
    } else if (this.active.value) {
      const id = this.active.value;
      const chatType = this.conversations.value.find((c) => c.id === id)?.chatType ?? 'singleChat';
      this.closedConversation = { id, chatType };
      await store.openConversation(null);
    }
  }

  // Also settles once the check an opened panel started has answered and been rendered, and
  // once the `to` conversation's chunk has loaded: it decides what the panel shows.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.checking;
    await this.visitorsLoad?.catch(() => undefined);
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const unread = this.unread.value;
    const user = this.currentUser.value;
    const view = this.active.value ? 'window' : 'roster';
    return html`
      <button
        part="launcher"
        class="launcher"
        aria-label=${this.i18n.t(this.open ? 'widget.close' : 'widget.open')}
        aria-expanded=${this.open}
        aria-controls="panel"
        aria-describedby="unread"
        @click=${() => this.setOpen(!this.open)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">${this.open ? closeIcon : chatIcon}</svg>
      </button>
      ${
        unread
          ? html`<span part="badge" aria-hidden="true"
              >${unread > 99 ? `${this.i18n.number(99)}+` : this.i18n.number(unread)}</span
            >`
          : nothing
      }
      <span id="unread" hidden
        >${unread ? this.i18n.t('common.unread', { count: unread }) : ''}</span
      >
      <div
        id="panel"
        part="panel"
        class="panel"
        role="dialog"
        aria-label=${this.i18n.t('widget.chat')}
        ?hidden=${!this.open}
      >
        ${panelHeader(this as unknown as HeaderWidget, user, view)}
        ${
          user
            ? html`<chat-notices
                part="notices"
                exportparts="notice, dismiss-button"
                theme=${this.theme ?? nothing}
              ></chat-notices>`
            : nothing
        }
        <div
          part="body"
          class="body"
          data-view=${user && this.to ? 'to' : view}
          @chat-conversation-select=${this.refocus}
        >
          ${this.body(user)}
        </div>
      </div>
    `;
  }

  private body(user: CurrentUser | null) {
    const theme = this.theme ?? nothing;
    if (user && this.account)
      return this.passwordForm.render(
        this.i18n,
        () =>
          html`<chat-password
            exportparts="form: password-form, label, input, submit-button: password-submit-button, error, status: password-status"
            theme=${theme}
          ></chat-password>`,
      );
    if (user && this.to) {
      return (
        this.visitors?.render(windowParts) ??
        html`<p role="status">${this.i18n.t('common.loading')}</p>`
      );
    }
    if (user) {
      return html`<chat-roster exportparts=${rosterParts} theme=${theme}></chat-roster>
        <chat-window exportparts=${windowParts} theme=${theme}></chat-window>`;
    }
    if (this.tokenPending || this.visitors?.pending) {
      return html`<p role="status">${this.i18n.t('common.signingIn')}</p>`;
    }
    // Without an app, or with one the server does not know, or a server that does not answer,
    // there is nothing to sign in to: say so, rather than a form that cannot work.
    if (!this.store || this.problem) {
      return html`<p part="error" class="alert" role="alert">
        ${this.i18n.message(`login.${this.problem || 'noAppKey'}`, { appKey: this.appKey })}
      </p>`;
    }
    const lost = this.storeError.value;
    const error =
      this.tokenError ||
      this.visitors?.error ||
      (lost && lost !== this.seenError ? errorMessage(lost, this.i18n) : '');
    return html`<p part="error" class="alert" role="alert">${error}</p>
      ${this.loginForm.render(
        this.i18n,
        () => html`<chat-login exportparts=${loginParts} theme=${theme}></chat-login>`,
      )}`;
  }

  private async setOpen(open: boolean): Promise<void> {
    if (open === this.open) return;
    this.open = open;
    if (open) void this.visitors?.signIn(true);
    const changed = new ChatOpenChangeEvent(open);
    this.dispatchEvent(changed);
    await this.updateComplete;
    await this.following;
    if (open) await this.refocus();
    else this.launcher?.focus();
  }

  /** Moves focus to what the panel shows: the login form, the list or the conversation. */
  private async focusView(): Promise<void> {
    const body = this.renderRoot.querySelector('.body');
    // The form's chunk may still be on its way: focus goes to it once it is shown.
    if (!this.currentUser.value && this.store && !this.tokenPending && !this.problem)
      await this.loginForm.settled();
    const view = this.active.value || this.to ? 'chat-window' : 'chat-roster';
    const target: (HTMLElement & { updateComplete?: Promise<unknown> }) | null =
      body?.querySelector<HTMLElement>(`chat-login, ${view}`) ??
      this.renderRoot.querySelector<HTMLElement>('[part="close-button"]');
    await target?.updateComplete;
    target?.focus();
  }

  // The control that had focus went away with the view it was in (the form, the list).
  private async refocus(): Promise<void> {
    await this.updateComplete;
    await this.focusView();
  }

  private async loginWithToken(): Promise<void> {
    const store = this.store;
    if (!store || !this.user || !this.accessToken) return;
    const signedIn = this.currentUser.value;
    const status = this.status.value;
    if (signedIn ? status === 'connecting' : status !== 'signed-out') return;
    // The site says who the visitor is: a session resumed for someone else gives way.
    if (signedIn?.username === this.user.toLowerCase()) return;
    const key = `${store.appKey}\n${this.user}\n${this.accessToken}`;
    if (key === this.tokenTried) return;
    this.tokenTried = key;
    this.tokenError = '';
    this.tokenPending = true;
    try {
      if (signedIn) await store.logout();
      await store.loginWithToken({ username: this.user, accessToken: this.accessToken });
    } catch (error) {
      this.tokenError = this.i18n.t('widget.tokenFailed', {
        reason: errorMessage(error, this.i18n),
      });
    } finally {
      this.tokenPending = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidget;
  }
}
