/**
 * Fan-out between sessions. The in-process bus is the default; a Redis or NATS bus can replace it
 * for several gateway processes, which is why events must be plain JSON-serialisable data and why
 * nothing may assume a publisher and its subscribers share memory.
 */
export type Unsubscribe = () => void;

export interface Bus<Event> {
  publish(channel: string, event: Event): Promise<void>;
  /** Calls `handler` for every event published on `channel` from now on, in publish order. */
  subscribe(channel: string, handler: (event: Event) => void): Unsubscribe;
  close(): Promise<void>;
}
