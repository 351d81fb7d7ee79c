/**
 * A site's visitors (issue 9), a chunk of its own that `<chat-widget>` imports the first time a page
 * sets `to` or `guest` (a community's widget never loads it, and the signed-in budget of
 * build/budgets.ts does not pay for it): the guest sign-in, and the `to` conversation. The
 * conversation is checked once per signed-in user and `to` (a user the server does not know, or a
 * group that cannot be opened, is unavailable, with a console warning for the site owner; a known
 * user without a session is away), opened with the panel, and rendered: the window, or why there is
 * none, and the away note with its optional e-mail form.
 *
 * The controller is part of the element: it reads the widget's own state by name
 * ({@link VisitorWidget}) rather than through callbacks, which would be bytes in the element's chunk.
 */
import { css, html, nothing, type LitElement, type ReactiveController } from 'lit';
import type { Subscription } from 'rxjs';
import { GuestPrefix, Limits, VisitorExt, type ChatType, type Ext } from '../../protocol/index.js';
import type { ChatStoreApi, ConnectionStatus, CurrentUser } from '../../store/index.js';
import { errorMessage } from '../error-message.js';
import '../locale/en-visitors.js';
import type { LocaleController } from '../locale/locale-controller.js';

/** What this chunk reads and sets of `<chat-widget>` (chat-widget.ts), its attributes and state. */
export interface VisitorWidget extends LitElement {
  open: boolean;
  guest: boolean;
  to: string;
  toType: string;
  greeting: string;
  user: string;
  accessToken: string;
  theme?: string;
  readonly store: ChatStoreApi | undefined;
  readonly i18n: LocaleController;
  readonly currentUser: { value: CurrentUser | null };
  readonly status: { value: ConnectionStatus };
  readonly active: { value: string | null };
  /** Settles once the active conversation has followed the panel: the widget moves focus after it. */
  following: Promise<void>;
}

/** The rules of the guest's name form and the away note, added to the widget's own when this chunk loads. */
const styles = css`
  .note {
    flex: none;
    padding: var(--_space) calc(var(--_space) * 2);
    border-bottom: 1px solid var(--_border);
  }
  .note p {
    margin: 0 0 calc(var(--_space) / 2);
  }
  .note form,
  form.note {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2) var(--_space);
    align-items: center;
  }
  .note input {
    flex: 1;
    min-width: 10em;
  }
  .note label {
    flex-basis: 100%;
  }
`;

/** Where the visitor is, for the site's team: the page without query or fragment, and its title. */
function visitorPage(): Ext {
  const { origin, pathname } = location;
  return { [VisitorExt.page]: origin + pathname, [VisitorExt.pageTitle]: document.title };
}

interface Target {
  key: string;
  state: 'checking' | 'ready' | 'unavailable';
  /** The conversation's id: a username (lowercased) or a group id. */
  id: string;
  chatType: ChatType;
  /** The `to` user is known and has no session open. */
  away?: boolean;
  name?: string;
}

export class SiteVisitors implements ReactiveController {
  /** A guest sign-in is under way. */
  pending = false;
  /** Why the last guest sign-in failed, for the panel. */
  error = '';
  private target: Target | null = null;
  private store: ChatStoreApi | undefined;
  private to = '';
  private toType = 'user';
  private mailSaved = '';
  private mailError = '';
  private nameError = '';
  /** A guest sign-in was tried on this page load, so a failure is not retried in a loop. */
  private tried = false;
  /**
   * The visitor has a message of theirs in the `to` conversation: the page they are on went with
   * the first one (the team's inbox shows it), and no other carries it.
   */
  private wrote = false;
  /**
   * The page, for the visitor's first message only: asked by the window at the send itself, since
   * a second message can be sent before the store's list shows the first one.
   */
  private readonly pageOnce = (): Ext | undefined => {
    if (this.wrote) return undefined;
    this.wrote = true;
    return visitorPage();
  };
  /** The conversation's messages, watched for the visitor's own. */
  private watching?: Subscription | undefined;

