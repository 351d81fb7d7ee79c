/** Fired by `<chat-login>` once the server has created the account the user filled in. */
export class ChatRegisterEvent extends Event {
  static readonly eventName = 'chat-register';

  constructor(
    /** The new account's username. */
    readonly username: string,
  ) {
    super(ChatRegisterEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-register': ChatRegisterEvent;
  }
}
