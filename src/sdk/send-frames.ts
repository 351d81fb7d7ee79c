/**
 * The `msg` frame for a message body, checked as the server checks it (the server still decides):
 * a body that cannot be right fails here with the code the server's nack would carry: 511
 * (`MESSAGE_SIZE_LIMIT`) for a text past the app's limit (the connection's `appLimits`) and for
 * a frame past `MAX_FRAME_BYTES` (which the server would answer by closing the socket), 205
 * (`MESSAGE_PARAMETER_ERROR`) for every other missing, mistyped or too long field. Only the
 * protocol's fields of each kind are sent.
 */
import {
  ChatTypes,
  Limits,
  MAX_FRAME_BYTES,
  MessageLimits,
  extShapeProblem,
  type ClientFrame,
  type SendFrame,
} from '../protocol/index.js';
import type { MessageBody } from './message.js';
import type { ErrorEvent } from './types.js';

/** Checks one field: the value to send, `undefined` to leave it out, or throws {@link Refused}. */
type Check = (value: unknown, name: string) => unknown;

class Refused {
  constructor(
    readonly type: number,
    readonly message: string,
  ) {}
}

const bytes = (text: string) => new TextEncoder().encode(text).length;
const isText = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const toNumber = (value: unknown) => (value === '' || value == null ? NaN : Number(value));
const bad = (message: string): never => {
  throw new Refused(205, message);
};

const text =
  (max: number, empty = false): Check =>
  (value, name) =>
    isText(value) && (empty || value) && [...value].length <= max
      ? value
      : bad(`${name} must be a ${empty ? '' : 'non-empty '}string of at most ${max} characters`);
/** Sizes, dimensions, durations: whole numbers ≥ 0 (measured ones, like 3.4 s, are rounded). */
const count: Check = (value, name) => {
  const number = Math.round(toNumber(value));
  return Number.isSafeInteger(number) && number >= 0 ? number : bad(`${name} must be a number ≥ 0`);
};
const coordinate =
  (limit: number): Check =>
  (value, name) =>
    Math.abs(toNumber(value)) <= limit ? toNumber(value) : bad(`${name} must be within ±${limit}`);
const optional =
  (check: Check): Check =>
  (value, name) =>
    value == null ? undefined : check(value, name);
const customExts: Check = (value = {}, name) => {
  const ok =
    isObject(value) &&
    Object.values(value).every(isText) &&
    Object.keys(value).length <= MessageLimits.customExtsMaxEntries &&
    bytes(JSON.stringify(value)) <= MessageLimits.extMaxBytes;
  return ok ? value : bad(`${name} must map at most 32 names to strings, 8 KB of JSON`);
};

/** The MIME family each file kind accepts (a `file` message takes anything). */
export const FILE_KINDS: Record<string, string> = {
  img: 'image/',
  audio: 'audio/',
  video: 'video/',
  file: '',
};

/** Why a `type` file message (img, audio, video, file) cannot carry a `mime` file, if it cannot. */
export const wrongFile = (type: string, mime: string): string | undefined =>
  mime.startsWith(FILE_KINDS[type]!)
    ? undefined
    : `a ${type} message needs a ${FILE_KINDS[type]}* file`;

const FILE = {
  url: text(2048),
  secret: text(256),
  filename: text(MessageLimits.filenameMaxChars),
  file_length: count,
};
const THUMB = { thumb: optional(text(2048)), thumb_secret: optional(text(256)) };
const DIMENSIONS = { width: optional(count), height: optional(count) };
const LENGTH = { length: (value: unknown, name: string) => count(value ?? 0, name) };

const KINDS: Record<string, Record<string, Check>> = {
  txt: { msg: text(Infinity) },
  img: { ...FILE, ...THUMB, ...DIMENSIONS },
  audio: { ...FILE, ...LENGTH },
  video: { ...FILE, ...THUMB, ...DIMENSIONS, ...LENGTH },
  file: FILE,
  loc: {
    addr: text(MessageLimits.addrMaxChars, true),
    lat: coordinate(90),
    lng: coordinate(180),
    buildingName: optional(text(MessageLimits.addrMaxChars, true)),
  },
  cmd: { action: text(MessageLimits.actionMaxChars) },
  custom: { customEvent: text(MessageLimits.customEventMaxChars), customExts },
};

/** The frame for `body` (its file already uploaded: `url`, `secret`…), or why it cannot go. */
export function toFrame(
  body: MessageBody,
  messageMaxBytes: number = Limits.messageMaxBytes,
): SendFrame | ErrorEvent {
  try {
    const { id, to, ext, chatType, type, filetype, msgConfig } = body;
    const checks = KINDS[type] ?? bad(`unknown message type ${String(type)}`);
    if (!id || !isText(to) || !to || !ChatTypes.includes(chatType)) {
      bad('a message needs id, to and a known chatType');
    }
    const frame: Record<string, unknown> = { t: 'msg', id: String(id), to, chatType, type };
    for (const [name, check] of Object.entries(checks)) {
      const value = check(body[name], name);
      if (value !== undefined) frame[name] = value;
    }
    if (type === 'txt' && bytes(body.msg!) > messageMaxBytes) {
      throw new Refused(511, 'the text is too long');
    }
    // 3.x apps pass the extension (`getFileUrl`'s `filetype`); only a MIME type travels.
    if (type in FILE_KINDS && isText(filetype) && filetype.includes('/')) {
      const problem = wrongFile(type, filetype);
      frame.filetype = problem ? bad(problem) : filetype;
    }
    if (ext != null) {
      if (!isObject(ext)) bad('ext must be an object');
      // Its JSON: what the server stores; also drops what JSON cannot carry (functions).
      const json = JSON.stringify(ext);
      if (bytes(json) > MessageLimits.extMaxBytes) bad('ext is larger than 8 KB of JSON');
      const problem = extShapeProblem(ext);
      if (problem) bad(problem);
      frame.ext = JSON.parse(json);
    }
    // The only option the server honours; others' options (4.x `msgConfig`) are not sent.
    if (isObject(msgConfig) && msgConfig.allowGroupAck) frame.msgConfig = { allowGroupAck: true };
    // 4.x: to the sessions open now, stored nowhere (Agora's guide passes it as "true" too).
    if (body.deliverOnlineOnly) frame.deliverOnlineOnly = true;
    if (bytes(JSON.stringify(frame)) > MAX_FRAME_BYTES) throw new Refused(511, 'too large');
    return frame as unknown as SendFrame;
  } catch (error) {
    if (error instanceof Refused) return { type: error.type, message: error.message };
    // JSON.stringify throws on cycles and BigInt.
    return { type: 205, message: 'ext cannot be written as JSON' };
  }
}

/** The frame of a `read`, `delivery` or `channel` receipt, or why it cannot go. */
export function toReceiptFrame(body: MessageBody): ClientFrame | ErrorEvent {
  const { type, to, chatType, ackId } = body;
  if (!to || (type !== 'channel' && !ackId)) {
    return { type: 205, message: `a ${type} receipt needs to and the message's id` };
  }
  return type === 'channel'
    ? { t: 'channel', to, chatType }
    : type === 'read'
      ? { t: 'read', mid: String(ackId), to, chatType }
      : { t: 'delivery', mid: String(ackId), to };
}
