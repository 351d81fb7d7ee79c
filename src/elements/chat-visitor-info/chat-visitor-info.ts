import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import type { VisitorInfo } from '../../store/index.js';
import { ObservableController } from '../controllers/observable-controller.js';
import { StoreController } from '../controllers/store-controller.js';
import '../locale/en-visitors.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';

/**
 * What the site's team knows of a visitor, for the team's inbox (`<chat-roster>` shows one under
 * each one-to-one conversation): the e-mail the visitor left, and the page they wrote from first
 * (its title and address, as their first message carried it). Renders nothing when neither is
 * known, so a community's conversations look as they always did.
 *
 * @summary A visitor's e-mail and page, for the team's inbox.
 *
 * @csspart visitor-mail - The e-mail line.
 * @csspart visitor-page - The page line.
 */
@customElement('chat-visitor-info')
export class ChatVisitorInfo extends LitElement {
  static override styles = css`
    :host {
      display: block;
      color: inherit;
      font-size: 0.85em;
    }
    :host(:not([known])) {
      display: none;
    }
    span {
      display: block;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `;

  /** Strings replacing the built-in ones, by locale tag. */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);

  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The visitor's username. */
  @property() username = '';

  private readonly stores = new StoreController(this);
  private readonly info = new ObservableController<VisitorInfo>(this, {});

  protected override willUpdate(): void {
    const store = this.stores.store;
    const username = this.username;
    this.info.observe([store, username], () => (username ? store?.visitor$(username) : undefined));
  }

  protected override getUpdateComplete(): Promise<boolean> {
    return this.i18n.settled(() => super.getUpdateComplete());
  }

  protected override render() {
    const { mail, page, pageTitle } = this.info.value;
    this.toggleAttribute('known', !!(mail || page));
    const where = page && (pageTitle ? `${pageTitle} (${page})` : page);
    return html`${
      mail
        ? html`<span part="visitor-mail" dir="auto">${this.i18n.t('visitor.mail', { mail })}</span>`
        : nothing
    }${
      where
        ? html`<span part="visitor-page" dir="auto" title=${page}
            >${this.i18n.t('visitor.page', { page: where })}</span
          >`
        : nothing
    }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-visitor-info': ChatVisitorInfo;
  }
}
