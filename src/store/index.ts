/**
 * openwebim/store: the RxJS + IndexedDB layer between the SDK connection and the elements.
 * `getChatStore(appKey)` gives the page's store for an app key; its observables and actions are
 * described by {@link ChatStoreApi}. `defaults` is the SDK's, re-exported so a page can set the
 * default `apiUrl` without importing the SDK.
 */
export type * from './types.js';
export {
  ChatStore,
  getChatStore,
  type ChatStoreOptions,
  type ConnectionFactory,
} from './chat-store.js';
export { ChatStoreError, Messages as ChatErrorMessages, toChatError } from './errors.js';
export { NoticeSentences as ChatNoticeSentences } from './notices.js';
export type { Visibility } from './visibility.js';
export { quoteOf } from './messages.js';
export { defaults } from '../sdk/index.js';
