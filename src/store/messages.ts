/**
 * Converting between the SDK's message shapes and the store's {@link ChatMessage}, and checking a
 * draft before it is queued.
 */
import { Limits } from '../protocol/index.js';
import type { ReceivedText } from './connection-events.js';
import { conversationIdOf } from './conversations.js';
import { Codes, Messages, chatError } from './errors.js';
import type { ChatMessage } from './types.js';

const utf8 = new TextEncoder();

/**
 * A received text as a stored message, or `null` when it is not one the store can keep (the socket
 * is a trust boundary: a malformed frame is dropped, not stored half-way).
 * The key is the sender's client id, so the copy a resend or a replay brings lands on the same record.
 */
export function fromReceived(raw: ReceivedText, me: string): ChatMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { from, to } = raw;
  const text = typeof raw.msg === 'string' ? raw.msg : raw.data;
  const id = raw.localMsgId || raw.id;
  if (typeof from !== 'string' || typeof to !== 'string' || typeof text !== 'string') return null;
  if (typeof id !== 'string' || id === '') return null;
  const time = Number(raw.time);
  const message: ChatMessage = {
    id,
    conversationId: conversationIdOf({ from, to }, me),
    chatType: raw.chatType ?? 'singleChat',
    type: 'txt',
    from,
    to,
    text,
    time: Number.isFinite(time) && time > 0 ? time : Date.now(),
    status: from === me ? 'sent' : 'received',
  };
  if (raw.localMsgId && raw.id && raw.id !== raw.localMsgId) message.mid = raw.id;
  if (typeof raw.seq === 'number' && Number.isFinite(raw.seq)) message.seq = raw.seq;
  if (raw.ext && typeof raw.ext === 'object' && Object.keys(raw.ext).length > 0)
    message.ext = raw.ext;
  return message;
}

/**
 * Checks a draft before it is stored: an empty one or one the server would refuse as too large is
 * rejected here, so the composer keeps the draft and shows why.
 */
export function checkDraft(text: string): void {
  if (text.trim() === '') throw chatError(Codes.messageParameterError, Messages.emptyMessage);
  if (utf8.encode(text).byteLength > Limits.messageMaxBytes)
    throw chatError(Codes.messageSizeLimit, Messages.messageTooLong);
}

/**
 * A username as typed, made canonical: trimmed and lowercased (the server's usernames are lowercase);
 * throws a ChatError when it cannot be a username at all.
 */
export function normalizeUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (username === '' || !Limits.usernamePattern.test(username))
    throw chatError(Codes.messageParameterError, Messages.illegalUsername);
  if (utf8.encode(username).byteLength > Limits.usernameMaxBytes)
    throw chatError(Codes.messageParameterError, Messages.usernameTooLong);
  return username;
}
