/**
 * Stored messages and events shaped as the protocol's: a message as each inbox's copy (its `msg`
 * frame made from the stored JSON, message-json.ts), a receipt or recall as an inbox event, file
 * urls on the reader's base. What messages.ts sends and message-reads.ts reads back go out as these.
 */
import type {
  ChatType,
  Ext,
  InboxEvent,
  MessageBody,
  ServerMessage,
} from '../../src/protocol/frames.js';
import type { StoredEvent, StoredMessage } from '../storage/storage.js';
import { withFileBase } from './message-bodies.js';
import { messageJson } from './message-json.js';

/** One copy of a stored message, and its `msg` frame made from the stored JSON (message-json.ts). */
export interface MessageCopy {
  message: ServerMessage;
  /** The frame of {@link message}, its file urls on `base` (the reader's REST base). */
  frame: (base: string) => string;
}

/** Server messages carry file urls as stored paths; sessions and routes add their own base. */
export const toServerMessage = (stored: StoredMessage, seq: number): ServerMessage =>
  ({
    mid: stored.mid,
    id: stored.clientId,
    seq,
    from: stored.from,
    to: stored.to,
    chatType: stored.chatType as ChatType,
    ext: JSON.parse(stored.ext) as Ext,
    time: stored.time,
    ...(stored.allowGroupAck ? { msgConfig: { allowGroupAck: true } } : {}),
    ...(stored.receipt ? { receipt: stored.receipt } : {}),
    ...(stored.edit
      ? {
          modifiedInfo: {
            operatorId: stored.edit.by,
            operationCount: stored.edit.count,
            operationTime: stored.edit.at,
          },
        }
      : {}),
    ...(JSON.parse(stored.body) as MessageBody),
  }) as ServerMessage;

/**
 * A stored message as each inbox's copy, its body and ext parsed once for all of them: a group's
 * copies, and the sender's beside the recipient's, share their strings (a 15 KB text parsed again
 * per member held that much more per copy until every session had it, issue 11). `body`: the body
 * as it was stored (what its JSON parses to), when the caller has it: then nothing is parsed again.
 */
export const toServerMessages = (stored: StoredMessage, body?: MessageBody) => {
  const shared = toServerMessage(body ? { ...stored, body: '{}' } : stored, 0);
  if (body) Object.assign(shared, body);
  // Each copy goes out as the stored JSON with its seq (message-json.ts).
  const json = messageJson(stored, (seq) => ({ ...shared, seq }));
  return (seq: number): MessageCopy => ({
    message: { ...shared, seq },
    frame: (base) => json.frame(seq, base),
  });
};

/** A stored receipt, read or recall as the inbox event the inbox holding it at `seq` sends. */
export const toInboxEvent = (stored: StoredEvent, seq: number): InboxEvent => {
  const event: InboxEvent = {
    kind: stored.kind,
    seq,
    from: stored.from,
    to: stored.to,
    chatType: stored.chatType as ChatType,
    time: stored.time,
  };
  if (stored.mid !== null) event.mid = stored.mid;
  return event;
};

/** A message whose file urls point at `base` (the url the reader reached the server by). */
export const withBase = (message: ServerMessage, base: string): ServerMessage =>
  withFileBase(message, base);