  constructor(private readonly widget: VisitorWidget) {
    widget.addController(this);
    const root = widget.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, styles.styleSheet!];
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    // Checked again, and watched again, when the widget is back in a page.
    this.watch(null);
  }

  /** On every update of the widget: the guest sign-in, and the `to` conversation to check. */
  follow(): void {
    const { widget } = this;
    // A panel open from the start (`open`) asks for a guest once, as a click would.
    void this.signIn(widget.open && !this.tried);
    const store = widget.store;
    const user = widget.currentUser.value;
    const to = widget.to.trim();
    const toType = widget.toType;
    if (!user || !store || !to) {
      this.watch(null);
      return;
    }
    const group = toType === 'group';
    const key = `${user.username}\n${to}\n${toType}`;
    if (this.target?.key === key && this.store === store) return;
    Object.assign(this, { store, to, toType, mailSaved: '', mailError: '', nameError: '' });
    const target: Target = {
      key,
      state: 'checking',
      id: group ? to : to.toLowerCase(),
      chatType: group ? 'groupChat' : 'singleChat',
    };
    this.watch(target);
    void this.check(store, target);
  }

  /** Makes `target` the one shown, and follows whether the visitor wrote in it yet. */
  private watch(target: Target | null): void {
    this.watching?.unsubscribe();
    this.watching = undefined;
    this.target = target;
    this.wrote = false;
    const { store } = this;
    const me = this.widget.currentUser.value?.username;
    if (!target || !store || !me) return;
    this.watching = store.messages$(target.id).subscribe((messages) => {
      // The list decides again at each change: a first send refused (nothing queued) gives the
      // page back to the next one; a list emitted before the first send is stored may too, so
      // the page can go twice, never not at all.
      this.wrote = messages.some((m) => m.from === me);
    });
  }

  /**
   * Makes the `to` conversation the active one (the panel opened); unavailable if that fails.
   * False when there is none to open (no `to`, or not checked yet): the widget reopens its own.
   */
  async open(): Promise<boolean> {
    const { store, target } = this;
    if (!store || !this.widget.to || target?.state !== 'ready') return false;
    if (this.widget.active.value === target.id) return true;
    try {
      await store.openConversation(target.id, target.chatType);
    } catch {
      if (this.target === target) this.unavailable(target);
    }
    return true;
  }

  /**
   * `guest`'s sign-in, when nobody is signed in (nor about to be, with `user` + `access-token`): as
   * the guest this browser kept, on load; as a new one if need be when the panel opens (`create`),
   * so that no user is made for a visitor who never opens the chat.
   */
  async signIn(create: boolean): Promise<void> {
    const { widget } = this;
    const store = widget.store;
    if (
      !store ||
      !widget.guest ||
      (widget.user && widget.accessToken) ||
      widget.currentUser.value ||
      widget.status.value !== 'signed-out' ||
      this.pending ||
      (!create && this.tried)
    )
      return;
    this.tried = true;
    this.pending = true;
    this.error = '';
    widget.requestUpdate();
    try {
      if (create || (await store.hasGuest())) await store.loginAsGuest();
    } catch (error) {
      this.error = widget.i18n.t('widget.guestFailed', {
        reason: errorMessage(error, widget.i18n),
      });
    } finally {
      this.pending = false;
      widget.requestUpdate();
    }
  }

  /** The panel's body while signed in with `to`: the window, or why there is none. */
  render(windowParts: string) {
    const { target, widget } = this;
    if (!target || target.state === 'checking') {
      return html`<p role="status">${widget.i18n.t('common.loading')}</p>`;
    }
    if (target.state === 'unavailable') {
      return html`<p part="unavailable" class="alert" role="alert">
        ${widget.i18n.t('widget.unavailable')}
      </p>`;
    }
    return html`${this.nameForm()}${target.away ? this.awayNote(target) : nothing}
      <chat-window
        exportparts=${windowParts}
        theme=${widget.theme ?? nothing}
        conversation=${target.id}
        greeting=${widget.greeting}
        .sendExt=${this.pageOnce}
      ></chat-window>`;
  }

  private async check(store: ChatStoreApi, target: Target): Promise<void> {
    let next: Target = { ...target, state: 'ready' };
    if (target.chatType === 'singleChat') {
      try {
        const info = (await store.userInfo([target.id]))[target.id];
        if (!info) next = { ...target, state: 'unavailable' };
        else next = { ...next, away: !info.online, name: info.nickname || target.id };
      } catch {
        // Offline or refused: the conversation opens anyway; a wrong name fails on send.
      }
    }
    if (this.target !== target) return;
    if (next.state === 'unavailable') return this.unavailable(target);
    this.target = next;
    const { widget } = this;
    widget.requestUpdate();
    if (widget.open)
      widget.following = this.open().then(
        () => undefined,
        () => undefined,
      );
  }

  private unavailable(target: Target): void {
    this.target = { ...target, state: 'unavailable' };
    this.widget.requestUpdate();
    const type = this.toType === 'group' ? ' to-type="group"' : '';
    console.warn(
      `openwebim: <chat-widget to="${this.to}"${type}>: there is no ${this.toType === 'group' ? 'group' : 'user'} "${this.to}" in this app (or it cannot be opened); check the to attribute.`,
      this.widget,
    );
  }

  private awayNote(target: Target) {
    const { i18n } = this.widget;
    return html`<div part="away" class="note">
      <p>${i18n.t('widget.away', { name: target.name ?? target.id })}</p>
      ${
        this.mailSaved
          ? html`<p role="status">${i18n.t('widget.mailSaved', { mail: this.mailSaved })}</p>`
          : html`<form part="mail-form" @submit=${this.saveMail}>
              <label part="label" for="mail">${i18n.t('widget.mailLabel')}</label>
              <input
                part="input"
                id="mail"
                name="mail"
                type="email"
                autocomplete="email"
                maxlength="256"
                required
              />
              <button part="mail-button" type="submit">${i18n.t('widget.mailSave')}</button>
              <p part="error" class="alert" role="alert">${this.mailError}</p>
            </form>`
      }
    </div>`;
  }

  /**
   * A guest without a display name may set one (the site's team sees it in place of the guest's
   * username); the form goes once it is set. A member signed in with `to` has a name already.
   */
  private nameForm() {
    const { i18n, currentUser } = this.widget;
    const user = currentUser.value;
    if (!user || user.nickname || !user.username.startsWith(GuestPrefix)) return nothing;
    return html`<form part="name-form" class="note" @submit=${this.saveName}>
      <label part="label" for="nickname">${i18n.t('widget.nameLabel')}</label>
      <input
        part="input"
        id="nickname"
        name="nickname"
        autocomplete="name"
        maxlength=${Limits.nicknameMaxChars}
        required
      />
      <button part="name-button" type="submit">${i18n.t('widget.nameSave')}</button>
      <p part="error" class="alert" role="alert">${this.nameError}</p>
    </form>`;
  }

  private saveName = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const nickname = String(new FormData(form).get('nickname') ?? '').trim();
    if (!this.store || !nickname) return;
    this.nameError = '';
    try {
      // The store's user then has the nickname: the form goes, the name shows as mine.
      await this.store.updateOwnInfo({ nickname });
    } catch (error) {
      this.nameError = errorMessage(error, this.widget.i18n);
    }
    this.widget.requestUpdate();
  };

  private saveMail = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const mail = String(new FormData(form).get('mail') ?? '').trim();
    if (!this.store || !mail) return;
    this.mailError = '';
    try {
      await this.store.updateOwnInfo({ mail });
      this.mailSaved = mail;
    } catch (error) {
      this.mailError = errorMessage(error, this.widget.i18n);
    }
    this.widget.requestUpdate();
  };
}
