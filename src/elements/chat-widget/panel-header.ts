/**
 * The panel's header (part of `<chat-widget>`, chat-widget.ts): the back button of a narrow panel,
 * the title naming the signed-in user, the password and log-out buttons, and the close button,
 * and what its buttons do. Like conversation-target.ts it reads the widget's own state by name
 * ({@link HeaderWidget}).
 */
import { html, nothing, svg, type LitElement } from 'lit';
import type { ChatError, ChatStoreApi, CurrentUser } from '../../store/index.js';
import type { LazyElementController } from '../controllers/lazy-element-controller.js';
import type { LocaleController } from '../locale/locale-controller.js';
import { requestLogout } from '../logout.js';

/** What the header reads of `<chat-widget>`. */
export interface HeaderWidget extends LitElement {
  readonly to: string;
  readonly guest: boolean;
  readonly i18n: LocaleController;
  /** The "Change password" form shows. */
  account: boolean;
  readonly store: ChatStoreApi | undefined;
  readonly passwordForm: LazyElementController;
  readonly storeError: { value: ChatError | null };
  /** The store's error that was there already, not shown. */
  seenError: ChatError | null;
  setOpen(open: boolean): Promise<void>;
  /** Moves focus to what the panel now shows. */
  refocus(): Promise<void>;
}

// The buttons' handlers: Lit calls them with the widget (the render's host) as `this`.

async function back(this: HeaderWidget): Promise<void> {
  await this.store?.openConversation(null);
  await this.refocus();
}

/** Shows or hides the "Change password" form; its chunk is imported the first time. */
async function toggleAccount(this: HeaderWidget): Promise<void> {
  this.account = !this.account;
  if (!this.account) return this.refocus();
  this.passwordForm.retry();
  await this.passwordForm.settled();
  const form = this.renderRoot.querySelector('chat-password');
  await form?.updateComplete;
  form?.focus();
}

async function logout(this: HeaderWidget): Promise<void> {
  // An earlier error is no reason to show beside a log-out the user asked for.
  this.seenError = this.storeError.value;
  if (this.store && (await requestLogout(this, this.store))) await this.refocus();
}

const keyIcon = svg`<path d="M7 7a5 5 0 1 0 4.6 7H15v2h3v-2h3v-4h-9.4A5 5 0 0 0 7 7z"/>`;

/** The header for `user` (`null`: signed out), over the list or the conversation (`view`). */
export function panelHeader(widget: HeaderWidget, user: CurrentUser | null, view: string) {
  return html`<div part="header" class="header">
    ${
      user && view === 'window' && !widget.to
        ? html`<button
            part="back-button"
            class="icon"
            aria-label=${widget.i18n.t('widget.back')}
            @click=${back}
          >
            ‹
          </button>`
        : nothing
    }
    <h2 part="title">
      ${
        user
          ? // Only the name shows; the words around it are for screen readers.
            widget.i18n
              .parts('login.signedInAs', {
                name: html`<bdi>${user.nickname || user.username}</bdi>`,
              })
              .map((part) =>
                typeof part === 'string'
                  ? part.trim() && html`<span class="sr-only">${part}</span>`
                  : part,
              )
          : widget.i18n.t('widget.chat')
      }
    </h2>
    ${
      // A guest (or the site's token, with `guest`) has no password here to change.
      user && !widget.guest
        ? html`<button
            part="password-button"
            class="icon"
            aria-label=${widget.i18n.t('password.open')}
            aria-expanded=${widget.account}
            @click=${toggleAccount}
          >
            <svg viewBox="0 0 24 24" aria-hidden="true">${keyIcon}</svg>
          </button>`
        : nothing
    }
    ${
      // With `guest`, whoever is signed in came without a form (a guest, or the site's
      // token): a sign-out would only sign the same one in again.
      user && !widget.guest
        ? html`<button part="logout-button" @click=${logout}>
            ${widget.i18n.t('common.logOut')}
          </button>`
        : nothing
    }
    <button
      part="close-button"
      class="icon"
      aria-label=${widget.i18n.t('widget.close')}
      @click=${() => widget.setOpen(false)}
    >
      ×
    </button>
  </div>`;
}
