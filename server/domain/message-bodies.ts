/**
 * The shape of every `MessageBody` kind (src/protocol/frames.ts), checked field by field, and the
 * chatfile urls they carry. Only the fields the protocol names are kept, so what is stored and
 * delivered is exactly what the protocol describes. Rules that need the app or the database
 * (text size, whose file it is) are in messages.ts.
 */
import {
  MessageLimits,
  MessageTypes,
  type MessageBody,
  type MessageType,
} from '../../src/protocol/frames.js';

export type BodyCheck = { ok: true; body: MessageBody } | { ok: false; reason: string };

type Fields = Record<string, unknown>;

/** Longest url or secret we accept; real ones are far shorter. */
const URL_MAX_CHARS = 2048;
const SECRET_MAX_CHARS = 256;
const FILETYPE_MAX_CHARS = 255;

class BodyError extends Error {}

const chars = (value: string) => [...value].length;

function string(fields: Fields, name: string, max: number, allowEmpty = false): string {
  const value = fields[name];
  if (typeof value !== 'string') throw new BodyError(`${name} must be a string`);
  if (!allowEmpty && value === '') throw new BodyError(`${name} must not be empty`);
  if (chars(value) > max) throw new BodyError(`${name} must be at most ${max} characters`);
  return value;
}

function optionalString(fields: Fields, name: string, max: number): string | undefined {
  return fields[name] === undefined ? undefined : string(fields, name, max, true);
}

/** Sizes, durations and dimensions: whole, non-negative, safe numbers. */
function count(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new BodyError(`${name} must be a non-negative integer`);
  }
  return value;
}

function optionalCount(fields: Fields, name: string): number | undefined {
  return fields[name] === undefined ? undefined : count(fields, name);
}

function coordinate(fields: Fields, name: 'lat' | 'lng', limit: number): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
    throw new BodyError(`${name} must be a number from -${limit} to ${limit}`);
  }
  return value;
}

/** Copies only the defined optional fields, so a round trip adds no `undefined` keys. */
function withOptional<T extends object>(body: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (body as Record<string, unknown>)[key] = value;
  }
  return body;
}

function fileFields(fields: Fields) {
  return {
    url: string(fields, 'url', URL_MAX_CHARS),
    secret: string(fields, 'secret', SECRET_MAX_CHARS),
    filename: string(fields, 'filename', MessageLimits.filenameMaxChars),
    file_length: count(fields, 'file_length'),
  };
}

function fileOptional(fields: Fields) {
  return { filetype: optionalString(fields, 'filetype', FILETYPE_MAX_CHARS) };
}

function thumbnail(fields: Fields) {
  const thumb = optionalString(fields, 'thumb', URL_MAX_CHARS);
  const thumbSecret = optionalString(fields, 'thumb_secret', SECRET_MAX_CHARS);
  if ((thumb === undefined) !== (thumbSecret === undefined)) {
    throw new BodyError('thumb and thumb_secret go together');
  }
  return { thumb, thumb_secret: thumbSecret };
}

function customExts(fields: Fields): Record<string, string> {
  const value = fields.customExts;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BodyError('customExts must be an object of strings');
  }
  const entries = Object.entries(value);
  if (entries.length > MessageLimits.customExtsMaxEntries) {
    throw new BodyError(`customExts must have at most ${MessageLimits.customExtsMaxEntries} keys`);
  }
  const result: Record<string, string> = {};
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') throw new BodyError(`customExts.${key} must be a string`);
    result[key] = entry;
  }
  if (Buffer.byteLength(JSON.stringify(result)) > MessageLimits.extMaxBytes) {
    throw new BodyError(`customExts is larger than ${MessageLimits.extMaxBytes} bytes of JSON`);
  }
  return result;
}

