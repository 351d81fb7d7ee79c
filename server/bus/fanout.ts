/**
 * The one door to the bus. Every publisher (the gateway's sessions, the REST routes of contacts,
 * groups and rooms, presence) and every subscriber (a session listening for its user) goes through
 * a {@link Fanout}; nothing else touches channel names or the {@link Bus} itself. Swapping the
 * in-process bus for Redis is then one change in app.ts.
 */
import type {
  UserEvent as InboxUserEvent,
  ReactionFrame,
  RoomEventFrame,
  ServerMessage,
} from '../../src/protocol/frames.js';
import type { Bus, Unsubscribe } from './bus.js';
import { userChannel, type UserEvent } from './user-events.js';

export type { Unsubscribe } from './bus.js';
export type { UserEvent } from './user-events.js';

/** A message stored for one user (with that user's seq). */
export interface Delivery {
  username: string;
  message: ServerMessage;
  /** Its `msg` frame, made from the stored JSON (for sessions of this process only). */
  frame?: (base: string) => string;
}

/** An event stored in one user's inbox (with that user's seq). */
export interface EventDelivery {
  username: string;
  event: InboxUserEvent;
}

/** The acting user's session that already has the result (its ack or answer) and must skip it. */
export interface Origin {
  username: string;
  session: string;
}

export class Fanout {
  readonly #bus: Bus<UserEvent>;

  constructor(bus: Bus<UserEvent>) {
    this.#bus = bus;
  }

  /** `handler` hears every event for the user's sessions from now on, in publish order. */
  subscribe(appKey: string, username: string, handler: (event: UserEvent) => void): Unsubscribe {
    return this.#bus.subscribe(userChannel(appKey, username), handler);
  }

  /** Resolves once a subscription made for the user is live (events from now on arrive). */
  live(appKey: string, username: string): Promise<void> {
    return this.#bus.subscribed(userChannel(appKey, username));
  }

  /**
   * `listener` runs whenever events may have been lost between processes (the bus connection
   * dropped): sessions must catch up from their inbox, as a reconnecting client does.
   */
  onInterrupted(listener: () => void): Unsubscribe {
    return this.#bus.onInterrupted(listener);
  }

  /** Whether events can travel now (for `GET /ready`). */
  reachable(): Promise<boolean> {
    return this.#bus.reachable();
  }

  /** One event to every session of one user. */
  toUser(appKey: string, username: string, event: UserEvent): Promise<void> {
    return this.#bus.publish(userChannel(appKey, username), event);
  }

  /**
   * A sent message: each recipient's copy to their sessions, then the sender's own copy to the
   * sender's other sessions (the sending one has it as its ack).
   */
  async message(appKey: string, deliveries: Delivery[], own: Delivery, origin: string) {
    for (const { username, message, frame } of deliveries) {
      await this.toUser(appKey, username, { kind: 'message', message, frame });
    }
    await this.toUser(appKey, own.username, {
      kind: 'message',
      message: own.message,
      frame: own.frame,
      exceptSession: origin,
    });
  }

  /**
   * Events a storage call appended (receipts, recalls, contact and group events) to the sessions of
   * each user concerned. A REST change has no session of its own to skip, so `origin` is optional.
   */
  async events(appKey: string, events: EventDelivery[], origin?: Origin): Promise<void> {
    for (const { username, event } of events) {
      const skip = origin && origin.username === username ? { exceptSession: origin.session } : {};
      await this.toUser(appKey, username, { kind: 'inbox-event', event, ...skip });
    }
  }

  /** A reaction change, each member's frame to their sessions (never stored). */
  async reactions(appKey: string, notices: { username: string; frame: ReactionFrame }[]) {
    for (const { username, frame } of notices) {
      await this.toUser(appKey, username, { kind: 'reaction', frame });
    }
  }

  /** A chat room's live notice to the users it concerns (never stored). */
  async room(appKey: string, usernames: string[], frame: RoomEventFrame): Promise<void> {
    for (const username of usernames) await this.toUser(appKey, username, { kind: 'room', frame });
  }

  close(): Promise<void> {
    return this.#bus.close();
  }
}
