import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveElement } from 'lit';
import { defaults, getChatStore, type ChatStoreApi } from '../../store/index.js';
import { chatStoreContext } from '../context.js';

/** An element that can find a store: its own `app-key` / `api-url` when no widget provides one. */
export interface StoreHost extends ReactiveElement {
  appKey?: string;
  apiUrl?: string;
}

/**
 * Finds the store an element acts on: the one `<chat-widget>` provides through context, else the
 * shared store of the element's own `app-key` (so `<chat-roster app-key="org#app">` works alone).
 */
export class StoreController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof chatStoreContext, StoreHost>;

  constructor(private readonly host: StoreHost) {
    this.consumer = new ContextConsumer(host, { context: chatStoreContext, subscribe: true });
    host.addController(this);
  }

  get store(): ChatStoreApi | undefined {
    if (this.consumer.value) return this.consumer.value;
    const { appKey, apiUrl } = this.host;
    return appKey ? getChatStore(appKey, apiUrl || defaultApiUrl()) : undefined;
  }

  hostConnected(): void {}
}

/**
 * The server when a page names none: the one the classic script was loaded from (the store
 * re-exports the SDK's `defaults`, which that script fills in), else the page's own origin. Read
 * on use, never at module load, so importing the elements touches no `window`.
 */
export function defaultApiUrl(): string {
  return defaults.apiUrl || location.origin;
}
