import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import type { ConnectionStatus, CurrentUser } from '../../store/index.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import { errorMessage } from '../error-message.js';
import { ChatLoginEvent } from '../events/chat-login-event.js';
import { ChatRegisterEvent } from '../events/chat-register-event.js';
import { requestLogout } from '../logout.js';
import { tabForKey } from '../tab-keys.js';
import '../locale/en-panels.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { themeStyles } from '../theme.styles.js';
import { styles } from './chat-login.styles.js';

export type LoginMode = 'login' | 'register';

/**
 * A form to log in or to create an account (with a nickname), on two tabs. Every error the server
 * answers (wrong password, name taken, registration closed, …) is shown in plain words in an alert
 * region. Creating an account also logs in with it. Once signed in, the element shows who is
 * signed in and a "Log out" button.
 *
 * Inside `<chat-widget>` it uses the widget's store; alone, it needs `app-key`.
 *
 * @summary Log in or register.
 *
 * @fires {ChatLoginEvent} chat-login - The user signed in through the form (also after registering).
 * @fires {ChatRegisterEvent} chat-register - The server created the account the user filled in.
 * @fires {ChatRequestLogoutEvent} chat-request-logout - The signed-in user pressed "Log out";
 *   cancelable: `preventDefault()` keeps the user signed in.
 *
 * @csspart tabs - The tab list switching between logging in and registering.
 * @csspart tab - Each of the two tabs.
 * @csspart form - The form, inside the tab panel.
 * @csspart label - Each field's visible label.
 * @csspart input - Each text field (username, password, nickname).
 * @csspart submit-button - The "Log in" / "Create account" button.
 * @csspart error - The alert region holding the last error, empty when there is none.
 * @csspart signed-in - The line naming the signed-in user (or saying a saved session is being
 *   resumed), shown instead of the form.
 * @csspart logout-button - The "Log out" button shown to a signed-in user.
 *
 * @cssproperty [--chat-font-family=inherit] - Font family.
 * @cssproperty [--chat-font-size=14px] - Base font size.
 * @cssproperty [--chat-background=light-dark(#fff, #18181b)] - Background.
 * @cssproperty [--chat-text=light-dark(#111827, #f4f4f5)] - Text colour.
 * @cssproperty [--chat-muted=light-dark(#4b5563, #a1a1aa)] - Secondary text colour.
 * @cssproperty [--chat-surface=light-dark(#f3f4f6, #27272a)] - Buttons and raised areas.
 * @cssproperty [--chat-border=light-dark(#d1d5db, #52525b)] - Borders of fields and buttons.
 * @cssproperty [--chat-primary=light-dark(#1d4ed8, #93c5fd)] - Accent: main button, selected tab.
 * @cssproperty [--chat-on-primary=light-dark(#fff, #0b1220)] - Text on the accent colour.
 * @cssproperty [--chat-danger=light-dark(#b91c1c, #fca5a5)] - Error text.
 * @cssproperty [--chat-focus-ring=var(--chat-primary)] - Keyboard focus outline.
 * @cssproperty [--chat-radius=12px] - Corner radius (controls use half).
 * @cssproperty [--chat-spacing=8px] - Spacing unit.
 */
@customElement('chat-login')
export class ChatLogin extends LitElement {
  static override styles = [themeStyles, styles];

