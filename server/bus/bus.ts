/**
 * Fan-out between sessions. The in-process bus is the default; the Redis bus replaces it for
 * several gateway processes, which is why events must be plain JSON-serialisable data and why
 * nothing may assume a publisher and its subscribers share memory. Only bus/fanout.ts uses a bus.
 */
export type Unsubscribe = () => void;

export interface Bus<Event> {
  /**
   * Publishes to every subscriber of `channel`, in any process. Never rejects: an event the bus
   * could not carry leads to {@link onInterrupted}, and reaches its users through the inbox
   * catch-up instead.
   */
  publish(channel: string, event: Event): Promise<void>;
  /** Calls `handler` for every event published on `channel` from now on, in publish order. */
  subscribe(channel: string, handler: (event: Event) => void): Unsubscribe;
  /** Resolves once the subscription to `channel` is live (events published after it arrive). */
  subscribed(channel: string): Promise<void>;
  /**
   * Calls `listener` when events may have been lost (the connection to the bus dropped or a
   * publish failed), once the bus carries events again: subscribers must catch up from storage.
   */
  onInterrupted(listener: () => void): Unsubscribe;
  /** Whether the bus can carry events now (for `GET /ready`). */
  reachable(): Promise<boolean>;
  close(): Promise<void>;
}
