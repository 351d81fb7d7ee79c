/** What travels on the bus between sessions. Plain JSON, so a Redis/NATS bus can carry it. */
import type { InboxEvent, ServerMessage } from '../../src/protocol/frames.js';

export type UserEvent =
  /** A message for this user's sessions, with this user's seq (not for `exceptSession`). */
  | { kind: 'message'; message: ServerMessage; exceptSession?: string }
  /** A receipt or recall for this user's sessions, with this user's seq. */
  | { kind: 'inbox-event'; event: InboxEvent; exceptSession?: string }
  /** A single-login session started; the user's older single-login sessions must go. */
  | { kind: 'login'; session: string; loginAt: number; loginOrder: number };

/** One channel per user of an app. */
export const userChannel = (appKey: string, username: string) => `user:${appKey}:${username}`;