  /**
   * Strings replacing the built-in ones, by locale tag (`{ fr: { 'login.logIn': 'Entrer' } }`); a
   * tag the widget does not ship adds that locale. The elements inside follow it too.
   */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);

  /** The app to sign in to, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The tab shown: `login` or `register`. */
  @property({ reflect: true }) mode: LoginMode = 'login';

  /** Forces a colour scheme, `light` or `dark`; by default it follows the system. */
  @property({ reflect: true }) theme?: 'light' | 'dark';

  @state() private busy = false;
  @state() private error = '';
  @query('#username') private usernameInput?: HTMLInputElement;

  private readonly stores = new StoreController(this);
  private readonly user = new ObservableController<CurrentUser | null>(this, null);
  private readonly status = new ObservableController<ConnectionStatus>(this, 'signed-out');

  /** Focus was asked for while "Signing in…" showed (nothing to focus): the form takes it. */
  private focusPending = false;

  override focus(options?: FocusOptions): void {
    const target = this.usernameInput ?? this.renderRoot.querySelector('button');
    this.focusPending = !target;
    target?.focus(options);
  }

  protected override updated(): void {
    // Unless the visitor has put focus somewhere else meanwhile.
    const free = document.activeElement === null || document.activeElement === document.body;
    if (this.focusPending && this.usernameInput && free) this.usernameInput.focus();
    if (this.usernameInput) this.focusPending = false;
  }

  protected override willUpdate(): void {
    const store = this.stores.store;
    this.user.observe([store], () => store?.user$);
    this.status.observe([store], () => store?.status$);
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const user = this.user.value;
    if (user) {
      const name = html`<strong><bdi>${user.nickname || user.username}</bdi></strong>`;
      return html`<p part="signed-in">${this.i18n.parts('login.signedInAs', { name })}</p>
        <button part="logout-button" @click=${this.logout}>
          ${this.i18n.t('common.logOut')}
        </button>`;
    }
    // The store resumes a saved session on page load: no form to flash meanwhile.
    if (this.status.value === 'connecting' && !this.busy) {
      return html`<p part="signed-in" role="status">${this.i18n.t('common.signingIn')}</p>`;
    }
    const register = this.mode === 'register';
    return html`
      <div
        role="tablist"
        aria-label=${this.i18n.t('login.account')}
        part="tabs"
        @keydown=${this.onTabKey}
      >
        ${this.tab('login', this.i18n.t('login.logIn'))}
        ${this.tab('register', this.i18n.t('login.register'))}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.mode}">
        <form aria-busy=${this.busy} part="form" @submit=${this.onSubmit}>
          <label part="label" for="username">${this.i18n.t('login.username')}</label>
          <input
            part="input"
            id="username"
            name="username"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            maxlength="64"
            required
          />
          <label part="label" for="password">${this.i18n.t('login.password')}</label>
          <input
            part="input"
            id="password"
            name="password"
            type="password"
            autocomplete=${register ? 'new-password' : 'current-password'}
            maxlength="64"
            required
          />
          ${
            register
              ? html`<label part="label" for="nickname">${this.i18n.t('login.nickname')}</label>
                  <input
                    part="input"
                    id="nickname"
                    name="nickname"
                    autocomplete="nickname"
                    maxlength="100"
                  />`
              : nothing
          }
          <button
            part="submit-button"
            class="primary"
            type="submit"
            aria-disabled=${this.busy ? 'true' : 'false'}
          >
            ${
              this.busy
                ? this.i18n.t(register ? 'login.creatingAccount' : 'login.loggingIn')
                : this.i18n.t(register ? 'login.createAccount' : 'login.logIn')
            }
          </button>
          <p part="error" class="alert" role="alert">${this.error}</p>
        </form>
      </div>
    `;
  }

  private tab(mode: LoginMode, label: string) {
    const selected = this.mode === mode;
    return html`<button
      part="tab"
      role="tab"
      type="button"
      id="tab-${mode}"
      aria-selected=${selected}
      aria-controls="panel"
      tabindex=${selected ? 0 : -1}
      @click=${() => this.switchTo(mode)}
    >
      ${label}
    </button>`;
  }

  private switchTo(mode: LoginMode): void {
    this.mode = mode;
    this.error = '';
  }

  // Tabs follow the ARIA pattern: one tab stop, arrows move between tabs.
  private async onTabKey(event: KeyboardEvent): Promise<void> {
    const mode = tabForKey<LoginMode>(event.key, ['login', 'register'], this.mode);
    if (!mode) return;
    event.preventDefault();
    this.switchTo(mode);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${mode}`)?.focus();
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const store = this.stores.store;
    if (this.busy) return;
    if (!store) {
      this.error = this.i18n.t('login.noAppKey');
      return;
    }
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const nickname = String(data.get('nickname') ?? '').trim();
    this.busy = true;
    this.error = '';
    // The element that holds this form, as it is now: signing in can take the form off the page
    // (<chat-widget> shows the roster instead) before the login event goes out.
    const root = this.getRootNode();
    const holder = root instanceof ShadowRoot ? root.host : undefined;
    try {
      if (this.mode === 'register') {
        await store.register({ username, password, ...(nickname ? { nickname } : {}) });
        // From here a failure is a login failure: show the login tab, the account exists.
        this.mode = 'login';
        const registered = new ChatRegisterEvent(username);
        this.dispatchEvent(registered);
      }
      await store.login({ username, password });
      form.reset();
      // Taken off the page meanwhile, an element's events reach no one: the holder tells the page
      // instead (the event bubbles and is composed, so listeners see it the same way).
      const loggedIn = new ChatLoginEvent(username);
      (this.isConnected || !holder?.isConnected ? this : holder).dispatchEvent(loggedIn);
    } catch (error) {
      this.error = errorMessage(error, this.i18n);
    } finally {
      this.busy = false;
    }
  }

  private async logout(): Promise<void> {
    const store = this.stores.store;
    if (store) await requestLogout(this, store);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-login': ChatLogin;
  }
}
