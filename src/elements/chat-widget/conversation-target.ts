/**
 * `<chat-widget to="support">`'s conversation (issue 9), a chunk of its own that the widget imports
 * the first time a page sets `to`: it checks the conversation once per signed-in user and `to` (a
 * user the server does not know, or a group that cannot be opened, is unavailable, with a console
 * warning for the site owner; a known user without a session is away), opens it with the panel,
 * and renders the window, or why there is none, and the away note with its optional e-mail form.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { VisitorExt, type ChatType, type Ext } from '../../protocol/index.js';
import type { ChatStoreApi, CurrentUser } from '../../store/index.js';
import { errorMessage } from '../error-message.js';
import type { LocaleController } from '../locale/locale-controller.js';

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

/** What the controller needs of the widget. */
export interface TargetHost {
  isOpen(): boolean;
  /** The store's active conversation. */
  active(): string | null;
  /** Work that opens the conversation; the widget waits for it before moving focus. */
  opening(work: Promise<void>): void;
}

export class ConversationTarget implements ReactiveController {
  private target: Target | null = null;
  private store: ChatStoreApi | undefined;
  private to = '';
  private toType = 'user';
  private mailSaved = '';
  private mailError = '';

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly i18n: LocaleController,
    private readonly widget: TargetHost,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  get ready(): boolean {
    return this.target?.state === 'ready';
  }

  /** Checks the conversation when the user, the store or `to` changed (called on every update). */
  follow(
    store: ChatStoreApi | undefined,
    user: CurrentUser | null,
    to: string,
    toType: string,
  ): void {
    to = to.trim();
    if (!user || !store || !to) {
      this.target = null;
      return;
    }
    const group = toType === 'group';
    const key = `${user.username}\n${to}\n${toType}`;
    if (this.target?.key === key && this.store === store) return;
    Object.assign(this, { store, to, toType, mailSaved: '', mailError: '' });
    const target: Target = {
      key,
      state: 'checking',
      id: group ? to : to.toLowerCase(),
      chatType: group ? 'groupChat' : 'singleChat',
    };
    this.target = target;
    void this.check(store, target);
  }

  /** Makes the conversation the active one (with the panel open); unavailable if that fails. */
  async open(): Promise<void> {
    const { store, target } = this;
    if (!store || target?.state !== 'ready' || this.widget.active() === target.id) return;
    try {
      await store.openConversation(target.id, target.chatType);
    } catch {
      if (this.target === target) this.unavailable(target);
    }
  }

  render(theme: string | typeof nothing, windowParts: string, greeting: string) {
    const target = this.target;
    if (!target || target.state === 'checking') {
      return html`<p role="status">${this.i18n.t('common.loading')}</p>`;
    }
    if (target.state === 'unavailable') {
      return html`<p part="unavailable" class="alert" role="alert">
        ${this.i18n.t('widget.unavailable')}
      </p>`;
    }
    return html`${target.away ? this.awayNote(target) : nothing}
      <chat-window
        exportparts=${windowParts}
        theme=${theme}
        conversation=${target.id}
        greeting=${greeting}
        .firstMessageExt=${visitorPage()}
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
    this.host.requestUpdate();
    if (this.widget.isOpen()) this.widget.opening(this.open());
  }

  private unavailable(target: Target): void {
    this.target = { ...target, state: 'unavailable' };
    this.host.requestUpdate();
    const type = this.toType === 'group' ? ' to-type="group"' : '';
    console.warn(
      `openwebim: <chat-widget to="${this.to}"${type}>: there is no ${this.toType === 'group' ? 'group' : 'user'} "${this.to}" in this app (or it cannot be opened); check the to attribute.`,
      this.host,
    );
  }

  private awayNote(target: Target) {
    return html`<div part="away" class="away">
      <p>${this.i18n.t('widget.away', { name: target.name ?? target.id })}</p>
      ${
        this.mailSaved
          ? html`<p role="status">${this.i18n.t('widget.mailSaved', { mail: this.mailSaved })}</p>`
          : html`<form part="mail-form" @submit=${this.saveMail}>
              <label part="label" for="mail">${this.i18n.t('widget.mailLabel')}</label>
              <input
                part="input"
                id="mail"
                name="mail"
                type="email"
                autocomplete="email"
                maxlength="256"
                required
              />
              <button part="mail-button" type="submit">${this.i18n.t('widget.mailSave')}</button>
              <p part="error" class="alert" role="alert">${this.mailError}</p>
            </form>`
      }
    </div>`;
  }

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
      this.mailError = errorMessage(error, this.i18n);
    }
    this.host.requestUpdate();
  };
}
