/**
 * `modifyMessage` (4.x): the frame it sends and the checks made before sending. The server's
 * answer and `onModifiedMessage` are in connection.ts; the protocol is src/protocol/message-edits.ts.
 */
import { ChatTypes, type ChatType } from '../protocol/frames.js';
import type { ModifyFrame } from '../protocol/message-edits.js';
import type { ErrorEvent, ReceivedMessage } from './types.js';

export interface ModifyMessageOptions {
  /** The server id of my text message. */
  messageId: string;
  /**
   * The new message: `WebIM.message.create({type: 'txt', chatType, to, msg})` (or the 3.x
   * `new WebIM.message('txt')`), naming the same conversation.
   */
  modifiedMessage: { type?: string; to?: string; chatType?: string; msg?: string; body?: unknown };
  success?: (result: ModifyMessageResult) => void;
  fail?: (error: ErrorEvent) => void;
}

export interface ModifyMessageResult {
  type: 0;
  /** The message as it now reads, with `modifiedInfo` ({operatorId, operationCount, operationTime}). */
  message: ReceivedMessage;
}

/** The frame for `options`, or the 4.x error for what the server would refuse anyway. */
export function toModifyFrame(id: string, options: ModifyMessageOptions): ModifyFrame | ErrorEvent {
  const given = options.modifiedMessage as Record<string, unknown> | undefined;
  const body = (given?.body ?? given) as Record<string, unknown> | undefined;
  const { type, to, chatType = 'singleChat', msg } = body ?? {};
  if (!options.messageId || typeof to !== 'string' || !to) {
    return { type: 205, message: 'modifyMessage needs messageId and a modifiedMessage with to' };
  }
  if (!ChatTypes.includes(chatType as ChatType)) {
    return { type: 205, message: `chatType ${String(chatType)} is not known` };
  }
  if (type !== 'txt' || typeof msg !== 'string' || !msg.trim()) {
    // MODIFY_MESSAGE_FORMAT_ERROR: only text, and never empty.
    return { type: 1303, message: 'modifiedMessage must be a text message with a text' };
  }
  return {
    t: 'modify',
    id,
    mid: String(options.messageId),
    to,
    chatType: chatType as ChatType,
    msg,
  };
}
