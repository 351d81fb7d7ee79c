import type { ChatStoreApi } from '../store/index.js';
import { ChatRequestLogoutEvent } from './events/chat-request-logout-event.js';

/**
 * Logs out unless the page cancels the `chat-request-logout` event fired from `host`. Resolves
 * whether the logout went ahead.
 */
export async function requestLogout(host: HTMLElement, store: ChatStoreApi): Promise<boolean> {
  if (!host.dispatchEvent(new ChatRequestLogoutEvent())) return false;
  await store.logout();
  return true;
}
