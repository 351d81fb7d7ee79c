/**
 * Fired when the signed-in user changed their password. Every other session of the user (other
 * devices and tabs) has been signed out; this one stays signed in.
 */
export class ChatPasswordChangeEvent extends Event {
  static readonly eventName = 'chat-password-change';

  constructor() {
    super(ChatPasswordChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-password-change': ChatPasswordChangeEvent;
  }
}
