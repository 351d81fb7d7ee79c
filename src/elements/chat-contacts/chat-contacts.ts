import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { Limits } from '../../protocol/index.js';
import type { Contact, ContactRequest } from '../../store/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { DisplayNameController } from '../controllers/display-name-controller.js';
import { ConfirmController } from '../controllers/confirm-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { openConversation } from '../open-conversation.js';
import { panelForm } from '../panel-form.js';
import { panelStyles } from '../panel.styles.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';

/** A contact row's buttons: their text and their accessible name, which says whom they act on. */
const rowActions = {
  accept: ['common.accept', 'contacts.acceptWho'],
  decline: ['common.decline', 'contacts.declineWho'],
  block: ['contacts.block', 'contacts.blockWho'],
  unblock: ['contacts.unblock', 'contacts.unblockWho'],
  remove: ['info.remove', 'contacts.removeWho'],
} as const;
type RowAction = keyof typeof rowActions;

/**
 * The signed-in user's contacts with live presence (a dot, and "online" / "offline" for screen
 * readers), friend requests received (accept or decline) and sent (waiting), "Add contact"
 * (username and an optional message), and the blocked users. Blocking, unblocking and removing a
 * contact ask first. A contact's name opens the conversation with them.
 *
 * Every action waits for the server: when it refuses, the reason shows in plain words next to the
 * control and the lists stay as they were.
 *
 * Inside `<chat-widget>` (or `<chat-roster>`) it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary Contacts, friend requests and the blocklist.
 *
 * @fires {ChatConversationSelectEvent} chat-conversation-select - The user opened a contact's conversation.
 *
 * @csspart add-contact-button - Shows and hides the "Add contact" form.
 * @csspart add-form - The "Add contact" form.
 * @csspart input - Its fields.
 * @csspart send-request-button - Its "Send request" button.
 * @csspart request-list - Friend requests received, with `accept-button` and `decline-button`.
 * @csspart accept-button - Accepts a request.
 * @csspart decline-button - Declines a request.
 * @csspart contact-list - The contacts.
 * @csspart contact - A contact's name (with its `presence` dot): opens the conversation.
 * @csspart presence - The presence dot; `online` is one of its classes.
 * @csspart block-button - Blocks a contact.
 * @csspart remove-button - Removes a contact.
 * @csspart outgoing-list - Requests sent and not answered yet.
 * @csspart blocked-list - Blocked users, with `unblock-button`.
 * @csspart unblock-button - Unblocks a user.
 * @csspart confirm-dialog - The dialog asking before blocking, unblocking or removing.
 * @csspart cancel-button - Its "Cancel".
 * @csspart confirm-button - Its confirming button.
 * @csspart error - A failed action's reason, next to its control.
 *
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Headings, notes, the offline dot.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Main buttons.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Errors, confirming a destructive action.
 */
@customElement('chat-contacts')
export class ChatContacts extends LitElement {
  static override styles = [themeStyles, panelStyles];

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

  @state() private adding = false;
  /** What the last request sent says (a polite status, not an alert). */
  @state() private sent = '';

