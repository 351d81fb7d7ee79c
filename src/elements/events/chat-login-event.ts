/** Fired by `<chat-login>` once the user has signed in through the form. */
export class ChatLoginEvent extends Event {
  static readonly eventName = 'chat-login';

  constructor(
    /** Who signed in. */
    readonly username: string,
  ) {
    super(ChatLoginEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-login': ChatLoginEvent;
  }
}
