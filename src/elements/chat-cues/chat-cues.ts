import { ReactiveElement } from 'lit';
import { property } from 'lit/decorators.js';
import { customElement } from '../custom-element.js';
import {
  AttentionCuesController,
  offUnlessOn,
  onUnlessOff,
} from '../chat-widget/attention-cues.js';
import { StoreController } from '../controllers/store-controller.js';
import { LocaleController, type LocaleStrings } from '../locale/locale-controller.js';
import { messagePreview } from '../message-preview.js';

/**
 * `<chat-widget>`'s attention cues for a page that lays the chat out itself, such as the team's
 * inbox (`<chat-roster>` and `<chat-window>` side by side): while the page is hidden or has no
 * focus, a message from someone else puts the unread count in the page title (`(2) Page title`,
 * restored exactly when read) and plays a short sound (only once the person has interacted with
 * the page); `notifications` adds desktop notifications, permission asked on the person's first
 * click in the page, and clicking one opens its conversation (the page's `<chat-window>` shows
 * it). With several tabs of one user, the sound and the notification come once per message, from
 * the tab used last, as the widget's do (one page may have both: each message is cued once). It
 * shows nothing; none of it fires for the user's own messages.
 *
 * @summary Title count, sound and notifications for a page without `<chat-widget>`.
 *
 * @fires {ChatUnreadChangeEvent} chat-unread-change - The total of unread messages changed
 *   (`unread`), for the page's own badge.
 */
@customElement('chat-cues')
export class ChatCues extends ReactiveElement {
  /** The app, `org#app`, when not inside `<chat-widget>`. */
  @property({ attribute: 'app-key' }) appKey = '';

  /** The chat server's URL; defaults to the server the script came from, else the page's origin. */
  @property({ attribute: 'api-url' }) apiUrl = '';

  /** The unread count in the page title while the page is hidden or has no focus; `off` to stop. */
  @property({ attribute: 'title-count', converter: onUnlessOff }) titleCount = true;

  /** A short sound on an incoming message while the page is hidden or has no focus; `off` to stop. */
  @property({ converter: onUnlessOff }) sound = true;

  /** Desktop notifications of incoming messages (asked for on the person's first click in the page). */
  @property({ converter: offUnlessOn }) notifications = false;

  /** Strings replacing the built-in ones (the notification's line for a photo, a file…), by locale tag. */
  @property({ attribute: false }) strings?: LocaleStrings;

  private readonly i18n = new LocaleController(this);
  private readonly stores = new StoreController(this);
  private readonly cues = new AttentionCuesController(this, {
    preview: (message) => messagePreview(message, false, this.i18n),
    openConversation: (message) =>
      this.stores.store?.openConversation(message.conversationId, message.chatType) ??
      Promise.resolve(),
    // The permission is asked on a click of the person's own anywhere in the page.
    askOn: document,
  });

  /** Whether the person looks at the page's chat: the page has focus. */
  get open(): boolean {
    return document.hasFocus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('focus', this.refocused);
    window.addEventListener('blur', this.refocused);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.refocused);
    window.removeEventListener('blur', this.refocused);
  }

  private readonly refocused = (): void => this.requestUpdate();

  protected override willUpdate(): void {
    this.cues.observe(this.stores.store);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'chat-cues': ChatCues;
  }
}
