/** The frames a client sends (frames.ts tells the session they make up). */
import type { ChatType, Ext, MessageBody } from './message-bodies.js';
import type { ModifyFrame } from './message-edits.js';

/** First frame of every session. */
export interface AuthFrame {
  t: 'auth';
  /** The username the token was issued to. */
  user: string;
  /** An access token from `POST /{org}/{app}/token`. */
  token: string;
  /** A stable id of this browser/device (the SDK keeps one per origin). */
  deviceId: string;
  /**
   * `false` (the default of the seed's `isMultiLoginSessions: false`): this session replaces the
   * user's other single-login sessions, which are sent `kicked` (code 206) and closed.
   * `true`: this session lives beside every other session of the user.
   */
  multi: boolean;
  /** Highest seq this client has stored; omit to resume from the device's server-side cursor. */
  since?: number;
}

/** Heartbeat. */
export interface PingFrame {
  t: 'ping';
}

/** A message to send. `id` is the client's id for it, unique per sender. */
export type SendFrame = {
  t: 'msg';
  id: string;
  /** A username (singleChat), a group id (groupChat) or a room id (chatRoom). */
  to: string;
  chatType: ChatType;
  ext?: Ext;
  msgConfig?: MessageConfig;
  /** Pushed to the sessions open now, stored nowhere (item 11 of frames.ts). */
  deliverOnlineOnly?: boolean;
} & MessageBody;

/** Per-message options of the 4.x SDK that the server honours. */
export interface MessageConfig {
  /** Group messages only: members' read acks reach the sender (`onReadMessage` with a count). */
  allowGroupAck?: boolean;
}

/** "The message `mid` from `to` reached this device" (sent by the recipient's SDK with `delivery: true`). */
export interface DeliveryFrame {
  t: 'delivery';
  mid: string;
  /** The message's sender. */
  to: string;
}

/**
 * "I have read the message `mid` from `to`" (and, for unread counts, everything before it).
 * In a group (`chatType: 'groupChat'`, `to` = the group id) the sender of `mid` is told only when
 * the message was sent with `msgConfig.allowGroupAck`; my own devices are always told.
 */
export interface ReadFrame {
  t: 'read';
  mid: string;
  to: string;
  /** Default `singleChat`. */
  chatType?: ChatType;
}

/** "I have read the whole conversation with `to`." */
export interface ChannelFrame {
  t: 'channel';
  to: string;
  chatType: ChatType;
}

/** Recall (unsend) my message `mid` to `to`; answered `recalled` or `nack` under the same `id`. */
export interface RecallFrame {
  t: 'recall';
  id: string;
  mid: string;
  to: string;
  chatType: ChatType;
}

/** "I have stored everything up to and including `seq`." */
export interface RecvFrame {
  t: 'recv';
  seq: number;
}

/** Replace the session's token by a renewed one (the session then expires with the new token). */
export interface RenewFrame {
  t: 'renew';
  token: string;
}

export type ClientFrame =
  | AuthFrame
  | PingFrame
  | SendFrame
  | RecvFrame
  | RenewFrame
  | DeliveryFrame
  | ReadFrame
  | ChannelFrame
  | RecallFrame
  | ModifyFrame;
