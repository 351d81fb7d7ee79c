/**
 * The store's public shapes: what elements render and what they call. The store turns the SDK's
 * callbacks into these observables and persists everything to IndexedDB (see `chat-store.ts`).
 * They live in `types/` by section: a message and its conversation (`messages.ts`), the signed-in
 * user and the connection (`account.ts`), contacts, groups and rooms (`social.ts`), and the store's
 * API itself (`store-api.ts`).
 */
export type * from './types/messages.js';
export type * from './types/account.js';
export type * from './types/social.js';
export type * from './types/store-api.js';
