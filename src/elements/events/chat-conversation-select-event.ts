/** Fired by `<chat-roster>` when the user opens a conversation, from the list or by username. */
export class ChatConversationSelectEvent extends Event {
  static readonly eventName = 'chat-conversation-select';

  constructor(
    /** The conversation now open: the peer's username. */
    readonly conversationId: string,
  ) {
    super(ChatConversationSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-conversation-select': ChatConversationSelectEvent;
  }
}
