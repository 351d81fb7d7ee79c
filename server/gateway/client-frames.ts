/**
 * Turns a text frame into a typed client frame, checking every field's type, so the session and
 * the domain never see malformed input. Content rules (sizes, known users) are the domain's.
 */
import {
  extShapeProblem,
  type AuthFrame,
  type ChannelFrame,
  type ChatType,
  type ClientFrame,
  type DeliveryFrame,
  type ReadFrame,
  type RecallFrame,
  type RecvFrame,
  type RenewFrame,
  type SendFrame,
} from '../../src/protocol/frames.js';
import type { ModifyFrame } from '../../src/protocol/message-edits.js';
import { parseMessageBody } from '../domain/message-bodies.js';

/** A refusal names the frame kind (`t`) when it could tell, and a `msg`'s id for the nack. */
export type Parsed<T> =
  { ok: true; frame: T } | { ok: false; reason: string; t?: ClientFrame['t']; id?: string };

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const fail = (reason: string, id?: string, t?: ClientFrame['t']): Parsed<never> => ({
  ok: false,
  reason,
  id,
  t,
});
const failAuth = (reason: string) => fail(reason, undefined, 'auth');

function parseAuth(raw: JsonObject): Parsed<AuthFrame> {
  const { user, token, deviceId, multi, since } = raw;
  if (typeof user !== 'string' || user === '') return failAuth('auth.user must be a username');
  if (typeof token !== 'string' || token === '') return failAuth('auth.token must be a token');
  if (typeof deviceId !== 'string' || deviceId === '' || deviceId.length > 128) {
    return failAuth('auth.deviceId must be 1-128 characters');
  }
  if (multi !== undefined && typeof multi !== 'boolean')
    return failAuth('auth.multi must be a boolean');
  if (since !== undefined && since !== null && !isSeq(since)) {
    return failAuth('auth.since must be a non-negative integer');
  }
  const frame: AuthFrame = { t: 'auth', user, token, deviceId, multi: multi ?? false };
  if (isSeq(since)) frame.since = since;
  return { ok: true, frame };
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= 64;

const isName = (value: unknown): value is string =>
  typeof value === 'string' && value !== '' && value.length <= 64;

function parseSend(raw: JsonObject): Parsed<SendFrame> {
  const { id, to, chatType, ext, msgConfig, deliverOnlineOnly, t: _t, ...fields } = raw;
  if (!isId(id)) return fail('msg.id must be 1-64 characters');
  if (!isName(to)) return fail('msg.to must be a username', id);
  if (typeof chatType !== 'string') return fail('msg.chatType must be a string', id);
  if (ext !== undefined && ext !== null && !isObject(ext)) {
    return fail('msg.ext must be a JSON object', id);
  }
  const extProblem = extShapeProblem(ext);
  if (extProblem) return fail(extProblem, id);
  if (msgConfig !== undefined && msgConfig !== null) {
    if (!isObject(msgConfig)) return fail('msg.msgConfig must be a JSON object', id);
    const { allowGroupAck } = msgConfig;
    if (allowGroupAck !== undefined && typeof allowGroupAck !== 'boolean') {
      return fail('msg.msgConfig.allowGroupAck must be a boolean', id);
    }
  }
  if (deliverOnlineOnly !== undefined && typeof deliverOnlineOnly !== 'boolean') {
    return fail('msg.deliverOnlineOnly must be a boolean', id);
  }
  const body = parseMessageBody(fields);
  if (!body.ok) return fail(body.reason, id);
  const frame = { t: 'msg', id, to, chatType, ...body.body } as SendFrame;
  if (isObject(ext)) frame.ext = ext;
  // Only the options the server honours are kept.
  if (isObject(msgConfig) && msgConfig.allowGroupAck === true) {
    frame.msgConfig = { allowGroupAck: true };
  }
  if (deliverOnlineOnly === true) frame.deliverOnlineOnly = true;
  return { ok: true, frame };
}

/** A mid is Agora's decimal string; anything else cannot name a message. */
const isMid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9]{1,32}$/.test(value);