const build: Record<MessageType, (fields: Fields) => MessageBody> = {
  txt: (f) => ({ type: 'txt', msg: string(f, 'msg', Number.MAX_SAFE_INTEGER, true) }),
  img: (f) =>
    withOptional(
      { type: 'img', ...fileFields(f) },
      {
        ...fileOptional(f),
        ...thumbnail(f),
        width: optionalCount(f, 'width'),
        height: optionalCount(f, 'height'),
      },
    ),
  audio: (f) =>
    withOptional({ type: 'audio', ...fileFields(f), length: count(f, 'length') }, fileOptional(f)),
  video: (f) =>
    withOptional(
      { type: 'video', ...fileFields(f), length: count(f, 'length') },
      {
        ...fileOptional(f),
        ...thumbnail(f),
        width: optionalCount(f, 'width'),
        height: optionalCount(f, 'height'),
      },
    ),
  file: (f) => withOptional({ type: 'file', ...fileFields(f) }, fileOptional(f)),
  loc: (f) =>
    withOptional(
      {
        type: 'loc',
        addr: string(f, 'addr', MessageLimits.addrMaxChars, true),
        lat: coordinate(f, 'lat', 90),
        lng: coordinate(f, 'lng', 180),
      },
      { buildingName: optionalString(f, 'buildingName', MessageLimits.addrMaxChars) },
    ),
  cmd: (f) => ({ type: 'cmd', action: string(f, 'action', MessageLimits.actionMaxChars) }),
  custom: (f) => ({
    type: 'custom',
    customEvent: string(f, 'customEvent', MessageLimits.customEventMaxChars),
    customExts: customExts(f),
  }),
};

const isMessageType = (value: unknown): value is MessageType =>
  typeof value === 'string' && (MessageTypes as readonly string[]).includes(value);

/** The body of a `msg` frame, or why it is not one (the nack's reason). */
export function parseMessageBody(fields: Fields): BodyCheck {
  const { type } = fields;
  if (!isMessageType(type)) {
    return {
      ok: false,
      reason:
        typeof type === 'string'
          ? `unknown message type "${type.slice(0, 32)}"; use one of ${MessageTypes.join(', ')}`
          : 'msg.type must be a string',
    };
  }
  try {
    return { ok: true, body: build[type](fields) };
  } catch (error) {
    if (!(error instanceof BodyError)) throw error;
    return { ok: false, reason: `${type} message: ${error.message}` };
  }
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `/{org}/{app}/chatfiles/{uuid}`: how a file url is stored (the host is the reader's own). */
export const chatfilePath = (org: string, app: string, uuid: string) =>
  `/${encodeURIComponent(org)}/${encodeURIComponent(app)}/chatfiles/${uuid}`;

/**
 * The chatfile uuid a url names, when it is `{anything}/{org}/{app}/chatfiles/{uuid}` of this app
 * (query and fragment ignored: the SDK adds `?em-redirect=true` and the like).
 */
export function chatfileUuid(url: string, org: string, app: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return undefined;
  }
  const parts = path.split('/');
  const [uuid, chatfiles, appName, orgName] = parts.reverse();
  if (chatfiles !== 'chatfiles' || uuid === undefined || !uuidPattern.test(uuid)) return undefined;
  try {
    if (decodeURIComponent(orgName ?? '') !== org || decodeURIComponent(appName ?? '') !== app) {
      return undefined;
    }
  } catch {
    return undefined;
  }
  return uuid;
}

/** The MIME family a file of this message kind must have (`null`: any). */
export const requiredMediaFamily: Record<MessageType, string | null> = {
  txt: null,
  img: 'image',
  audio: 'audio',
  video: 'video',
  file: null,
  loc: null,
  cmd: null,
  custom: null,
};

/** Stored file urls are paths; readers get them on the base they reached the server by. */
export function withFileBase<T extends MessageBody>(body: T, base: string): T {
  if (!('url' in body)) return body;
  const copy = { ...body } as T & { url?: string; thumb?: string };
  if (copy.url?.startsWith('/')) copy.url = base + copy.url;
  if (copy.thumb?.startsWith('/')) copy.thumb = base + copy.thumb;
  return copy;
}
