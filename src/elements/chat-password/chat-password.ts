import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { StoreController } from '../controllers/store-controller.js';
import { customElement } from '../custom-element.js';
import { errorMessage } from '../error-message.js';
import { ChatPasswordChangeEvent } from '../events/chat-password-change-event.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';

/**
 * A form for the signed-in user to change their password: the current one, the new one twice.
 * Every other session of the user (other devices and tabs) is signed out; this one stays signed
 * in. `<chat-widget>` loads it (as a chunk of its own) when its "Change password" button is first
 * pressed; alone, it needs `app-key`.
 *
 * @summary Change the signed-in user's password.
 *
 * @fires {ChatPasswordChangeEvent} chat-password-change - The password was changed.
 *
 * @csspart form - The form.
 * @csspart label - Each field's label.
 * @csspart input - Each password field.
 * @csspart submit-button - The "Change password" button.
 * @csspart error - Why the change was refused (a wrong current password, the two new ones differ).
 * @csspart status - "Password changed", once it was.
 */
@customElement('chat-password')
export class ChatPassword extends LitElement {
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  static override styles = [
    themeStyles,
    css`
      form {
        display: grid;
        gap: calc(var(--_space) / 2);
        padding: var(--_space);
      }
      button {
        margin-top: calc(var(--_space) / 2);
      }
      p {
        margin: 0;
      }
    `,
  ];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'password.save': 'Changer' } }`);
   * a tag the widget does not ship adds that locale.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private busy = false;
  @state() private error = '';
  @state() private done = false;

  private readonly i18n = new LocaleController(this);
  private readonly stores = new StoreController(this);

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const field = (name: string, key: 'password.current' | 'password.new' | 'password.repeat') =>
      html`<label part="label" for=${name}>${this.i18n.t(key)}</label>
        <input
          part="input"
          id=${name}
          name=${name}
          type="password"
          required
          maxlength="64"
          autocomplete=${name === 'current' ? 'current-password' : 'new-password'}
        />`;
    return html`<form
      part="form"
      aria-label=${this.i18n.t('password.open')}
      aria-busy=${this.busy ? 'true' : 'false'}
      @submit=${this.submit}
    >
      ${field('current', 'password.current')} ${field('new', 'password.new')}
      ${field('repeat', 'password.repeat')}
      <button part="submit-button" class="primary" aria-disabled=${this.busy ? 'true' : 'false'}>
        ${this.i18n.t('password.save')}
      </button>
      <p part="error" class="alert" role="alert">${this.error}</p>
      <p part="status" role="status">${this.done ? this.i18n.t('password.changed') : nothing}</p>
    </form>`;
  }

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    this.done = false;
    if (value('new') !== value('repeat')) {
      this.error = this.i18n.t('password.mismatch');
      return;
    }
    const store = this.stores.store;
    if (!store) return;
    this.busy = true;
    this.error = '';
    try {
      await store.changePassword({ oldPassword: value('current'), newPassword: value('new') });
      form.reset();
      this.done = true;
      const changed = new ChatPasswordChangeEvent();
      this.dispatchEvent(changed);
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
    } finally {
      this.busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-password': ChatPassword;
  }
}
