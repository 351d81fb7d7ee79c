/**
 * Fired when the user asks to log out, before anything happens. Cancel it (`preventDefault()`) to
 * keep the user signed in, e.g. to confirm first or to log out through the site's own backend.
 */
export class ChatRequestLogoutEvent extends Event {
  static readonly eventName = 'chat-request-logout';

  constructor() {
    super(ChatRequestLogoutEvent.eventName, { bubbles: true, composed: true, cancelable: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-request-logout': ChatRequestLogoutEvent;
  }
}