  private readonly stores = new StoreController(this);
  private readonly contacts = new ObservableController<Contact[]>(this, []);
  private readonly requests = new ObservableController<ContactRequest[]>(this, []);
  private readonly blocked = new ObservableController<string[]>(this, []);
  private readonly actions = new ActionController(this, this.i18n);
  private readonly confirm = new ConfirmController(this, this.i18n);
  /** Nicknames of those who asked, were asked or are blocked (contacts come with theirs). */
  private readonly names = new DisplayNameController(this);

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.contacts.observe([store], () => store?.contacts$);
    this.requests.observe([store], () => store?.contactRequests$);
    this.blocked.observe([store], () => store?.blocklist$);
    const others = [...this.requests.value.map((r) => r.username), ...this.blocked.value];
    this.names.track(store, others);
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const requests = this.requests.value;
    const incoming = requests.filter((r) => r.direction === 'incoming');
    const outgoing = requests.filter((r) => r.direction === 'outgoing');
    const blocked = this.blocked.value;
    const contacts = this.contacts.value;
    return html`
      <button
        part="add-contact-button"
        class="toggle"
        aria-expanded=${this.adding}
        aria-controls="add-form"
        @click=${() => (this.adding = !this.adding)}
      >
        ${this.i18n.t('contacts.add')}
      </button>
      ${this.adding ? this.addForm() : nothing}
      ${
        incoming.length
          ? html`<h3 id="incoming">${this.i18n.t('contacts.requests')}</h3>
              <ul part="request-list" aria-labelledby="incoming">
                ${repeat(
                  incoming,
                  (r) => r.username,
                  (r) => this.incoming(r),
                )}
              </ul>`
          : nothing
      }
      <h3 id="contacts">${this.i18n.t('roster.contacts')}</h3>
      ${
        contacts.length
          ? html`<ul part="contact-list" aria-labelledby="contacts">
              ${repeat(
                contacts,
                (c) => c.username,
                (c) => this.contact(c, blocked.includes(c.username)),
              )}
            </ul>`
          : html`<p class="empty">${this.i18n.t('contacts.none')}</p>`
      }
      ${
        outgoing.length
          ? html`<h3 id="outgoing">${this.i18n.t('contacts.sent')}</h3>
              <ul part="outgoing-list" aria-labelledby="outgoing">
                ${outgoing.map(
                  (r) =>
                    html`<li>
                      ${this.who(r.username)}
                      <span class="note">${this.i18n.t('contacts.waiting')}</span>
                    </li>`,
                )}
              </ul>`
          : nothing
      }
      ${
        blocked.length
          ? html`<h3 id="blocked">${this.i18n.t('contacts.blocked')}</h3>
              <ul part="blocked-list" aria-labelledby="blocked">
                ${blocked.map(
                  (u) =>
                    html`<li>
                      <span class="open">${this.who(u)}</span>
                      ${this.button('unblock', u, () => this.unblock(u), this.names.get(u))}
                      ${this.actions.alert(`unblock:${u}`)}
                    </li>`,
                )}
              </ul>`
          : nothing
      }
      ${this.confirm.dialog()}
    `;
  }

  private addForm() {
    return panelForm({
      id: 'add-form',
      part: 'add-form',
      label: this.i18n.t('contacts.add'),
      fields: [
        {
          id: 'contact-name',
          label: this.i18n.t('login.username'),
          name: 'username',
          maxlength: Limits.usernameMaxBytes,
          required: true,
          usernames: true,
        },
        {
          id: 'contact-message',
          label: this.i18n.t('contacts.message'),
          name: 'message',
          maxlength: Limits.requestMessageMaxChars,
        },
      ],
      submitPart: 'send-request-button',
      submitText: this.i18n.t('contacts.sendRequest'),
      busy: this.actions.pending('add'),
      after: html`${this.actions.alert('add')}
        <p class="note" role="status">${this.sent}</p>`,
      onSubmit: (e) => this.onAdd(e),
    });
  }

  private incoming(r: ContactRequest) {
    return html`<li>
      <span class="open"
        >${this.who(r.username)}
        ${
          r.message
            ? html`<span class="note">${this.i18n.t('contacts.quote', { text: r.message })}</span>`
            : nothing
        }</span
      >
      ${this.button(
        'accept',
        r.username,
        () => this.stores.store!.acceptContact(r.username),
        this.names.get(r.username),
      )}
      ${this.button(
        'decline',
        r.username,
        () => this.stores.store!.declineContact(r.username),
        this.names.get(r.username),
      )}
      ${this.actions.alert(`accept:${r.username}`)} ${this.actions.alert(`decline:${r.username}`)}
    </li>`;
  }

  /** Someone not (yet) a contact: their display name, and the username when that differs. */
  private who(username: string) {
    const name = this.names.get(username);
    return html`<bdi class="name">${name}</bdi>${
        name === username ? nothing : html` <span class="note">(<bdi>${username}</bdi>)</span>`
      }`;
  }

  private contact(c: Contact, isBlocked: boolean) {
    const name = c.nickname || c.username;
    const u = c.username;
    return html`<li>
      <button part="contact" class="open inset-focus" @click=${() => this.open(u)}>
        <span part="presence" class="dot ${c.online ? 'online' : ''}" aria-hidden="true"></span
        ><bdi class="name">${name}</bdi
        ><span class="sr-only"
          >, ${this.i18n.t(c.online ? 'contacts.online' : 'contacts.offline')}</span
        >
        ${isBlocked ? html`<span class="note">${this.i18n.t('contacts.isBlocked')}</span>` : nothing}
      </button>
      ${isBlocked ? nothing : this.button('block', u, () => this.block(u, name), name)}
      ${this.button('remove', u, () => this.removeContact(u, name), name)}
      ${this.actions.alert(`open:${u}`)} ${this.actions.alert(`block:${u}`)}
      ${this.actions.alert(`remove:${u}`)}
    </li>`;
  }

  /** A row's action button, named for whom it acts on; its failure shows under `action:username`. */
  private button(action: RowAction, username: string, run: () => Promise<unknown>, name: string) {
    const [text, label] = rowActions[action];
    return this.actions.button(
      `${action}:${username}`,
      `${action}-button`,
      this.i18n.t(text),
      this.i18n.t(label, { name }),
      run,
    );
  }

  private open(username: string) {
    return this.actions.run(`open:${username}`, () =>
      openConversation(this, this.stores.store!, username),
    );
  }

  private async block(username: string, name: string): Promise<void> {
    const ok = await this.confirm.ask(
      this.i18n.t('contacts.blockQuestion', { name }),
      this.i18n.t('contacts.block'),
    );
    if (ok) await this.stores.store!.block(username);
  }

  private async removeContact(username: string, name: string): Promise<void> {
    const ok = await this.confirm.ask(
      this.i18n.t('contacts.removeQuestion', { name }),
      this.i18n.t('info.remove'),
    );
    if (ok) await this.stores.store!.removeContact(username);
  }

  private async unblock(username: string): Promise<void> {
    const ok = await this.confirm.ask(
      this.i18n.t('contacts.unblockQuestion', { name: this.names.get(username) }),
      this.i18n.t('contacts.unblock'),
    );
    if (ok) await this.stores.store!.unblock(username);
  }

  private async onAdd(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '')
      .trim()
      .toLowerCase();
    const message = String(data.get('message') ?? '').trim();
    this.sent = '';
    const ok = await this.actions.run('add', () =>
      this.stores.store!.addContact(username, message || undefined),
    );
    if (!ok) return;
    form.reset();
    this.sent = this.i18n.t('contacts.requestSent', { name: username });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-contacts': ChatContacts;
  }
}
