/**
 * The `msg` frame for a message body, checked as the server checks it (the server still decides):
 * a body that cannot be right fails here with the code the server's nack would carry: 511
 * (`MESSAGE_SIZE_LIMIT`) for a text past `Limits.messageMaxBytes` (the server's is per app) and for
 * a frame past `MAX_FRAME_BYTES` (which the server would answer by closing the socket), 205
 * (`MESSAGE_PARAMETER_ERROR`) for every other missing, mistyped or too long field.
 */
import {
  ChatTypes,
  Limits,
  MAX_FRAME_BYTES,
  MessageLimits,
  type MessageBody as WireBody,
  type SendFrame,
} from '../protocol/index.js';
import type { MessageBody } from './message.js';
import type { ErrorEvent } from './types.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;
const isText = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const toNumber = (value: unknown) => (value === '' || value == null ? NaN : Number(value));

/** The MIME family each file kind accepts (a `file` message takes anything). */
export const FILE_KINDS: Record<string, string> = {
  img: 'image/',
  audio: 'audio/',
  video: 'video/',
  file: '',
};

class Refused {
  constructor(
    readonly type: number,
    readonly message: string,
  ) {}
}
const bad = (message: string): never => {
  throw new Refused(205, message);
};
const tooLong = (message: string): never => {
  throw new Refused(511, message);
};

function text(body: MessageBody, field: string, max: number, required = true): string {
  const value = body[field];
  if (!isText(value) || (required && !value)) return bad(`${field} must be a non-empty string`);
  if ([...value].length > max) bad(`${field} is longer than ${max} characters`);
  return value;
}

/** Sizes, dimensions, durations: whole numbers ≥ 0 (measured ones, like 3.4 s, are rounded). */
function count(body: MessageBody, field: string, required = false): number | undefined {
  const value = Math.round(toNumber(body[field]));
  if (body[field] == null && !required) return undefined;
  return Number.isSafeInteger(value) && value >= 0 ? value : bad(`${field} must be a number ≥ 0`);
}

function fileFields(body: MessageBody) {
  // 3.x apps pass the extension (`getFileUrl`'s `filetype`); only a MIME type travels.
  const filetype = isText(body.filetype) && body.filetype.includes('/') ? body.filetype : '';
  const family = FILE_KINDS[body.type]!;
  if (filetype && !filetype.startsWith(family))
    bad(`a ${body.type} message needs a ${family}* file`);
  const fields = {
    url: text(body, 'url', 2048),
    secret: text(body, 'secret', 256),
    filename: text(body, 'filename', MessageLimits.filenameMaxChars),
    file_length: count(body, 'file_length', true)!,
    ...(filetype ? { filetype } : {}),
  };
  if (isText(body.thumb) && body.thumb) {
    return { ...fields, thumb: body.thumb, thumb_secret: text(body, 'thumb_secret', 256) };
  }
  return fields;
}

function bodyOf(body: MessageBody): WireBody {
  const dims = () => ({ width: count(body, 'width'), height: count(body, 'height') });
  switch (body.type) {
    case 'txt': {
      const msg = isText(body.msg) && body.msg ? body.msg : bad('msg must be a non-empty string');
      if (bytes(msg) > Limits.messageMaxBytes) tooLong('the message is too large');
      return { type: 'txt', msg };
    }
    case 'img':
      return { type: 'img', ...fileFields(body), ...dims() };
    case 'audio':
      return { type: 'audio', ...fileFields(body), length: count(body, 'length') ?? 0 };
    case 'video':
      return { type: 'video', ...fileFields(body), ...dims(), length: count(body, 'length') ?? 0 };
    case 'file':
      return { type: 'file', ...fileFields(body) };
    case 'loc': {
      const [lat, lng] = [toNumber(body.lat), toNumber(body.lng)];
      if (!(Math.abs(lat) <= 90 && Math.abs(lng) <= 180)) bad('lat and lng must be coordinates');
      const addr = text(body, 'addr', MessageLimits.addrMaxChars, false);
      const building = body.buildingName;
      return building == null
        ? { type: 'loc', addr, lat, lng }
        : { type: 'loc', addr, lat, lng, buildingName: text(body, 'buildingName', 512, false) };
    }
    case 'cmd':
      return { type: 'cmd', action: text(body, 'action', MessageLimits.actionMaxChars) };
    case 'custom': {
      const customEvent = text(body, 'customEvent', MessageLimits.customEventMaxChars);
      const exts = body.customExts ?? {};
      if (!isObject(exts) || !Object.values(exts).every(isText)) {
        bad('customExts must map names to strings');
      }
      if (Object.keys(exts as object).length > MessageLimits.customExtsMaxEntries) {
        bad('customExts has too many entries');
      }
      if (bytes(JSON.stringify(exts)) > MessageLimits.extMaxBytes) bad('customExts is too large');
      return { type: 'custom', customEvent, customExts: exts as Record<string, string> };
    }
    default:
      return bad(`unknown message type ${String(body.type)}`);
  }
}

/** The frame for `body` (its file already uploaded: `url`, `secret`…), or why it cannot go. */
export function toFrame(body: MessageBody): SendFrame | ErrorEvent {
  try {
    const { id, to, ext, chatType } = body;
    if (!id || !isText(to) || !to || !ChatTypes.includes(chatType)) {
      bad('a message needs id, to and a known chatType');
    }
    if (ext != null && !isObject(ext)) bad('ext must be an object');
    let frame = { t: 'msg', id: String(id), to, chatType, ...bodyOf(body) } as SendFrame;
    // Dimensions left out are not sent as `undefined` (JSON drops them anyway; tests compare).
    frame = JSON.parse(JSON.stringify(frame)) as SendFrame;
    if (ext) {
      const json = JSON.stringify(ext);
      if (bytes(json) > MessageLimits.extMaxBytes) bad('ext is too large');
      frame.ext = JSON.parse(json) as typeof ext;
    }
    if (bytes(JSON.stringify(frame)) > MAX_FRAME_BYTES) tooLong('the message is too large');
    return frame;
  } catch (error) {
    if (error instanceof Refused) return { type: error.type, message: error.message };
    // JSON.stringify throws on cycles and BigInt.
    return { type: 205, message: 'ext cannot be written as JSON' };
  }
}
