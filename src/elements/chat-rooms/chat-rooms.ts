import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatRoom } from '../../store/index.js';
import { ActionController } from '../controllers/action-controller.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { openConversation } from '../open-conversation.js';
import { panelForm } from '../panel-form.js';
import { Limits } from '../../protocol/index.js';
import { panelStyles } from '../panel.styles.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';

/**
 * The app's chat rooms with their member counts, read from the server again whenever the list is
 * shown. "Join" joins a room and opens it; a room already joined opens from its name and has
 * "Leave". A refusal (room full, gone) shows in plain words next to the control. The app's room
 * admins also get "Create a room": a form for its name and description, which creates the room,
 * joins it and opens it.
 *
 * Inside `<chat-widget>` (or `<chat-roster>`) it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary The chat rooms: join, open, leave.
 *
 * @fires {ChatConversationSelectEvent} chat-conversation-select - The user opened a room.
 *
 * @csspart room-list - The rooms.
 * @csspart room - A joined room's name: opens it.
 * @csspart join-button - Joins a room and opens it.
 * @csspart leave-button - Leaves a joined room.
 * @csspart create-button - Shows the form to create a room (the app's room admins).
 * @csspart create-form - That form; `input` its fields, `create-submit` creates the room.
 * @csspart error - A failed action's reason, next to its control.
 *
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Member counts.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Separators.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Errors.
 */
@customElement('chat-rooms')
export class ChatRooms extends LitElement {
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

  private readonly stores = new StoreController(this);
  private readonly rooms = new ObservableController<ChatRoom[]>(this, []);
  private readonly canCreate = new ObservableController<boolean>(this, false);
  /** Whether the form to create a room is shown. */
  @state() private creating = false;
  private readonly actions = new ActionController(this, this.i18n);
  private refreshed?: unknown;

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.rooms.observe([store], () => store?.rooms$);
    this.canCreate.observe([store], () => store?.canCreateRooms$);
    // Member counts change all the time: fresh ones each time the list is put on the page.
    if (store && this.refreshed !== store) {
      this.refreshed = store;
      void this.actions.run('refresh', () => store.refreshRooms());
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.refreshed = undefined;
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const rooms = this.rooms.value;
    return html`${this.actions.alert('refresh')} ${this.canCreate.value ? this.create() : nothing}
    ${
      rooms.length
        ? html`<ul part="room-list" aria-label=${this.i18n.t('rooms.list')}>
            ${repeat(
              rooms,
              (r) => r.id,
              (r) => this.room(r),
            )}
          </ul>`
        : html`<p class="empty">${this.i18n.t('rooms.none')}</p>`
    }`;
  }

  /** "Create a room" and, once pressed, its form. */
  private create() {
    const t = this.i18n.t.bind(this.i18n);
    return html`<button
        part="create-button"
        class="toggle"
        aria-expanded=${this.creating}
        aria-controls="create-form"
        @click=${() => (this.creating = !this.creating)}
      >
        ${t('mod.createRoom')}
      </button>
      ${
        this.creating
          ? panelForm({
              id: 'create-form',
              part: 'create-form',
              label: t('mod.createRoom'),
              fields: [
                {
                  id: 'room-name',
                  label: t('groups.name'),
                  name: 'name',
                  maxlength: Limits.roomNameMaxChars,
                  required: true,
                },
                {
                  id: 'room-description',
                  label: t('groups.description'),
                  name: 'description',
                  maxlength: Limits.groupDescriptionMaxChars,
                },
              ],
              submitPart: 'create-submit',
              submitText: t('groups.createSubmit'),
              busy: this.actions.pending('create'),
              after: this.actions.alert('create'),
              onSubmit: (e) => void this.onCreate(e),
            })
          : nothing
      }`;
  }

  private async onCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const store = this.stores.store!;
    const ok = await this.actions.run('create', async () => {
      const id = await store.createRoom(
        String(data.get('name') ?? ''),
        String(data.get('description') ?? ''),
      );
      await openConversation(this, store, id, 'chatRoom');
    });
    if (ok) this.creating = false;
  }

  private room(r: ChatRoom) {
    const count = html`<span class="note"
      >${this.i18n.t('common.members', { count: r.memberCount })}</span
    >`;
    const key = `room:${r.id}`;
    return html`<li>
      ${
        r.joined
          ? html`<button part="room" class="open inset-focus" @click=${() => this.open(r)}>
                <bdi class="name">${r.name}</bdi> ${count}
              </button>
              ${this.actions.button(
                key,
                'leave-button',
                this.i18n.t('rooms.leave'),
                this.i18n.t('rooms.leaveWhat', { name: r.name }),
                () => this.stores.store!.leaveRoom(r.id),
              )}`
          : html`<span class="open"><bdi class="name">${r.name}</bdi> ${count}</span>
              ${this.actions.button(
                key,
                'join-button',
                this.i18n.t('groups.join'),
                this.i18n.t('groups.joinWhat', { name: r.name }),
                () => this.enter(r),
              )}`
      }
      ${this.actions.alert(key)}
    </li>`;
  }

  private open(r: ChatRoom) {
    return this.actions.run(`room:${r.id}`, () => this.enter(r));
  }

  /** Joins the room unless already in, then opens it. */
  private async enter(r: ChatRoom): Promise<void> {
    const store = this.stores.store!;
    if (!r.joined) await store.joinRoom(r.id);
    await openConversation(this, store, r.id, 'chatRoom');
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-rooms': ChatRooms;
  }
}
