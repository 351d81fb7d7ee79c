/**
 * Fired by `<chat-widget>` when the total of unread messages changes (a message arrived, a
 * conversation was read here or on another device), so a host page can show its own badge.
 */
export class ChatUnreadChangeEvent extends Event {
  static readonly eventName = 'chat-unread-change';

  constructor(
    /** Unread messages in every conversation, now. */
    readonly unread: number,
  ) {
    super(ChatUnreadChangeEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-unread-change': ChatUnreadChangeEvent;
  }
}
