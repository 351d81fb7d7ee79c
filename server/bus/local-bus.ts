import type { Bus, Unsubscribe } from './bus.js';

/** The embedded bus: one process, events delivered synchronously, in publish order. */
export class LocalBus<Event> implements Bus<Event> {
  readonly #channels = new Map<string, Set<(event: Event) => void>>();
  readonly #onHandlerError: (error: unknown) => void;

  constructor(onHandlerError: (error: unknown) => void) {
    this.#onHandlerError = onHandlerError;
  }

  async publish(channel: string, event: Event): Promise<void> {
    const handlers = this.#channels.get(channel);
    if (!handlers) return;
    // Copy: a handler may unsubscribe (a kicked session does) while we iterate.
    for (const handler of [...handlers]) {
      try {
        handler(event);
      } catch (error) {
        // One broken subscriber must not keep the event from the others.
        this.#onHandlerError(error);
      }
    }
  }

  subscribe(channel: string, handler: (event: Event) => void): Unsubscribe {
    let handlers = this.#channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#channels.set(channel, handlers);
    }
    handlers.add(handler);
    return () => {
      const current = this.#channels.get(channel);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) this.#channels.delete(channel);
    };
  }

  async subscribed(): Promise<void> {}

  /** Nothing is ever lost in memory: the listener is never called. */
  onInterrupted(): Unsubscribe {
    return () => {};
  }

  async reachable(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.#channels.clear();
  }
}
