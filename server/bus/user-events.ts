/** What travels on the bus between sessions. Plain JSON, so a Redis bus can carry it. */
import type {
  PresenceFrame,
  ReactionFrame,
  RoomEventFrame,
  ServerMessage,
  UserEvent as InboxUserEvent,
} from '../../src/protocol/frames.js';

export type UserEvent =
  /**
   * A message for this user's sessions, with this user's seq (not for `exceptSession`). `frame`:
   * its `msg` frame with file urls on a base, made once from the stored JSON for every session
   * (server/domain/message-json.ts); a function, so it never crosses a Redis bus (JSON leaves it
   * out) and a session of another process serialises `message` itself.
   */
  | {
      kind: 'message';
      message: ServerMessage;
      frame?: (base: string) => string;
      exceptSession?: string;
    }
  /** A receipt, recall, contact or group event for this user's sessions, with this user's seq. */
  | { kind: 'inbox-event'; event: InboxUserEvent; exceptSession?: string }
  /** A contact of this user came online or went offline (live only, never stored). */
  | { kind: 'presence'; frame: PresenceFrame }
  /** A change in a chat room this user is (or was) in (live only, never stored). */
  | { kind: 'room'; frame: RoomEventFrame }
  /** A reaction to a message of a conversation of this user changed (live only, never stored). */
  | { kind: 'reaction'; frame: ReactionFrame }
  /**
   * A single-login session started; the user's single-login sessions older in the service's login
   * order must go.
   */
  | { kind: 'login'; session: string; loginOrder: number }
  /** The user holds more sessions than the app allows: these (by id) must go. */
  | { kind: 'surplus'; sessions: string[] }
  /**
   * Tokens were revoked: sessions holding the one with this SHA-256 (logout), or every session of
   * the user when there is none (password change), are kicked with `code`.
   */
  | { kind: 'revoked'; tokenHash?: string; code: number; reason: string };

/** One channel per user of an app. */
export const userChannel = (appKey: string, username: string) => `user:${appKey}:${username}`;
