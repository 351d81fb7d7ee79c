import type { ChatMessage } from '../../store/index.js';

/**
 * Fired by `<chat-window>` when the user sends a message, once it is queued (status `pending`);
 * follow its delivery in the store's `messages$`.
 */
export class ChatSendEvent extends Event {
  static readonly eventName = 'chat-send';

  constructor(
    /** The queued message, with the id it keeps from send to receipt. */
    readonly message: ChatMessage,
  ) {
    super(ChatSendEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-send': ChatSendEvent;
  }
}
