import type { ChatType } from '../protocol/index.js';
import type { ChatStoreApi } from '../store/index.js';
import { ChatConversationSelectEvent } from './events/chat-conversation-select-event.js';

/**
 * Makes a conversation the store's active one and tells the page from `host`. Rejects with the
 * store's error (no such user, not a member) and then fires nothing.
 */
export async function openConversation(
  host: HTMLElement,
  store: ChatStoreApi,
  id: string,
  chatType: ChatType = 'singleChat',
): Promise<void> {
  await store.openConversation(id, chatType);
  // The store normalizes a username (`Bob` is `bob`); groups and rooms keep their id.
  const opened = chatType === 'singleChat' ? id.trim().toLowerCase() : id;
  host.dispatchEvent(new ChatConversationSelectEvent(opened, chatType));
}