function parseAck<T extends 'delivery' | 'read'>(
  t: T,
  raw: JsonObject,
): Parsed<T extends 'delivery' ? DeliveryFrame : ReadFrame> {
  if (!isMid(raw.mid)) return fail(`${t}.mid must be a message id`);
  if (!isName(raw.to)) return fail(`${t}.to must be the message's sender or group`);
  if (raw.chatType !== undefined && typeof raw.chatType !== 'string') {
    return fail(`${t}.chatType must be a string`);
  }
  const frame = { t, mid: raw.mid, to: raw.to } as ReadFrame;
  if (t === 'read' && typeof raw.chatType === 'string') frame.chatType = raw.chatType as ChatType;
  return { ok: true, frame: frame as never };
}

// A chatType is only typed here; the domain refuses the kinds it does not support (53).
function parseChannel(raw: JsonObject): Parsed<ChannelFrame> {
  if (!isName(raw.to)) return fail('channel.to must be a username');
  if (typeof raw.chatType !== 'string') return fail('channel.chatType must be a string');
  return { ok: true, frame: { t: 'channel', to: raw.to, chatType: raw.chatType as ChatType } };
}

function parseRecall(raw: JsonObject): Parsed<RecallFrame> {
  const { id, mid, to, chatType } = raw;
  if (!isId(id)) return fail('recall.id must be 1-64 characters');
  if (!isMid(mid)) return fail('recall.mid must be a message id', id);
  if (!isName(to)) return fail('recall.to must be a username', id);
  if (typeof chatType !== 'string') return fail('recall.chatType must be a string', id);
  return { ok: true, frame: { t: 'recall', id, mid, to, chatType: chatType as ChatType } };
}

function parseModify(raw: JsonObject): Parsed<ModifyFrame> {
  const { id, mid, to, chatType, msg } = raw;
  if (!isId(id)) return fail('modify.id must be 1-64 characters');
  if (!isMid(mid)) return fail('modify.mid must be a message id', id);
  if (!isName(to)) return fail('modify.to must be a username or group id', id);
  if (typeof chatType !== 'string') return fail('modify.chatType must be a string', id);
  if (typeof msg !== 'string') return fail('modify.msg must be the new text', id);
  return { ok: true, frame: { t: 'modify', id, mid, to, chatType: chatType as ChatType, msg } };
}

function parseRecv(raw: JsonObject): Parsed<RecvFrame> {
  return isSeq(raw.seq)
    ? { ok: true, frame: { t: 'recv', seq: raw.seq } }
    : fail('recv.seq must be a non-negative integer');
}

function parseRenew(raw: JsonObject): Parsed<RenewFrame> {
  return typeof raw.token === 'string' && raw.token !== ''
    ? { ok: true, frame: { t: 'renew', token: raw.token } }
    : fail('renew.token must be a token');
}

export function parseClientFrame(text: string): Parsed<ClientFrame> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('the frame is not valid JSON');
  }
  if (!isObject(raw) || typeof raw.t !== 'string') {
    return fail('a frame is a JSON object with a string "t"');
  }
  switch (raw.t) {
    case 'auth':
      return parseAuth(raw);
    case 'ping':
      return { ok: true, frame: { t: 'ping' } };
    case 'msg':
      return parseSend(raw);
    case 'recv':
      return parseRecv(raw);
    case 'renew':
      return parseRenew(raw);
    case 'delivery':
      return parseAck('delivery', raw);
    case 'read':
      return parseAck('read', raw);
    case 'channel':
      return parseChannel(raw);
    case 'recall':
      return parseRecall(raw);
    case 'modify':
      return parseModify(raw);
    default:
      return fail(`unknown frame type "${raw.t.slice(0, 32)}"`);
  }
}
