import type { ChatType } from '../../protocol/index.js';

/**
 * Fired by `<chat-roster>` (and the contacts, groups and rooms lists in it) when the user opens a
 * conversation.
 */
export class ChatConversationSelectEvent extends Event {
  static readonly eventName = 'chat-conversation-select';

  constructor(
    /** The conversation now open: the peer's username, or the group's or room's id. */
    readonly conversationId: string,
    /** `singleChat`, `groupChat` or `chatRoom`. */
    readonly chatType: ChatType = 'singleChat',
  ) {
    super(ChatConversationSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'chat-conversation-select': ChatConversationSelectEvent;
  }
}
