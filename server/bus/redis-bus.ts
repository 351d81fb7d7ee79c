/**
 * The bus across processes: Redis pub/sub (`OPENWEBIM_REDIS_URL`). A process subscribes once per
 * channel that has a local subscriber and dispatches to them in arrival order; Redis keeps the
 * order of one publisher's events, and each session publishes one event after another.
 *
 * Pub/sub keeps nothing: while the connection is down, events are lost (sessions keep working:
 * what they send is stored and acked). Every stored event is also in its users' inboxes, so once
 * Redis is back the bus tells its listeners ({@link onInterrupted}); the gateway then closes its
 * sessions, their clients reconnect, and the replay by seq brings what they missed, exactly once.
 */
import type { Redis } from 'ioredis';
import type { Bus, Unsubscribe } from './bus.js';
import { commandConnection, KEY_PREFIX, subscriberConnection } from './redis-connection.js';

const CHANNEL_PREFIX = `${KEY_PREFIX}bus:`;

export class RedisBus<Event> implements Bus<Event> {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channels = new Map<string, Set<(event: Event) => void>>();
  readonly #subscribing = new Map<string, Promise<void>>();
  readonly #interrupted = new Set<() => void>();
  readonly #onError: (error: unknown) => void;
  /** Events may have been lost since the last interruption was told. */
  #lost = false;

  constructor(url: string, onError: (error: unknown) => void) {
    this.#onError = onError;
    this.#publisher = commandConnection(url);
    this.#subscriber = subscriberConnection(url);
    // ioredis emits 'error' on every failed reconnect; without a listener the process would die.
    this.#publisher.on('error', () => {});
    this.#subscriber.on('error', () => {});
    // Told once the connections are back, when the clients that reconnect can subscribe again.
    for (const connection of [this.#subscriber, this.#publisher]) {
      connection.on('ready', () => {
        if (!this.#lost) return;
        this.#lost = false;
        this.#interrupt();
      });
    }
    this.#subscriber.on('close', () => {
      this.#lost = true;
    });
    this.#subscriber.on('message', (channel: string, text: string) => {
      const handlers = this.#channels.get(channel.slice(CHANNEL_PREFIX.length));
      if (!handlers) return;
      let event: Event;
      try {
        event = JSON.parse(text) as Event;
      } catch (error) {
        this.#onError(error);
        return;
      }
      // Copy: a handler may unsubscribe (a kicked session does) while we iterate.
      for (const handler of [...handlers]) {
        try {
          handler(event);
        } catch (error) {
          this.#onError(error);
        }
      }
    });
  }

  async publish(channel: string, event: Event): Promise<void> {
    try {
      await this.#publisher.publish(CHANNEL_PREFIX + channel, JSON.stringify(event));
    } catch (error) {
      this.#onError(error);
      this.#lost = true;
    }
  }

  subscribe(channel: string, handler: (event: Event) => void): Unsubscribe {
    let handlers = this.#channels.get(channel);
    if (!handlers) {
      handlers = new Set();
      this.#channels.set(channel, handlers);
      const subscribing = this.#subscriber
        .subscribe(CHANNEL_PREFIX + channel)
        .then(() => undefined);
      this.#subscribing.set(channel, subscribing);
      subscribing.catch(this.#onError);
    }
    handlers.add(handler);
    return () => {
      const current = this.#channels.get(channel);
      if (!current?.delete(handler) || current.size > 0) return;
      this.#channels.delete(channel);
      this.#subscribing.delete(channel);
      this.#subscriber.unsubscribe(CHANNEL_PREFIX + channel).catch(this.#onError);
    };
  }

  subscribed(channel: string): Promise<void> {
    return this.#subscribing.get(channel) ?? Promise.resolve();
  }

  onInterrupted(listener: () => void): Unsubscribe {
    this.#interrupted.add(listener);
    return () => this.#interrupted.delete(listener);
  }

  async reachable(): Promise<boolean> {
    try {
      return this.#subscriber.status === 'ready' && (await this.#publisher.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  #interrupt(): void {
    for (const listener of [...this.#interrupted]) {
      try {
        listener();
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  async close(): Promise<void> {
    this.#channels.clear();
    this.#interrupted.clear();
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }
}
