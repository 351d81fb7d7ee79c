/**
 * Editing a sent text message (the 4.x SDK's `modifyMessage` / `onModifiedMessage`), over the
 * WebSocket like a recall:
 *
 * 1. The sender's session sends {@link ModifyFrame}; the server answers {@link ModifiedFrame} with
 *    the edited message, or `nack` under the same `id` with a `WebIM.statusCode`:
 *    1302 `MODIFY_MESSAGE_NOT_EXIST` (no such message, or it was recalled), 1303
 *    `MODIFY_MESSAGE_FORMAT_ERROR` (not a text message, or the new text is empty or too long),
 *    603 `PERMISSION_DENIED` (not the sender's message), 205 (a malformed frame, or the message was
 *    not sent to that `to`), 1304 `MODIFY_MESSAGE_FAILED` (a chat-room message: rooms keep no
 *    history to edit).
 * 2. A {@link MessageEditEvent} is stored in the inbox of everyone who has the message (both users
 *    of a conversation, every member of a group and the sender), pushed to their sessions but the
 *    editing one, and replayed like any inbox entry: other devices and a later login see the edit.
 * 3. History and replay give the message with its new text and {@link ModifiedInfo}.
 */
import type { ChatType } from './message-bodies.js';
import type { ServerMessage } from './server-frames.js';

/** Who last edited a message, how many times it was edited, and when (4.x `modifiedInfo`). */
export interface ModifiedInfo {
  operatorId: string;
  operationCount: number;
  /** ms since the epoch */
  operationTime: number;
}

/** Replace the text of my message `mid` to `to` by `msg`. */
export interface ModifyFrame {
  t: 'modify';
  id: string;
  mid: string;
  to: string;
  chatType: ChatType;
  msg: string;
}

/** The edit `id` is stored; `message` is the message as it now reads. */
export interface ModifiedFrame {
  t: 'modified';
  id: string;
  message: ServerMessage;
}

export interface MessageEditEvent {
  kind: 'modify';
  seq: number;
  /** The editor (the message's sender). */
  from: string;
  to: string;
  chatType: ChatType;
  mid: string;
  /** The message as it now reads, with its `modifiedInfo` (its own `seq` is 0). */
  message: ServerMessage;
  time: number;
}
